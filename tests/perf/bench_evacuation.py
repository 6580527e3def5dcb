# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the host_evacuation role against the mock compute cloud (not part of ``make test``).

Starts ``mock-compute`` with a fixed cold-migration duration, empties a host of N servers with the
``novaops.migration.evacuate_host`` playbook, and prints:

* the wall time of the playbook run;
* the pure migration time (N x duration), i.e. what a perfect orchestrator would need;
* the orchestration overhead per server, (wall - pure) / N, against the 1.5 s target;
* the API requests per migrated server (``GET /mock/counters``), against the 10 requests target,
  with the per-route breakdown.

Usage: .venv/bin/python tests/perf/bench_evacuation.py [--servers 20] [--migration-seconds 2] [--json]
Exit status: 0 when the run emptied the host (targets are reported, not enforced), 1 otherwise.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from mock_process import http, start_mock

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.join(ROOT, '.venv', 'bin')
OVERHEAD_TARGET = 1.5
REQUESTS_TARGET = 10


def topology(servers, targets):
    lines = [
        'name: bench',
        'zones: [nova]',
        'host_defaults: {vcpus: 64, memory_mb: 262144, disk_gb: 4000}',
        'flavors:',
        '  - {id: "1", name: m1.tiny, vcpus: 1, ram: 512, disk: 1}',
        'hosts:',
        '  - {name: compute-1}',
    ]
    lines += ['  - {name: compute-%d}' % (i + 2) for i in range(targets)]
    lines.append('servers:')
    for i in range(servers):
        status = 'SHUTOFF' if i % 4 == 3 else 'ACTIVE'
        lines.append('  - {name: bench-%02d, host: compute-1, flavor: m1.tiny, status: %s, project: demo}' % (i + 1, status))
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--servers', type=int, default=20, help='servers on the host to empty (default 20)')
    parser.add_argument('--targets', type=int, default=3, help='other compute hosts (default 3)')
    parser.add_argument('--migration-seconds', type=float, default=2.0, help='mock cold-migration duration (default 2)')
    parser.add_argument('--json', action='store_true', help='print the figures as JSON')
    parser.add_argument('--keep', action='store_true', help='keep the work directory (playbook log, report)')
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix='novaops-bench.')
    topo_path = os.path.join(workdir, 'topology.yaml')
    with open(topo_path, 'w') as handle:
        handle.write(topology(args.servers, args.targets))
    proc, url, clouds = start_mock(workdir, args.migration_seconds, topo_path)
    try:
        http(url + '/mock/counters/reset', 'POST')
        env = dict(os.environ)
        env.update({
            'OS_CLIENT_CONFIG_FILE': clouds,
            'ANSIBLE_COLLECTIONS_PATH': os.path.join(ROOT, '.venv', 'collections'),
            'ANSIBLE_FORCE_COLOR': '0',
            'PATH': VENV_BIN + os.pathsep + env.get('PATH', ''),
        })
        report_path = os.path.join(workdir, 'report.json')
        log_path = os.path.join(workdir, 'playbook.log')
        command = [os.path.join(VENV_BIN, 'ansible-playbook'), 'novaops.migration.evacuate_host',
                   '-e', 'host=compute-1', '-e', 'cloud=mock-admin', '-e', 'report=%s' % report_path]
        started = time.monotonic()
        with open(log_path, 'w') as log:
            rc = subprocess.call(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
        wall = time.monotonic() - started
        counters = http(url + '/mock/counters')
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)

    report = {}
    if os.path.exists(report_path):
        with open(report_path) as handle:
            report = json.load(handle)
    moved = [s for s in report.get('servers', []) if s.get('outcome') == 'moved']
    migrated = len(moved)
    pure = args.servers * args.migration_seconds
    overhead = (wall - pure) / args.servers
    per_server_wall = sorted(s.get('elapsed') or 0 for s in moved)
    per_server_module = sorted(s.get('module_elapsed') or 0 for s in moved)
    total_requests = counters.get('total', 0)
    figures = {
        'servers': args.servers,
        'migrated': migrated,
        'migration_seconds': args.migration_seconds,
        'playbook_rc': rc,
        'wall_seconds': round(wall, 1),
        'pure_migration_seconds': round(pure, 1),
        'overhead_per_server_seconds': round(overhead, 2),
        'overhead_target_seconds': OVERHEAD_TARGET,
        'median_server_wall_seconds': per_server_wall[len(per_server_wall) // 2] if per_server_wall else None,
        'median_server_module_seconds': per_server_module[len(per_server_module) // 2] if per_server_module else None,
        'requests_total': total_requests,
        'requests_per_migrated_server': round(total_requests / migrated, 1) if migrated else None,
        'requests_target': REQUESTS_TARGET,
        'requests_by_route': counters.get('by_route', {}),
        'result': report.get('result'),
        'workdir': workdir if args.keep else None,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print('host_evacuation benchmark: %d servers, cold migration %.1f s each (mock)' % (args.servers, args.migration_seconds))
        print('  result                      %s (playbook rc %d, %d migrated)' % (figures['result'], rc, migrated))
        print('  wall time                   %.1f s' % wall)
        print('  pure migration time         %.1f s (%d x %.1f s)' % (pure, args.servers, args.migration_seconds))
        print('  overhead per server         %.2f s (target <= %.1f s) %s'
              % (overhead, OVERHEAD_TARGET, 'OK' if overhead <= OVERHEAD_TARGET else 'ABOVE TARGET'))
        print('  median per server           %.2f s wall, %.2f s inside the migration module'
              % (figures['median_server_wall_seconds'] or 0, figures['median_server_module_seconds'] or 0))
        if migrated:
            print('  requests per migrated server %.1f (%d in total; target <= %d) %s'
                  % (total_requests / migrated, total_requests, REQUESTS_TARGET,
                     'OK' if total_requests / migrated <= REQUESTS_TARGET else 'ABOVE TARGET'))
        for route, count in sorted(counters.get('by_route', {}).items(), key=lambda kv: -kv[1]):
            print('      %5d  %s' % (count, route))
        if args.keep:
            print('  work directory              %s' % workdir)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if rc == 0 and migrated == args.servers else 1


if __name__ == '__main__':
    sys.exit(main())
