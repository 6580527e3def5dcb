# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mock compute cloud as its own process for the benchmarks: started on a free port with a topology and a
migration duration, its control API read as JSON."""

import json
import os
import subprocess
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.join(ROOT, '.venv', 'bin')


def http(url, method='GET'):
    request = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read().decode('utf-8') or 'null')


def start_mock(workdir, seconds, topo_path):
    clouds = os.path.join(workdir, 'clouds.yaml')
    url_path = os.path.join(workdir, 'mock.url')
    log_path = os.path.join(workdir, 'mock.log')
    with open(url_path, 'w') as out, open(log_path, 'w') as err:
        proc = subprocess.Popen([os.path.join(VENV_BIN, 'mock-compute'), 'serve', '--port', '0', '--write-clouds-yaml',
                                 clouds, '--topology', topo_path, '--migration-seconds', str(seconds)],
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    url = ''
    while time.monotonic() < deadline:
        with open(url_path) as handle:
            url = handle.read().strip()
        if url.startswith('http://'):
            break
        if proc.poll() is not None:
            raise SystemExit('mock-compute exited early: see %s' % log_path)
        time.sleep(0.1)
    else:
        proc.kill()
        raise SystemExit('mock-compute did not start within 30 s')
    return proc, url.splitlines()[0], clouds
