# -*- coding: utf-8 -*-
"""Test harness for the modules: a small time-driven fake Nova and a runner.

The fake answers Nova's REST API (``request(method, path, microversion,
params, json)``); ``tests/unit/sdk_fake.py`` mounts it as the HTTP transport
of a real openstacksdk Connection, so the modules' SDK proxy calls and their
RestClient calls both run for real down to the HTTP layer.  The fake advances
its state machine on a fake clock that the modules' sleep() moves forward,
so waits run instantly.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from ansible_collections.novaops.migration.plugins.module_utils import base
from ansible_collections.novaops.migration.plugins.module_utils.microversion import ComputeVersions, parse
from ansible_collections.novaops.migration.tests.unit import sdk_fake
from ansible_collections.novaops.migration.tests.unit.sdk_fake import HttpError


class ModuleExit(SystemExit):
    def __init__(self, result, failed):
        super(ModuleExit, self).__init__(result.get('msg'))
        self.result = result
        self.failed = failed


class FakeNova(object):
    def __init__(self, max_version='2.96', cold_seconds=5.0, live_seconds=4.0, confirm_seconds=0.2):
        self.versions = ComputeVersions((2, 1), parse(max_version))
        self.now = 0.0
        self.sleeps = []
        self.cold_seconds = cold_seconds
        self.live_seconds = live_seconds
        self.confirm_seconds = confirm_seconds
        self.calls = []
        self.events = []
        self.servers = {}
        self.migrations = []
        self.services = []
        self.next_migration_id = 100
        self.fail_next = None   # ('no_valid_host'|'error') for the next migration
        # The next live migration: 'precheck' (Nova's synchronous pre-check refuses it: HTTP 400 and an error
        # record), 'error' (the record ends in error, the server back on its source), 'server_error' (ERROR).
        self.live_fail_next = None
        # The next live migrations' copy: None runs through; (mode, at_percent, seconds) stalls it at at_percent,
        # 'freeze' (nothing moves) or 'oscillate' (the remaining bytes rise and fall around where they stood), for
        # seconds (None: until force complete or abort), then the copy goes on.
        self.live_stall = None
        self.live_state = {}
        self.reject_force = False
        # Seconds between the 202 of a cold migrate and its record: Nova's conductor creates the record after
        # the API has answered, so a read right after the request may not see it yet.
        self.record_delay = 0.0
        self.instance_actions = {}
        self.server_groups = []     # as GET /os-server-groups shows them (policy or policies as the test gives)
        for host in ('compute-1', 'compute-2', 'compute-3', 'compute-10'):
            self.add_service(host)

    # ----- clock -----------------------------------------------------------
    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def at(self, delay, fn):
        self.events.append((self.now + delay, fn))

    def _tick(self):
        due = sorted([e for e in self.events if e[0] <= self.now], key=lambda e: e[0])
        self.events = [e for e in self.events if e[0] > self.now]
        for _when, fn in due:
            fn()

    # ----- fixtures --------------------------------------------------------
    def add_service(self, host, status='enabled', state='up', zone='nova', reason=None):
        self.services.append({'id': 'svc-' + host, 'host': host, 'binary': 'nova-compute', 'status': status,
                              'state': state, 'zone': zone, 'disabled_reason': reason, 'forced_down': False})

    def add_server(self, sid, name, host='compute-1', status='ACTIVE', **kw):
        vm = {'ACTIVE': 'active', 'SHUTOFF': 'stopped', 'PAUSED': 'paused', 'VERIFY_RESIZE': 'resized'}.get(status, 'active')
        power = {'SHUTOFF': 4, 'PAUSED': 3}.get(status, 1)
        body = {'id': sid, 'name': name, 'status': status, 'OS-EXT-SRV-ATTR:host': host,
                'OS-EXT-STS:vm_state': vm, 'OS-EXT-STS:task_state': None, 'OS-EXT-STS:power_state': power,
                'locked': False, 'tenant_id': 'p1', 'OS-EXT-AZ:availability_zone': 'nova'}
        body.update(kw)
        self.servers[sid] = body
        return body

    def add_migration(self, sid, status, mtype='migration', source='compute-1', dest='compute-2'):
        self.next_migration_id += 1
        record = {'id': self.next_migration_id, 'uuid': 'uuid-%d' % self.next_migration_id, 'status': status,
                  'migration_type': mtype, 'instance_uuid': sid, 'source_compute': source, 'dest_compute': dest,
                  'created_at': '2026-01-01T00:00:%02d' % (self.next_migration_id % 60), 'updated_at': None}
        self.migrations.append(record)
        return record

    def count(self, method=None, prefix=''):
        return len([c for c in self.calls if (method is None or c[0] == method) and c[1].startswith(prefix)])

    # ----- Nova's REST API (served through sdk_fake's transport) -----------
    def request(self, method, path, microversion=None, params=None, json=None):
        self.calls.append((method, path, microversion, copy.deepcopy(params), copy.deepcopy(json)))
        self._tick()
        params = params or {}
        m = re.match(r'^/servers/([^/]+)$', path)
        if method == 'GET' and m and path != '/servers/detail':
            if m.group(1) not in self.servers:
                raise HttpError(404, 'Instance %s could not be found.' % m.group(1))
            body = copy.deepcopy(self.servers[m.group(1)])
            if microversion and parse(microversion) >= (2, 71):
                # Nova shows a server's groups on show (not in lists) from 2.71.
                body['server_groups'] = [g['id'] for g in self.server_groups if m.group(1) in g.get('members', [])]
            return {'server': body}
        if method == 'GET' and path == '/servers/detail':
            result = list(self.servers.values())
            if 'name' in params:
                result = [s for s in result if re.search(params['name'], s['name'])]
            if 'host' in params:
                result = [s for s in result if s['OS-EXT-SRV-ATTR:host'] == params['host']]
            return {'servers': copy.deepcopy(result)}
        if method == 'GET' and path == '/os-server-groups':
            return {'server_groups': copy.deepcopy(self.server_groups)}
        if method == 'GET' and path == '/os-hypervisors/detail':
            return {'hypervisors': []}
        if method == 'GET' and path == '/os-services':
            result = [s for s in self.services if all(s.get(k) == params[k] for k in ('host', 'binary') if k in params)]
            return {'services': copy.deepcopy(result)}
        if method == 'GET' and path == '/os-migrations':
            result = [r for r in self.migrations
                      if all(r.get(k) == params[k] for k in ('instance_uuid', 'migration_type', 'status') if k in params)]
            return {'migrations': copy.deepcopy(sorted(result, key=lambda r: r['id'], reverse=True))}
        m = re.match(r'^/servers/([^/]+)/os-instance-actions(?:/(.+))?$', path)
        if method == 'GET' and m:
            actions = self.instance_actions.get(m.group(1), [])
            if m.group(2) is None:
                return {'instanceActions': [dict((k, v) for k, v in a.items() if k != 'events') for a in actions]}
            return {'instanceAction': next(a for a in actions if a['request_id'] == m.group(2))}
        m = re.match(r'^/servers/([^/]+)/action$', path)
        if method == 'POST' and m:
            if m.group(1) not in self.servers:
                # Nova validates the body before it looks the server up.
                if 'force' in ((json or {}).get('migrate') or {}) and self.reject_force:
                    raise HttpError(400, "Additional properties are not allowed ('force' was unexpected)")
                raise HttpError(404, 'Instance %s could not be found.' % m.group(1))
            return self._action(self.servers[m.group(1)], json)
        m = re.match(r'^/servers/([^/]+)/migrations$', path)
        if method == 'GET' and m:
            live = [dict(r, server_uuid=r['instance_uuid'], **self._counters(r)) for r in self.migrations
                    if r['instance_uuid'] == m.group(1) and r['migration_type'] == 'live-migration'
                    and r['status'] in ('queued', 'preparing', 'running', 'post-migrating')]
            for record in live:
                record.pop('instance_uuid')
                record.pop('migration_type')
            return {'migrations': live}
        m = re.match(r'^/servers/([^/]+)/migrations/(\d+)$', path)
        if method == 'GET' and m:
            record = next((r for r in self.migrations if r['id'] == int(m.group(2)) and r['instance_uuid'] == m.group(1)
                           and r['migration_type'] == 'live-migration'
                           and r['status'] in ('queued', 'preparing', 'running', 'post-migrating')), None)
            if record is None:
                raise HttpError(404, 'Migration %s not found for instance %s.' % (m.group(2), m.group(1)))
            shown = dict(record, server_uuid=record['instance_uuid'], **self._counters(record))
            shown.pop('instance_uuid')
            shown.pop('migration_type')
            return {'migration': shown}
        if method == 'DELETE' and m:
            return self._abort(m.group(1), int(m.group(2)))
        m = re.match(r'^/servers/([^/]+)/migrations/(\d+)/action$', path)
        if method == 'POST' and m and json == {'force_complete': None}:
            return self._force_complete(m.group(1), int(m.group(2)))
        if method == 'PUT' and path in LEGACY_SERVICE_ACTIONS:
            svc = next(s for s in self.services if s['host'] == json['host'] and s['binary'] == json['binary'])
            svc.update(LEGACY_SERVICE_ACTIONS[path](json))
            return {'service': dict((k, svc[k]) for k in ('host', 'binary', 'status', 'disabled_reason', 'forced_down'))}
        m = re.match(r'^/os-services/(.+)$', path)
        if method == 'PUT' and m:
            svc = next(s for s in self.services if s['id'] == m.group(1))
            svc.update(json)
            if json.get('status') == 'enabled':
                svc['disabled_reason'] = None
            return {'service': copy.deepcopy(svc)}
        raise AssertionError('unexpected request %s %s' % (method, path))

    # ----- behaviour -------------------------------------------------------
    def _set(self, server, status, vm_state=None, task=None, host=None, power=None):
        server['status'] = status
        if vm_state:
            server['OS-EXT-STS:vm_state'] = vm_state
        server['OS-EXT-STS:task_state'] = task
        if host:
            server['OS-EXT-SRV-ATTR:host'] = host
        if power is not None:
            server['OS-EXT-STS:power_state'] = power

    def _action(self, server, body):
        sid = server['id']
        if 'migrate' in body:
            args = body['migrate'] or {}
            if 'force' in args and self.reject_force:
                raise HttpError(400, "Invalid input for field/attribute migrate. Value: {...}. "
                                     "Additional properties are not allowed ('force' was unexpected)")
            source = server['OS-EXT-SRV-ATTR:host']
            dest = args.get('host') or ('compute-2' if source != 'compute-2' else 'compute-3')
            was = server['status']
            power = server['OS-EXT-STS:power_state']
            self._set(server, 'RESIZE', task='resize_prep')
            record = self.add_migration(sid, 'pre-migrating', 'migration', source, dest)
            if self.record_delay:
                self.migrations.remove(record)
                self.at(self.record_delay, lambda: self.migrations.append(record))
            failure = self.fail_next
            self.fail_next = None
            if failure:
                def fail():
                    record['status'] = 'error'
                    self._set(server, was)
                    self.instance_actions.setdefault(sid, []).insert(0, {
                        'action': 'migrate', 'request_id': 'req-%d' % record['id'], 'message': 'Error',
                        'start_time': '2026-01-01T00:00:00', 'events': [
                            {'event': 'conductor_migrate_server', 'result': 'Error',
                             'traceback': 'Traceback...\nNoValidHost: No valid host was found.'}]})
                self.at(1.0, fail)
                return None
            self.at(1.0, lambda: record.update(status='migrating'))
            self.at(self.cold_seconds, lambda: (record.update(status='finished'),
                                                self._set(server, 'VERIFY_RESIZE', 'resized', None, dest, power)))
            return None
        if 'confirmResize' in body:
            record = [r for r in self.migrations if r['instance_uuid'] == sid and r['status'] == 'finished'][-1]
            record['status'] = 'confirming'
            final = 'SHUTOFF' if server['OS-EXT-STS:power_state'] == 4 else 'ACTIVE'
            # as in Nova, the source drops its claim (record confirmed) before the server is saved in its status
            self.at(min(0.1, self.confirm_seconds / 2), lambda: record.update(status='confirmed'))
            self.at(self.confirm_seconds, lambda: self._set(server, final, 'stopped' if final == 'SHUTOFF' else 'active'))
            return None
        if 'revertResize' in body:
            record = [r for r in self.migrations if r['instance_uuid'] == sid and r['status'] == 'finished'][-1]
            record['status'] = 'reverting'
            self._set(server, 'REVERT_RESIZE', task='resize_reverting')
            final = 'SHUTOFF' if server['OS-EXT-STS:power_state'] == 4 else 'ACTIVE'
            self.at(1.0, lambda: (record.update(status='reverted'),
                                  self._set(server, final, 'active', None, record['source_compute'])))
            return None
        if 'os-migrateLive' in body:
            args = body['os-migrateLive']
            source = server['OS-EXT-SRV-ATTR:host']
            dest = args.get('host') or 'compute-2'
            was = server['status']
            failure, self.live_fail_next = self.live_fail_next, None
            if failure == 'precheck':
                self.add_migration(sid, 'error', 'live-migration', source, dest)
                raise HttpError(400, 'No valid host was found. Unacceptable CPU info: CPU doesn\'t have '
                                     'compatibility.')
            self._set(server, 'MIGRATING', task='migrating')
            record = self.add_migration(sid, 'accepted', 'live-migration', source, dest)
            stall = self.live_stall
            self.live_state[record['id']] = dict(start=self.now + 0.5, stall=stall, was=was, forced=False)
            self.at(0.5, lambda: record.update(status='running') if record['status'] == 'accepted' else None)
            if failure in ('error', 'server_error'):
                def fail():
                    record['status'] = 'error'
                    if failure == 'server_error':
                        self._set(server, 'ERROR', 'error', None)
                    else:
                        self._set(server, was, task=None)
                self.at(1.0, fail)
                return None

            def complete():
                if record['status'] == 'running':
                    record['status'] = 'completed'
                    self._set(server, was, task=None, host=dest)
            if stall is None:
                self.at(self.live_seconds, complete)
            elif stall[2] is not None:
                self.at(0.5 + self.live_seconds + stall[2], complete)
            return None
        raise AssertionError('unexpected action %r' % body)

    def _force_complete(self, sid, mid):
        record = next(r for r in self.migrations if r['id'] == mid)
        server = self.servers[sid]
        if record['status'] != 'running':
            raise HttpError(409, 'Migration %d state of instance %s is %s' % (mid, sid, record['status']))

        state = self.live_state.get(mid) or {}
        state['forced'] = True

        def complete():
            if record['status'] == 'running':
                record['status'] = 'completed'
                self._set(server, state.get('was', 'ACTIVE'), task=None, host=record['dest_compute'])
        self.at(0.5, complete)

    def _abort(self, sid, mid):
        record = next(r for r in self.migrations if r['id'] == mid)
        server = self.servers[sid]
        if record['status'] not in ('running', 'queued', 'preparing'):
            raise HttpError(400, 'Migration %d state is %s' % (mid, record['status']))

        state = self.live_state.get(mid) or {}

        def cancel():
            record['status'] = 'cancelled'
            self._set(server, state.get('was', 'ACTIVE'), task=None)
        self.at(0.5, cancel)

    MEMORY = 1000 * 1024 * 1024

    def _counters(self, record):
        """libvirt's job statistics of a live migration as Nova shows them (memory only: shared storage)."""
        state = self.live_state.get(record['id'])
        if state is None:
            # A record the test added: only its total.
            return dict(memory_total_bytes=1024)
        if record['status'] != 'running':
            return dict(memory_total_bytes=self.MEMORY, memory_processed_bytes=0, memory_remaining_bytes=self.MEMORY,
                        disk_total_bytes=0, disk_processed_bytes=0, disk_remaining_bytes=0)
        run = max(0.0, self.now - state['start'])
        length = self.live_seconds
        copied, lift, resent = run / length, 0.0, 0.0
        stall = state['stall']
        if stall is not None and not state['forced']:
            mode, at_percent, seconds = stall
            at = at_percent / 100.0
            stalled_for = run - at * length
            if stalled_for > 0:
                if seconds is None or stalled_for < seconds:
                    copied = at
                    if mode == 'oscillate':
                        phase = (stalled_for / 2.0) % 1.0
                        lift = 0.05 * (2 * phase if phase < 0.5 else 2 * (1 - phase))
                        resent = stalled_for / length
                else:
                    copied = (run - seconds) / length
        copied = min(copied, 0.99)
        remaining = int(self.MEMORY * (1 - copied + lift))
        return dict(memory_total_bytes=self.MEMORY, memory_processed_bytes=int(self.MEMORY * (copied + resent)),
                    memory_remaining_bytes=min(self.MEMORY, remaining), disk_total_bytes=0, disk_processed_bytes=0,
                    disk_remaining_bytes=0)


LEGACY_SERVICE_ACTIONS = {
    '/os-services/enable': lambda body: {'status': 'enabled', 'disabled_reason': None},
    '/os-services/disable': lambda body: {'status': 'disabled'},
    '/os-services/disable-log-reason': lambda body: {'status': 'disabled', 'disabled_reason': body['disabled_reason']},
    '/os-services/force-down': lambda body: {'forced_down': body['forced_down']},
}


@pytest.fixture
def fake():
    return FakeNova()


@pytest.fixture
def run(monkeypatch):
    """run(module, args, fake, check_mode=False) -> (result, failed)."""

    def exit_json(self, **kwargs):
        raise ModuleExit(kwargs, False)

    def fail_json(self, msg, **kwargs):
        kwargs['msg'] = msg
        raise ModuleExit(kwargs, True)

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)

    def runner(module, args, nova, check_mode=False):
        conn = sdk_fake.connect(nova, getattr(nova, 'placement', None))
        # Version discovery is a request too: tests of "nothing is sent" look at it as well.
        nova.transport = conn.fake_transport
        monkeypatch.setattr(base.NovaOpsModule, 'connect', lambda self: conn)
        monkeypatch.setattr(base.NovaOpsModule, 'clock', staticmethod(nova.clock))
        monkeypatch.setattr(base.NovaOpsModule, 'sleep', staticmethod(nova.sleep))
        args = dict(args)
        if check_mode:
            args['_ansible_check_mode'] = True
        with patch_module_args(args), pytest.raises(ModuleExit) as exc:
            module.main()
        return exc.value.result, exc.value.failed

    return runner
