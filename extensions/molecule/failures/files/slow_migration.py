# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make exactly one server's cold migration slow on nova-in-a-box, a real Nova that has no per-server fault.

The harness's fake hypervisor reads its migration time when a migration step starts (PATCH /control/config
migration_seconds). A sequential evacuation migrates AFTER, then SERVER: once AFTER's migration has finished its
steps, the time is raised, and once SERVER's migration is in its copy step, lowered again. SERVER then stays in
``migrating`` for about 0.7 x SLOW seconds, the way a hung disk copy would.

usage: python slow_migration.py URL TOKEN AFTER SERVER SLOW NORMAL
"""

import json
import sys
import time
import urllib.parse
import urllib.request

DONE = {'finished', 'confirming', 'confirmed'}
COPYING = {'migrating', 'post-migrating', 'finished', 'confirming', 'confirmed'}


def call(url, method='GET', body=None, token=None):
    headers = {'Content-Type': 'application/json', 'OpenStack-API-Version': 'compute 2.59'}
    if token:
        headers['X-Auth-Token'] = token
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers, method=method), timeout=10) as answer:
        return json.loads(answer.read() or b'null')


def server_id(base, token, name):
    found = call('%s/v2.1/servers?all_tenants=1&name=%s' % (base, urllib.parse.quote('^%s$' % name)), token=token)['servers']
    if len(found) != 1:
        raise SystemExit('%d servers named %s' % (len(found), name))
    return found[0]['id']


def wait_for(base, token, uuid, statuses, deadline):
    while time.monotonic() < deadline:
        records = call('%s/v2.1/os-migrations?instance_uuid=%s' % (base, uuid), token=token)['migrations']
        if any(r['status'] in statuses for r in records):
            return True
        time.sleep(0.1)
    return False


def set_seconds(base, seconds):
    call(base + '/control/config', 'PATCH', {'migration_seconds': seconds})
    print('migration_seconds %s' % seconds, flush=True)


def main(base, token, after, server, slow, normal):
    deadline = time.monotonic() + 240
    after_id, server_uuid = server_id(base, token, after), server_id(base, token, server)
    try:
        if not wait_for(base, token, after_id, DONE, deadline):
            raise SystemExit('the migration of %s did not finish' % after)
        set_seconds(base, float(slow))
        if not wait_for(base, token, server_uuid, COPYING, deadline):
            raise SystemExit('the migration of %s did not start' % server)
        # The copy step reads the time just after the record says migrating.
        time.sleep(1)
    finally:
        set_seconds(base, float(normal))


if __name__ == '__main__':
    main(*sys.argv[1:])
