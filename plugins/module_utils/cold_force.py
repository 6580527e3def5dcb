# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether the cloud accepts ``force`` on a cold migration, learnt before any change.

The blueprint cold-migration-with-target proposed a ``force`` flag for the migrate action, but it was dropped
before microversion 2.56 merged: released Nova's request schema refuses the key with HTTP 400, while a cloud that
implements the proposal accepts it.  Nova validates the request body before it looks the server up, so a migrate
action with ``force`` for a server id that does not exist tells the two apart and changes nothing: 400 means
refused, 404 (server not found) means accepted.  Check mode uses it to predict what the real run will meet.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import uuid

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils.api import url_path

# What released Nova says, and what to do about it.
FORCE_REJECTED_HINT = (
    'This cloud rejects force on cold migration: released Nova has no such flag (the blueprint '
    'cold-migration-with-target proposed it, but force was dropped before microversion 2.56 merged). '
    'Drop force to let the scheduler validate the host, or use a live migration with force on a cloud '
    'that still offers microversions 2.30-2.67. Nothing was changed.')


def cold_force_accepted(api, versions, host):
    """True when the cloud accepts ``force`` on a cold migration to ``host``, False when it refuses it.

    None when the answer says neither (for example a policy refusal): the real request will tell.
    """
    version, body = mv.choose_cold_migrate(versions, host, True)
    try:
        api.post(url_path('/servers/%s/action', str(uuid.uuid4())), json=body, microversion=version)
    except Exception as exc:  # pylint: disable=broad-except
        status = getattr(exc, 'status_code', None)
        details = str(getattr(exc, 'details', '') or exc)
        if status == 400 and 'force' in details:
            return False
        if status == 404:
            return True
        return None
    return True  # not reached on any known cloud: a server with a fresh random id does not exist
