# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of a maintenance campaign (compute_maintenance role) against the mock compute cloud (not part of
``make test``).

Starts ``mock-compute`` with a fixed cold-migration duration and a generated topology: ``--hosts`` campaign hosts
(aggregate rack-a) of ``--servers`` m1.tiny servers each (a quarter shut off) and two empty hosts outside the
campaign with room for all of them. Runs the ``novaops.migration.maintain_computes`` playbook over rack-a with
``parallel_hosts`` / ``per_source``, a hook that reboots the host through the mock (``down_seconds``) and pauses
``down_seconds + 1`` s (its own time), and a gate delay of ``--gate-delay`` s. Prints:

* the campaign's wall time (the ansible-playbook run);
* the physical limit: migrated servers x migration seconds / migrations in flight, plus the hooks' own time taken as
  the sum over the steps of the longest hook of the step (the hooks of one step run side by side);
* wall / limit, and the fixed cost per host, (wall - limit) / hosts;
* the API requests per migrated server (``GET /mock/counters``, total during the campaign / servers migrated), by
  method/path class and by route, and per task of the playbook (module call), against the 10 requests target.

The per-task figures come from snapshots of the counters taken when the playbook prints each task's header (the
hook's control-API requests are never counted), so a request is attributed to the task that was running.

Usage: .venv/bin/python tests/perf/bench_campaign.py [--hosts 8] [--servers 10] [--migration-seconds 1]
       [--parallel-hosts 2] [--per-source 1] [--down-seconds 2] [--gate-delay 1] [--json] [--keep]
Exit status: 0 when the campaign's verdict is COMPLETE (targets are reported, not enforced), 1 otherwise.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from mock_process import http, start_mock

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.join(ROOT, '.venv', 'bin')
LIMIT_FACTOR = 1.3
PER_HOST_TARGET = 5.0
REQUESTS_TARGET = 10
SPARE_HOSTS = 2

HOOK = '''---
# The benchmark's maintenance hook: "reboot" the compute host through the mock's control API (not counted), then
# wait as long as the reboot lasts plus a second: its own time is bench_down_seconds + 1.
- name: Reboot the host through the mock cloud
  ansible.builtin.uri:
    url: "{{ bench_mock_url }}/mock/hosts/{{ compute_maintenance_current_host }}/reboot"
    method: POST
    body_format: json
    body: {down_seconds: "{{ bench_down_seconds | int }}", servers: stop}
    status_code: 202

- name: Wait for the reboot to end
  ansible.builtin.pause:
    seconds: "{{ bench_down_seconds | int + 1 }}"
'''


def topology(hosts, servers):
    spare_vcpus = max(64, (hosts * servers) // SPARE_HOSTS + 8)
    lines = [
        'name: bench-campaign',
        'zones: [nova]',
        'host_defaults: {vcpus: %d, memory_mb: 65536, disk_gb: 1000, cpu_allocation_ratio: 1.0, '
        'ram_allocation_ratio: 1.0, disk_allocation_ratio: 1.0, reserved_memory_mb: 0}' % (servers + 6),
        'flavors:',
        '  - {id: "1", name: m1.tiny, vcpus: 1, ram: 512, disk: 1}',
        'hosts:',
    ]
    lines += ['  - {name: compute-%d, zone: nova}' % (i + 1) for i in range(hosts)]
    lines += ['  - {name: spare-%d, zone: nova, vcpus: %d, memory_mb: 262144, disk_gb: 4000}' % (i + 1, spare_vcpus)
              for i in range(SPARE_HOSTS)]
    lines += ['aggregates:', '  - {name: rack-a, hosts: [%s]}' % ', '.join('compute-%d' % (i + 1) for i in range(hosts)),
              'servers:']
    index = 0
    for h in range(hosts):
        for _server in range(servers):
            index += 1
            status = 'SHUTOFF' if index % 4 == 3 else 'ACTIVE'
            lines.append('  - {name: vm-%03d, host: compute-%d, flavor: m1.tiny, status: %s, project: demo}'
                         % (index, h + 1, status))
    return '\n'.join(lines) + '\n'


def inventory(hosts):
    lines = ['[computes]']
    lines += ['compute-%d ansible_connection=local ansible_python_interpreter=%s'
              % (i + 1, os.path.join(VENV_BIN, 'python')) for i in range(hosts)]
    return '\n'.join(lines) + '\n'


TASK_RE = re.compile(r'^TASK \[(?:[\w.]+ : )?(.*?)\] \*+$')
HOST_RE = re.compile(r'\b(?:compute|spare)-\d+(?:, (?:compute|spare)-\d+)*')


def task_class(name):
    return HOST_RE.sub('{host}', name)


def run_playbook(command, env, cwd, log_path, url):
    """Run the playbook, snapshotting the request counters at each task header; per task class: runs, retries,
    wall seconds, requests by route."""
    tasks = {}
    current = None
    snapshot = http(url + '/mock/counters')
    mark = time.monotonic()

    def close(now_counters, now):
        if current is None:
            return
        entry = tasks.setdefault(current, {'runs': 0, 'retries': 0, 'seconds': 0.0, 'requests': 0, 'by_route': {}})
        entry['seconds'] += now - mark
        entry['requests'] += now_counters.get('total', 0) - snapshot.get('total', 0)
        before = snapshot.get('by_route', {})
        for route, count in now_counters.get('by_route', {}).items():
            if count - before.get(route, 0):
                entry['by_route'][route] = entry['by_route'].get(route, 0) + count - before.get(route, 0)

    with open(log_path, 'w') as log:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd,
                                stdin=subprocess.DEVNULL, text=True, bufsize=1)
        for line in proc.stdout:
            log.write(line)
            match = TASK_RE.match(line.strip())
            if match or line.startswith('PLAY RECAP'):
                counters, now = http(url + '/mock/counters'), time.monotonic()
                close(counters, now)
                snapshot, mark = counters, now
                current = task_class(match.group(1)) if match else None
                if current is not None:
                    tasks.setdefault(current, {'runs': 0, 'retries': 0, 'seconds': 0.0, 'requests': 0, 'by_route': {}})
                    tasks[current]['runs'] += 1
            elif 'FAILED - RETRYING' in line and current is not None:
                tasks[current]['retries'] += 1
        rc = proc.wait()
    counters, now = http(url + '/mock/counters'), time.monotonic()
    close(counters, now)
    return rc, tasks


ROUTE_CLASSES = [
    ('identity (keystone tokens, catalog)', re.compile(r'/v3/|/identity|^\S+ /$')),
    ('placement', re.compile(r'/placement|/resource_providers|/allocation')),
    ('POST server action (migrate, confirm)', re.compile(r'^POST /v2\.1/servers/\{server_id\}/action')),
    ('GET one server', re.compile(r'^GET /v2\.1/servers/\{server_id\}$')),
    ('GET servers list (detail)', re.compile(r'^GET /v2\.1/servers(/detail)?$')),
    ('migrations / instance actions', re.compile(r'migrations|os-instance-actions')),
    ('services (os-services)', re.compile(r'os-services')),
    ('hypervisors', re.compile(r'os-hypervisors')),
    ('aggregates / zones / flavors / groups', re.compile(r'os-aggregates|os-availability-zone|flavors|os-server-groups')),
]


def route_class(route):
    for name, pattern in ROUTE_CLASSES:
        if pattern.search(route):
            return name
    return 'other (%s)' % route.split(' ')[0]


def lifetimes(records):
    """Seconds from each confirmed migration record's creation to its confirmation (mock clock)."""
    result = []
    for record in records:
        try:
            begun = datetime.datetime.strptime(record['created_at'], '%Y-%m-%dT%H:%M:%S.%f')
            ended = datetime.datetime.strptime(record['updated_at'], '%Y-%m-%dT%H:%M:%S.%f')
        except (KeyError, TypeError, ValueError):
            continue
        if record.get('status') == 'confirmed':
            result.append((ended - begun).total_seconds())
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--hosts', type=int, default=8, help='campaign hosts (default 8)')
    parser.add_argument('--servers', type=int, default=10, help='servers per campaign host (default 10)')
    parser.add_argument('--migration-seconds', type=float, default=1.0, help='mock cold-migration duration (default 1)')
    parser.add_argument('--parallel-hosts', type=int, default=2, help='-e parallel_hosts (default 2)')
    parser.add_argument('--per-source', type=int, default=1, help='-e per_source (default 1)')
    parser.add_argument('--down-seconds', type=int, default=2, help='reboot down time of the hook (default 2)')
    parser.add_argument('--gate-delay', type=int, default=1, help='compute_maintenance_gate_delay (default 1)')
    parser.add_argument('--json', action='store_true', help='print the figures as JSON')
    parser.add_argument('--keep', action='store_true', help='keep the work directory (playbook log, report, state)')
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix='novaops-bench-campaign.')
    topo_path = os.path.join(workdir, 'topology.yaml')
    with open(topo_path, 'w') as handle:
        handle.write(topology(args.hosts, args.servers))
    inventory_path = os.path.join(workdir, 'inventory.ini')
    with open(inventory_path, 'w') as handle:
        handle.write(inventory(args.hosts))
    hook_path = os.path.join(workdir, 'reboot_hook.yml')
    with open(hook_path, 'w') as handle:
        handle.write(HOOK)
    hook_seconds = args.down_seconds + 1
    report_path = os.path.join(workdir, 'report.json')
    log_path = os.path.join(workdir, 'playbook.log')
    proc, url, clouds = start_mock(workdir, args.migration_seconds, topo_path)
    try:
        env = dict(os.environ)
        env.update({
            'OS_CLIENT_CONFIG_FILE': clouds,
            'ANSIBLE_COLLECTIONS_PATH': os.path.join(ROOT, '.venv', 'collections'),
            'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_NOCOLOR': '1',
            'PYTHONUNBUFFERED': '1',
            'PATH': VENV_BIN + os.pathsep + env.get('PATH', ''),
        })
        command = [os.path.join(VENV_BIN, 'ansible-playbook'), '-i', inventory_path, 'novaops.migration.maintain_computes',
                   '-e', 'cloud=mock-admin', '-e', 'campaign=bench', '-e', 'aggregates=rack-a',
                   '-e', 'operator=bench', '-e', 'hook_tasks=%s' % hook_path, '-e', 'gate_timeout=60',
                   '-e', 'parallel_hosts=%d' % args.parallel_hosts, '-e', 'per_source=%d' % args.per_source,
                   '-e', 'state=%s' % os.path.join(workdir, 'bench.state.json'),
                   '-e', 'report=%s' % report_path,
                   '-e', 'compute_maintenance_gate_delay=%d' % args.gate_delay,
                   '-e', 'bench_mock_url=%s' % url, '-e', 'bench_down_seconds=%d' % args.down_seconds]
        http(url + '/mock/counters/reset', 'POST')
        started = time.monotonic()
        rc, tasks = run_playbook(command, env, workdir, log_path, url)
        wall = time.monotonic() - started
        counters = http(url + '/mock/counters')
        records = http(url + '/mock/state').get('migrations') or []
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)

    report = {}
    if os.path.exists(report_path):
        with open(report_path) as handle:
            report = json.load(handle)
    rows = report.get('hosts') or []
    migrated = sum(r.get('moved') or 0 for r in rows)
    options = report.get('options') or {}
    in_flight = int(options.get('max_in_flight') or args.parallel_hosts * args.per_source)
    steps = {}
    for row in rows:
        steps.setdefault(row.get('step'), []).append(row['host'])
    migration_part = migrated * args.migration_seconds / in_flight
    # Every host runs the same hook, so the longest hook of a step is hook_seconds.
    hooks_parallel = len(steps) * hook_seconds
    limit = migration_part + hooks_parallel
    hosts = len(rows) or args.hosts
    fixed_per_host = (wall - limit) / hosts
    wall_target = LIMIT_FACTOR * limit + PER_HOST_TARGET * hosts
    total_requests = counters.get('total', 0)
    per_server = total_requests / migrated if migrated else None
    by_class = {}
    for route, count in counters.get('by_route', {}).items():
        by_class[route_class(route)] = by_class.get(route_class(route), 0) + count
    by_method = {}
    for route, count in counters.get('by_route', {}).items():
        by_method[route.split(' ')[0]] = by_method.get(route.split(' ')[0], 0) + count
    spans = lifetimes(records)
    drain_seconds = sum(t['seconds'] for name, t in tasks.items() if name.startswith('Migrate the servers'))
    busy = sum(spans) / (in_flight * drain_seconds) if spans and drain_seconds else None
    module_tasks = dict((name, t) for name, t in tasks.items() if t['requests'])
    figures = {
        'hosts': hosts,
        'servers_per_host': args.servers,
        'steps': len(steps),
        'migrated': migrated,
        'migration_seconds': args.migration_seconds,
        'migrations_in_flight': in_flight,
        'hook_seconds': hook_seconds,
        'verdict': report.get('verdict'),
        'summary': report.get('summary'),
        'playbook_rc': rc,
        'wall_seconds': round(wall, 1),
        'role_duration_seconds': report.get('duration'),
        'limit_seconds': round(limit, 1),
        'limit_migrations_seconds': round(migration_part, 1),
        'limit_hooks_seconds': hooks_parallel,
        'wall_over_limit': round(wall / limit, 2) if limit else None,
        'wall_target_seconds': round(wall_target, 1),
        'fixed_cost_per_host_seconds': round(fixed_per_host, 2),
        'drain_seconds': round(drain_seconds, 1),
        'migration_record_seconds_mean': round(sum(spans) / len(spans), 2) if spans else None,
        'migration_slots_busy_fraction': round(busy, 2) if busy is not None else None,
        'requests_total': total_requests,
        'requests_per_migrated_server': round(per_server, 1) if per_server is not None else None,
        'requests_target': REQUESTS_TARGET,
        'requests_by_class': by_class,
        'requests_by_method': by_method,
        'requests_by_route': counters.get('by_route', {}),
        'tasks': tasks,
        'workdir': workdir if args.keep else None,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print('compute_maintenance benchmark: %d hosts x %d servers, %d step(s), cold migration %.1f s, %d in flight '
              '(parallel_hosts %d, per_source %d), hook %d s (reboot down %d s + 1), gate delay %d s (mock)'
              % (hosts, args.servers, len(steps), args.migration_seconds, in_flight, args.parallel_hosts,
                 args.per_source, hook_seconds, args.down_seconds, args.gate_delay))
        print('  verdict                      %s (playbook rc %d, %d servers migrated)'
              % (report.get('verdict'), rc, migrated))
        print('  wall time                    %.1f s (the role measured %s s)' % (wall, report.get('duration')))
        print('  physical limit               %.1f s = %d x %.1f s / %d in flight (%.1f s) + hooks %d s '
              '(%d steps x longest hook %d s: the hooks of a step run side by side)'
              % (limit, migrated, args.migration_seconds, in_flight, migration_part, hooks_parallel, len(steps),
                 hook_seconds))
        print('  wall / limit                 %.2f (target: wall <= %.1f x limit + %.0f s x %d hosts = %.1f s) %s'
              % (wall / limit if limit else 0, LIMIT_FACTOR, PER_HOST_TARGET, hosts, wall_target,
                 'OK' if wall <= wall_target else 'ABOVE TARGET'))
        print('  fixed cost per host          %.2f s ((wall - limit) / %d)' % (fixed_per_host, hosts))
        if spans:
            print('  drains                       %.1f s in %d server_migrate_sequence call(s) (%.1f s at the limit); a '
                  'migration record lives %.2f s on average (created to confirmed), so the %d slots were busy %.0f %%'
                  % (drain_seconds, len(steps), migration_part, sum(spans) / len(spans), in_flight, 100 * busy))
        if per_server is not None:
            print('  requests per migrated server %.1f (%d in total; target <= %d) %s'
                  % (per_server, total_requests, REQUESTS_TARGET, 'OK' if per_server <= REQUESTS_TARGET else 'ABOVE TARGET'))
        print('  requests by class:')
        for name, count in sorted(by_class.items(), key=lambda kv: -kv[1]):
            print('      %5d  %5.1f/server  %s' % (count, count / migrated if migrated else 0, name))
        print('  requests by route:')
        for route, count in sorted(counters.get('by_route', {}).items(), key=lambda kv: -kv[1]):
            print('      %5d  %s' % (count, route))
        print('  requests per task (module call) of the playbook: runs, retries, requests, per run, wall s, top routes')
        for name, t in sorted(module_tasks.items(), key=lambda kv: -kv[1]['requests']):
            top = ', '.join('%s %d' % (r, c) for r, c in sorted(t['by_route'].items(), key=lambda kv: -kv[1])[:4])
            print('      %3d run(s) %3d retries %5d req %6.1f/run %6.1f s  %s' % (
                t['runs'], t['retries'], t['requests'], t['requests'] / max(t['runs'], 1), t['seconds'], name))
            print('            %s' % top)
        print('  where the wall time goes (tasks taking >= 1 s over all runs; %.1f s in tasks, the rest is start-up):'
              % sum(t['seconds'] for t in tasks.values()))
        for name, t in sorted(tasks.items(), key=lambda kv: -kv[1]['seconds']):
            if t['seconds'] >= 1.0:
                print('      %6.1f s  %3d run(s) %5.2f s/run  %s' % (t['seconds'], t['runs'], t['seconds'] / max(t['runs'], 1), name))
        if args.keep:
            print('  work directory               %s' % workdir)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if report.get('verdict') == 'COMPLETE' else 1


if __name__ == '__main__':
    sys.exit(main())
