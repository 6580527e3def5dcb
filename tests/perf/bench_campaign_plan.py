# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the maintenance campaign planner (pure planning, no cloud; not part of ``make test``).

Builds a synthetic cloud in memory (host facts and servers shaped like the unit test fixtures): ``--hosts`` compute
hosts in two availability zones with ``--servers`` servers each (a quarter pinned to their zone, some shut off,
locked or in ERROR), anti-affinity groups of three members spread over hosts and affinity pairs on one host. It then
selects a campaign of ``--campaign`` hosts (the first ``--done`` of them finished by an earlier run) and plans it
with ``--parallel`` hosts per step, and prints:

* the planning wall time (selection and plan), against the 10 s target;
* the plan's size: steps, moves, moves onto queued hosts (servers that move again), waves, skipped servers, and the
  size of the plan as JSON.

Usage: .venv/bin/python tests/perf/bench_campaign_plan.py [--hosts 200] [--servers 20] [--campaign 50]
       [--parallel 2] [--done 0] [--json]
Exit status: 0 when the plan is ok (the time target is reported, not enforced), 1 otherwise.
"""

import argparse
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, '.venv', 'collections'))

from ansible_collections.novaops.migration.plugins.module_utils.planning.campaign_hosts import select_hosts  # noqa: E402
from ansible_collections.novaops.migration.plugins.module_utils.planning.campaign_plan import plan_campaign  # noqa: E402

TIME_TARGET = 10.0
FLAVORS = [(1, 2048, 20), (2, 4096, 20), (4, 8192, 40), (8, 16384, 80)]


def host_fact(name, zone, used):
    total = {'vcpus': 256, 'memory_mb': 524288, 'disk_gb': 4000}
    capacity = dict((res, {'total': total[res], 'used': used[res], 'free': total[res] - used[res]}) for res in total)
    capacity['source'] = 'placement'
    return {'host': name, 'zone': zone, 'capacity': capacity,
            'service': {'host': name, 'zone': zone, 'status': 'enabled', 'state': 'up', 'forced_down': False,
                        'disabled_reason': None}}


def server_doc(index, host, zone):
    vcpus, ram, disk = FLAVORS[index % len(FLAVORS)]
    status = 'SHUTOFF' if index % 7 == 3 else ('ERROR' if index % 97 == 5 else 'ACTIVE')
    return {
        'id': 'srv-%05d' % index, 'name': 'vm-%05d' % index, 'status': status, 'host': host, 'task_state': None,
        'locked': index % 101 == 7, 'availability_zone': zone, 'project_id': 'p%d' % (index % 13), 'metadata': {},
        'flavor': {'vcpus': vcpus, 'ram': ram, 'disk': disk, 'ephemeral': 0, 'swap': 0, 'extra_specs': {}},
        'pinned_availability_zone': zone if index % 4 == 0 else None,
    }


def cloud(hosts, per_host):
    facts, servers_by_host, names = [], {}, []
    index = 0
    for h in range(hosts):
        name = 'compute-%03d' % (h + 1)
        zone = 'az1' if h % 2 == 0 else 'az2'
        servers = []
        for _i in range(per_host):
            servers.append(server_doc(index, name, zone))
            index += 1
        used = {'vcpus': sum(s['flavor']['vcpus'] for s in servers),
                'memory_mb': sum(s['flavor']['ram'] for s in servers),
                'disk_gb': sum(s['flavor']['disk'] for s in servers)}
        facts.append(host_fact(name, zone, used))
        servers_by_host[name] = servers
        names.append(name)
    all_servers = [s for name in names for s in servers_by_host[name]]
    groups = []
    # Anti-affinity triples over neighbouring hosts: server k of hosts h, h+1, h+2.
    for h in range(0, hosts - 2, 3):
        members = [servers_by_host[names[h + j]][1]['id'] for j in range(3)]
        groups.append({'id': 'aa-%d' % h, 'name': 'aa-%d' % h, 'policy': 'anti-affinity', 'rules': {},
                       'members': members})
    # Affinity pairs on one host (Nova cannot move them: skipped).
    for h in range(0, hosts, 10):
        members = [servers_by_host[names[h]][2]['id'], servers_by_host[names[h]][3]['id']]
        groups.append({'id': 'af-%d' % h, 'name': 'af-%d' % h, 'policy': 'affinity', 'rules': {}, 'members': members})
    host_of = dict((s['id'], s['host']) for s in all_servers)
    return facts, servers_by_host, names, groups, host_of, len(all_servers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--hosts', type=int, default=200)
    parser.add_argument('--servers', type=int, default=20)
    parser.add_argument('--campaign', type=int, default=50)
    parser.add_argument('--parallel', type=int, default=2)
    parser.add_argument('--done', type=int, default=0, help='campaign hosts an earlier run finished')
    parser.add_argument('--json', action='store_true', help='print the figures as JSON')
    args = parser.parse_args()

    facts, servers_by_host, names, groups, host_of, total = cloud(args.hosts, args.servers)
    step = max(1, args.hosts // args.campaign)
    wanted = names[::step][:args.campaign]
    started = time.perf_counter()
    hosts, errors = select_hosts(wanted, facts)
    selected = time.perf_counter()
    done = hosts[:args.done]
    plan = plan_campaign(hosts, facts, dict((h, servers_by_host[h]) for h in hosts if h not in done), groups=groups,
                         host_of=host_of, done_hosts=done,
                         options={'parallel_hosts': args.parallel, 'strategy': 'auto', 'per_source': 1})
    finished = time.perf_counter()
    size = len(json.dumps(plan))
    figures = {
        'cloud': {'hosts': args.hosts, 'servers': total, 'groups': len(groups)},
        'campaign_hosts': len(hosts),
        'done_hosts': len(done),
        'parallel_hosts': args.parallel,
        'selection_errors': errors,
        'ok': plan['ok'],
        'errors': plan['errors'][:3],
        'wall_seconds': round(finished - started, 3),
        'selection_seconds': round(selected - started, 3),
        'target_seconds': TIME_TARGET,
        'counts': plan['counts'],
        'moves_per_step_max': max([len(s['moves']) for s in plan['steps']] or [0]),
        'waves_per_step_max': max([len(s['waves']) for s in plan['steps']] or [0]),
        'warnings': len(plan['warnings']),
        'plan_json_bytes': size,
    }
    if args.json:
        print(json.dumps(figures, indent=2, sort_keys=True))
    else:
        print('cloud: %(hosts)d hosts, %(servers)d servers, %(groups)d server groups' % figures['cloud'])
        print('campaign: %d hosts (%d done earlier), parallel_hosts %d' % (len(hosts), len(done), args.parallel))
        print('planning wall time: %.3f s (selection %.3f s; target <= %.0f s: %s)'
              % (figures['wall_seconds'], figures['selection_seconds'], TIME_TARGET,
                 'met' if figures['wall_seconds'] <= TIME_TARGET else 'MISSED'))
        print('plan ok: %s%s' % (plan['ok'], '' if plan['ok'] else ' (%s)' % '; '.join(plan['errors'][:3])))
        counts = plan['counts']
        print('steps %s, moves %s, moves again %s, skipped %s, waves %s (at most %d moves and %d waves in a step)'
              % (counts.get('steps'), counts.get('moves'), counts.get('moves_again'), counts.get('skipped'),
                 counts.get('waves'), figures['moves_per_step_max'], figures['waves_per_step_max']))
        print('plan as JSON: %d bytes, %d warnings' % (size, figures['warnings']))
    return 0 if plan['ok'] and not errors else 1


if __name__ == '__main__':
    sys.exit(main())
