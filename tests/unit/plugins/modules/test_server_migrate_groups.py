# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""server_migrate with a named host and a server group, and with a flavor Nova moves neither live nor cold: refused
before any write (unless force overrides the group), as Nova would only answer No valid host or HTTP 400."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.novaops.migration.plugins.modules import server_migrate

SID = 'aaaaaaaa-0000-0000-0000-000000000001'
PEER = 'aaaaaaaa-0000-0000-0000-000000000002'


def writes(fake):
    return [c for c in fake.calls if c[0] != 'GET']


def anti_affinity_pair(fake):
    fake.add_server(SID, 'web-a')
    fake.add_server(PEER, 'web-b', host='compute-2')
    fake.server_groups = [{'id': 'g1', 'name': 'web', 'policy': 'anti-affinity', 'rules': {},
                           'members': [SID, PEER]}]


def test_a_named_host_holding_an_anti_affinity_peer_is_refused_before_any_write(run, fake):
    anti_affinity_pair(fake)
    result, failed = run(server_migrate, dict(server='web-a', host='compute-2'), fake)
    assert failed
    assert "server group 'web' (anti-affinity)" in result['msg'] and 'compute-2' in result['msg']
    assert 'Nothing was changed' in result['msg']
    assert writes(fake) == []


def test_another_named_host_is_fine(run, fake):
    anti_affinity_pair(fake)
    result, failed = run(server_migrate, dict(server='web-a', host='compute-3'), fake)
    assert not failed, result['msg']
    assert result['server']['host'] == 'compute-3'


def test_the_group_check_reads_nothing_in_check_mode_beyond_reads(run, fake):
    anti_affinity_pair(fake)
    result, failed = run(server_migrate, dict(server='web-a', host='compute-2'), fake, check_mode=True)
    assert failed and "server group 'web'" in result['msg']
    assert writes(fake) == []


def test_an_accelerator_server_is_refused_before_any_write(run, fake):
    fake.add_server(SID, 'fpga', status='SHUTOFF',
                    flavor={'original_name': 'f', 'vcpus': 1, 'ram': 512, 'disk': 1,
                            'extra_specs': {'accel:device_profile': 'fpga-dp'}})
    result, failed = run(server_migrate, dict(server='fpga', strategy='auto'), fake)
    assert failed
    assert 'accel:device_profile=fpga-dp' in result['msg'] and 'Nothing was changed' in result['msg']
    assert writes(fake) == []


def test_a_refused_named_host_is_no_live_failure_to_fall_back_from(run, fake):
    # The refusal comes before any write: a cold fallback would only send Nova the same impossible move.
    anti_affinity_pair(fake)
    result, failed = run(server_migrate, dict(server='web-a', host='compute-2', strategy='auto', fallback='cold'),
                         fake)
    assert failed and "server group 'web' (anti-affinity)" in result['msg']
    assert writes(fake) == []
