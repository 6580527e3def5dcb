"""Release the fault holding a migration once the evacuation has started migrating (its first action request).

Then the run's plan has certainly seen the held migration in progress, however slow the machine is; a fixed delay
raced with the plan on a busy CI machine, and so did a 50 s deadline once the machine ran the real-Nova release matrix
beside it (the converge passes 300 s).   release_when_migrating.py MOCK_URL FAULT_ID [DEADLINE_SECONDS]
"""

import json
import sys
import time
import urllib.request

ROUTE = "POST /v2.1/servers/{server_id}/action"


def actions(url):
    with urllib.request.urlopen(url + "/mock/counters", timeout=10) as response:
        return json.loads(response.read())["by_route"].get(ROUTE, 0)


def main(url, fault, deadline=50.0):
    url = url.rstrip("/")
    before = actions(url)
    end = time.monotonic() + float(deadline)
    while time.monotonic() < end and actions(url) == before:
        time.sleep(0.2)
    urllib.request.urlopen(urllib.request.Request("%s/mock/faults/%s" % (url, fault), method="DELETE"), timeout=10)
    print("released %s after %d action request(s)" % (fault, actions(url) - before))


if __name__ == "__main__":
    main(*sys.argv[1:])
