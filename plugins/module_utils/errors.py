# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exception types of the novaops.migration collection.

Every exception carries a human readable message (what happened and what to
do about it) and a dict of extra result data that the module base class
merges into the ``fail_json`` result, so a failed task still reports where
the server is, which migration record was seen, and so on.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class NovaOpsError(Exception):
    """Base class: a failure the collection understands and explains."""

    def __init__(self, msg, **data):
        super(NovaOpsError, self).__init__(msg)
        self.msg = msg
        self.data = data

    def __str__(self):
        return self.msg


class ValidationError(NovaOpsError):
    """The request cannot work against the observed cloud state.

    Raised before any write request, so nothing has changed.
    """


class CloudTooOld(ValidationError):
    """The cloud's compute API maximum microversion is below what is needed."""


class ResourceNotFound(NovaOpsError):
    """A server, host or migration named by the user does not exist."""


class AmbiguousResource(NovaOpsError):
    """A name matched more than one resource."""


class MigrationFailed(NovaOpsError):
    """Nova accepted the request but the migration ended in a failure state."""


class WaitTimeout(NovaOpsError):
    """The deadline passed before the watched resource reached its goal.

    ``last_state`` holds the last observed state (whatever the fetch function
    returned) so the caller can report it.
    """

    def __init__(self, msg, last_state=None, **data):
        super(WaitTimeout, self).__init__(msg, **data)
        self.last_state = last_state


class WaitFailed(NovaOpsError):
    """The watched resource reached a terminal failure state while waiting."""

    def __init__(self, msg, last_state=None, **data):
        super(WaitFailed, self).__init__(msg, **data)
        self.last_state = last_state


class PlanError(ValidationError):
    """A planning request is malformed (a bad filter expression, a report of another host); nothing has changed."""
