# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base class shared by every module of novaops.migration.

One class per module: subclasses set ``argument_spec`` / ``module_kwargs``
and implement ``run()``.  ``__call__`` runs it and turns every error
(SDK/HTTP, keystoneauth, the collection's own) into ``fail_json`` with a
message that says what to do -- never a traceback.

openstacksdk is imported only when a connection is made (it costs about
0.4 s), and its absence is reported with ``missing_required_lib``."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time
import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils.api import RestClient
from ansible_collections.novaops.migration.plugins.module_utils.connection import (
    SecretAwareAnsibleModule,
    connect_kwargs,
    openstack_argument_spec,
    validate_connection_options,
)
from ansible_collections.novaops.migration.plugins.module_utils.error_report import describe_exception
from ansible_collections.novaops.migration.plugins.module_utils.errors import NovaOpsError
from ansible_collections.novaops.migration.plugins.module_utils.retries import retry_transient_failures

SDK_IMPORT_ERROR = None


def _import_sdk():
    """Import openstacksdk lazily; returns the module or None (SDK_IMPORT_ERROR set)."""
    global SDK_IMPORT_ERROR  # pylint: disable=global-statement  # noqa: PLW0603
    try:
        import openstack  # pylint: disable=import-outside-toplevel
        return openstack
    except ImportError:
        SDK_IMPORT_ERROR = traceback.format_exc()
        return None


class NovaOpsModule(object):
    """Base class of every module in this collection."""

    argument_spec = {}
    module_kwargs = {}
    # Injectable for unit tests.
    clock = staticmethod(time.monotonic)
    sleep = staticmethod(time.sleep)

    def __init__(self):
        spec = openstack_argument_spec()
        spec.update(self.argument_spec)
        self.ansible = SecretAwareAnsibleModule(argument_spec=spec, **self.module_kwargs)
        self.params = self.ansible.params
        self.check_mode = self.ansible.check_mode
        self.started = self.clock()
        self.step = None
        self.sdk = None
        self._conn = None
        self._api = None
        self._versions = None
        # Set to True as soon as a write request has been accepted, so a
        # later failure still reports changed=true.
        self.changed_so_far = False

    # ----- connection ---------------------------------------------------
    def connect(self):
        """Return an openstacksdk Connection (created once)."""
        if self._conn is not None:
            return self._conn
        self.sdk = _import_sdk()
        if self.sdk is None:
            self.ansible.fail_json(msg=missing_required_lib('openstacksdk'), exception=SDK_IMPORT_ERROR)
        if self.params.get('sdk_log_path'):
            self.sdk.enable_logging(debug=self.params.get('sdk_log_level') == 'DEBUG',
                                    http_debug=self.params.get('sdk_log_level') == 'DEBUG',
                                    path=self.params['sdk_log_path'])
        kwargs = connect_kwargs(self.params)
        step, self.step = self.step, 'connecting to the cloud'
        self._conn = self.sdk.connect(app_name='novaops.migration', **kwargs)
        retry_transient_failures(self._conn.session, self.params.get('connect_retries'),
                                 self.params.get('status_code_retries'))
        self.step = step
        return self._conn

    @property
    def compute(self):
        """The openstacksdk compute proxy: every request the SDK can express goes through its methods."""
        return self.connect().compute

    @property
    def api(self):
        """Raw JSON requests on the same proxy, for the few the SDK cannot express (each caller says why)."""
        if self._api is None:
            self._api = RestClient(self.compute)
        return self._api

    @property
    def versions(self):
        """The cloud's compute microversion range (discovered once per connection)."""
        if self._versions is None:
            step, self.step = self.step, 'discovering the compute API microversions'
            self._versions = mv.from_endpoint_data(self.connect().compute.get_endpoint_data())
            self.step = step
        return self._versions

    def set_step(self, step):
        """Name what the module is doing now, for the message of a failure that happens meanwhile."""
        self.step = step

    def placement_proxy(self):
        """openstacksdk placement proxy, or None when the cloud has none (capacity then falls back to hypervisors)."""
        try:
            return self.connect().placement
        except Exception:  # pylint: disable=broad-except
            return None

    # ----- results --------------------------------------------------------
    def elapsed(self):
        return round(self.clock() - self.started, 2)

    def remaining(self):
        """Seconds left of the module-wide ``timeout`` budget (never negative)."""
        return max(0.0, self.started + float(self.params.get('timeout') or 0) - self.clock())

    def exit_json(self, **kwargs):
        kwargs.setdefault('changed', False)
        self.ansible.exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        self.ansible.fail_json(msg=msg, **kwargs)

    def run(self):
        raise NotImplementedError

    def __call__(self):
        try:
            validate_connection_options(self.params)
            self.run()
        except NovaOpsError as exc:
            self._fail_from(exc, None)
        except Exception as exc:  # pylint: disable=broad-except
            self._fail_from(exc, self.step)

    def _fail_from(self, exc, step):
        msg, data = describe_exception(exc, step)
        data.setdefault('elapsed', self.elapsed())
        data.setdefault('changed', bool(self.changed_so_far))
        for key, value in self.failure_context().items():
            data.setdefault(key, value)
        self.ansible.fail_json(msg=msg, **data)

    def failure_context(self):
        """Extra result keys a module wants in every failure (e.g. server_before)."""
        return {}
