# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.novaops.migration.plugins.module_utils.controller_watch import (
    ControllerWatch,
    ancestry,
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
