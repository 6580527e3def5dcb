# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.novaops.migration.plugins.module_utils.controller_watch import (
    ControllerWatch,
    ancestry,
    ansible_playbook_alive,
    controller_pid,
    read_cmdline,
    read_ppid,
    reader_gone,
)


def tree(parents):
    return parents.get


def test_ancestry_stops_at_depth_init_or_unknown():
    parents = {50: 40, 40: 30, 30: 20, 20: 10, 10: 1}
    assert ancestry(50, tree(parents)) == [(50, 40), (40, 30), (30, 20), (20, 10)]
    assert ancestry(20, tree(parents)) == [(20, 10)]
    assert ancestry(99, tree(parents)) == []


def test_watch_sees_a_killed_controller_through_a_reparented_worker():
    parents = {50: 40, 40: 30, 30: 20, 20: 10}
    watch = ControllerWatch(pid=50, ppid_of=tree(parents), pipe_check=lambda fd: False)
    assert not watch.gone()
    parents[20] = 1  # ansible-playbook (10) died: its worker (20) now belongs to init
    assert watch.gone()


def test_watch_sees_a_closed_result_pipe():
    watch = ControllerWatch(pid=50, ppid_of=tree({50: 40}), pipe_check=lambda fd: True)
    assert watch.gone()


def test_reader_gone_on_a_real_pipe():
    read_end, write_end = os.pipe()
    try:
        assert not reader_gone(write_end)
        os.close(read_end)
        read_end = None
        assert reader_gone(write_end)
    finally:
        os.close(write_end)
        if read_end is not None:
            os.close(read_end)


def test_read_ppid_of_this_process_and_of_nothing(tmp_path):
    assert read_ppid(os.getpid()) in (os.getppid(), None)  # None only without /proc
    (tmp_path / '7').mkdir()
    (tmp_path / '7' / 'stat').write_text('7 (odd) name) S 3 7 7 0')
    assert read_ppid(7, proc_root=str(tmp_path)) == 3
    assert read_ppid(8, proc_root=str(tmp_path)) is None


# ----- which ansible-playbook run a module belongs to (the evacuation marker names it) ----------------------------------

def cmdlines(table):
    return table.get


def test_controller_pid_is_the_nearest_ansible_playbook_above():
    parents = {50: 40, 40: 30, 30: 20, 20: 10, 10: 5}
    lines = {40: ['/bin/sh', '-c', 'python'], 30: ['/bin/sh'],
             20: ['/venv/bin/python', '/venv/bin/ansible-playbook', 'site.yml'], 10: ['molecule', 'test']}
    assert controller_pid(50, ppid_of=tree(parents), cmdline_of=cmdlines(lines)) == 20


def test_controller_pid_is_the_run_itself_not_the_worker_forked_for_the_task():
    # ansible-playbook forks a worker per task with the same command line; the worker ends with the task, the run
    # (its parent) lives on, and only the run's pid tells a second run that this one is still alive.
    playbook = ['/venv/bin/python', '/venv/bin/ansible-playbook', 'site.yml']
    parents = {50: 40, 40: 30, 30: 20, 20: 10, 10: 5, 5: 3}
    lines = {40: ['/bin/sh', '-c', 'python'], 30: ['/bin/sh'], 20: playbook, 10: playbook, 5: ['bash']}
    assert controller_pid(50, ppid_of=tree(parents), cmdline_of=cmdlines(lines)) == 10


def test_controller_pid_of_a_playbook_started_by_a_module_is_the_inner_run():
    outer = ['/venv/bin/python', '/venv/bin/ansible-playbook', 'outer.yml']
    inner = ['/venv/bin/python', '/venv/bin/ansible-playbook', 'inner.yml']
    parents = {50: 40, 40: 21, 21: 20, 20: 11, 11: 10, 10: 5}
    lines = {40: ['/bin/sh'], 21: inner, 20: inner, 11: ['/bin/sh', '-c', 'ansible-playbook inner.yml'],
             10: outer, 5: outer}
    assert controller_pid(50, ppid_of=tree(parents), cmdline_of=cmdlines(lines)) == 20


def test_controller_pid_is_none_outside_ansible_playbook():
    parents = {50: 40, 40: 1}
    assert controller_pid(50, ppid_of=tree(parents), cmdline_of=cmdlines({40: ['bash']})) is None


def test_a_reused_pid_is_not_an_ansible_playbook_run():
    lines = {7: ['/usr/bin/python3', '/usr/local/bin/ansible-playbook', 'x.yml'], 8: ['nginx: worker']}
    assert ansible_playbook_alive(7, cmdline_of=cmdlines(lines))
    assert not ansible_playbook_alive(8, cmdline_of=cmdlines(lines))
    assert not ansible_playbook_alive(9, cmdline_of=cmdlines(lines))


def test_this_process_has_a_readable_cmdline():
    assert read_cmdline(os.getpid())
