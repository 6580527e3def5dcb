# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure planning logic for emptying a compute host and bringing it back (no I/O), one concept per module.

migration_plan feeds it the facts it read (compute host facts, the servers on the host, the host's migration
records); the host roles reach it through that module.  The rules it keeps:

* host names match exactly (``compute-1`` never matches ``compute-10``);
* the compute service's disabled reason is an ownership marker (marker.py), so restore and resume recognise their
  own disable and leave anyone else's alone, and two runs of one host exclude each other;
* each server moves as its strategy decides from its status and its flavor (strategy.py, live_blockers.py): a cold
  migration needs ACTIVE or SHUTOFF, a live one ACTIVE or PAUSED and a flavor without devices Nova cannot move live;
  ERROR, SHELVED and locked servers are skipped with a reason unless the caller says otherwise (classification.py);
* migrations left behind by an interrupted run are resumed before anything new starts (records.py);
* the free capacity of the candidate hosts must absorb the servers, per availability zone (capacity.py).
"""
