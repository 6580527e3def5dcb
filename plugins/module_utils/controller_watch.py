# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Notice that the ansible-playbook run that started a module has gone away.

Ansible runs each task in a worker process of its own session, so neither a Ctrl-C nor a killed
ansible-playbook reaches a running module: it carries on as an orphan.  For a module that migrates one
server that is harmless (it finishes that server).  A module that migrates many must not start new
migrations for an operator who has stopped the run, so it asks :meth:`ControllerWatch.gone` before
each one.

Two signs, either is enough:
* the pipe the module writes its result to has no reader any more (the worker was terminated);
* a process above the module was re-parented (its parent exited), read from ``/proc`` on Linux:
  the worker's parent is ansible-playbook itself, so a killed controller shows here even while the
  worker lives on.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import select

# Module -> sh -> sh -> worker -> ansible-playbook (local connection, measured with ansible-core 2.19): four parent
# links reach the controller.  Going higher would watch the operator's shell, which may exit on purpose (nohup).
DEPTH = 4


def read_ppid(pid, proc_root='/proc'):
    """Parent pid of ``pid`` from /proc/<pid>/stat, or None when unknown (no /proc, process gone)."""
    try:
        with open('%s/%d/stat' % (proc_root, pid)) as handle:
            stat = handle.read()
    except (IOError, OSError, ValueError):
        return None
    # The command name (field 2) is in parentheses and may hold spaces: parse after the last ')'.
    fields = stat[stat.rfind(')') + 2:].split()
    try:
        return int(fields[1])
    except (IndexError, ValueError):
        return None


def ancestry(pid, ppid_of, depth=DEPTH):
    """``[(pid, parent), ...]`` walking up from ``pid``, stopping at init or an unknown parent."""
    links = []
    for _level in range(depth):
        parent = ppid_of(pid)
        if parent is None or parent <= 1:
            break
        links.append((pid, parent))
        pid = parent
    return links


def reader_gone(fd):
    """True when ``fd`` is a pipe whose reading end is closed (POLLERR/POLLHUP); False if unknown."""
    if not hasattr(select, 'poll'):
        return False
    try:
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        events = poller.poll(0)
    except (OSError, ValueError):
        return False
    return any(mask & (select.POLLERR | select.POLLHUP) for _fd, mask in events)


class ControllerWatch(object):
    """Remembers the module's ancestry at start; :meth:`gone` says whether it has broken since."""

    def __init__(self, pid=None, ppid_of=read_ppid, fd=1, pipe_check=reader_gone):
        self.ppid_of = ppid_of
        self.fd = fd
        self.pipe_check = pipe_check
        self.links = ancestry(pid if pid is not None else os.getpid(), ppid_of)

    def gone(self):
        if self.pipe_check(self.fd):
            return True
        return any(self.ppid_of(child) != parent for child, parent in self.links)


# ----- the run a module belongs to ----------------------------------------------------------------------------------
# The evacuation marker names the ansible-playbook process of the run that set it, so that a second run on the same
# controller can tell a live run (refuse to start) from an interrupted one (resume it).

CONTROLLER_NAMES = ('ansible-playbook',)
# How far above the module to look: the worker sits a few links below ansible-playbook (four with a temporary
# module file, fewer with pipelining), and callers such as molecule or ansible-runner sit above it.
SEARCH_DEPTH = 8


def read_cmdline(pid, proc_root='/proc'):
    """``argv`` of ``pid`` from /proc, or None when unknown."""
    try:
        with open('%s/%d/cmdline' % (proc_root, pid), 'rb') as handle:
            raw = handle.read()
    except (IOError, OSError, ValueError):
        return None
    return [part.decode('utf-8', 'replace') for part in raw.split(b'\0') if part]


def _is_controller(argv):
    return any(os.path.basename(arg) in CONTROLLER_NAMES for arg in (argv or [])[:2])


def controller_pid(pid=None, ppid_of=read_ppid, cmdline_of=read_cmdline):
    """Pid of the ansible-playbook run above ``pid`` (this process by default), or None.

    The nearest ansible-playbook above a module is the worker forked for its task: same command line, but it ends
    with the task.  The run is the top of that unbroken chain of ansible-playbook processes.  A chain broken by
    anything else (a shell, a module) is another run, which is how a playbook started from a task stays apart.
    """
    pid = pid if pid is not None else os.getpid()
    found = None
    for _child, parent in ancestry(pid, ppid_of, depth=SEARCH_DEPTH):
        if _is_controller(cmdline_of(parent)):
            found = parent
        elif found is not None:
            break
    return found


def ansible_playbook_alive(pid, cmdline_of=read_cmdline):
    """Whether ``pid`` is a running ansible-playbook (a pid reused by another program is not)."""
    return _is_controller(cmdline_of(pid))
