# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base class shared by every module of novaops.migration.

One class per module: subclasses set ``argument_spec`` / ``module_kwargs``
and implement ``run()``.  ``__call__`` runs it and turns every error
(SDK/HTTP, keystoneauth, the collection's own) into ``fail_json`` with a
message that says what to do -- never a traceback.

openstacksdk is imported only when a connection is made (it costs about
0.4 s), and its absence is reported with ``missing_required_lib``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import time
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils.api import RestClient, sdk_proxy
from ansible_collections.novaops.migration.plugins.module_utils.errors import NovaOpsError, ValidationError
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


# Options that must stay unset when ``cloud`` is a dict (openstack.cloud's rule).
CLOUD_DICT_EXCLUSIVE = ('auth', 'auth_type', 'region_name', 'validate_certs', 'ca_cert', 'client_cert',
                        'client_key', 'api_timeout')


# Parts of the option names that hold secrets in a cloud configuration (keystoneauth and openstacksdk names:
# password, application_credential_secret, token, passcode, client_secret, key ...).
SECRET_NAME_PARTS = ('password', 'passwd', 'passphrase', 'passcode', 'secret', 'token')


def is_secret_name(name):
    name = str(name).lower().replace('-', '_')
    return any(part in name for part in SECRET_NAME_PARTS) or name == 'key' or name.endswith('_key')


def cloud_secrets(cloud):
    """The secret values inside a dict ``cloud`` (at any depth), for AnsibleModule.no_log_values.

    ``cloud`` cannot be no_log as a whole: a plain cloud name would then be scrubbed from every message.
    Everything below a secret key is secret, whatever its type.
    """
    found = set()

    def walk(value, secret):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, secret or is_secret_name(key))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, secret)
        elif secret and value is not None and not isinstance(value, bool) and str(value) != '':
            found.add(str(value))

    # A list is not a valid cloud, but its dictionaries must not be printed in the refusal either.
    walk(cloud, False)
    return found


class SecretAwareAnsibleModule(AnsibleModule):
    """AnsibleModule that also treats the secrets inside a dict ``cloud`` as no_log values.

    They must be known before the first message: the invocation is logged (syslog or journal) at the end of
    AnsibleModule's constructor, and a failed argument validation returns before that.
    """

    def _mask_cloud_secrets(self):
        params = getattr(self, 'params', None) or {}
        self.no_log_values.update(cloud_secrets(params.get('cloud')))

    def _log_invocation(self):
        self._mask_cloud_secrets()
        super(SecretAwareAnsibleModule, self)._log_invocation()

    def exit_json(self, **kwargs):
        self._mask_cloud_secrets()
        super(SecretAwareAnsibleModule, self).exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        self._mask_cloud_secrets()
        super(SecretAwareAnsibleModule, self).fail_json(msg, **kwargs)


def openstack_argument_spec():
    return dict(
        api_timeout=dict(type='int'),
        auth=dict(type='dict', no_log=True),
        auth_type=dict(type='str'),
        ca_cert=dict(type='str', aliases=['cacert']),
        client_cert=dict(type='str', aliases=['cert']),
        client_key=dict(type='str', no_log=True, aliases=['key']),
        cloud=dict(type='raw'),
        connect_retries=dict(type='int', default=5),
        interface=dict(type='str', default='public', choices=['admin', 'internal', 'public'],
                       aliases=['endpoint_type']),
        region_name=dict(type='str'),
        sdk_log_level=dict(type='str', default='INFO', choices=['INFO', 'DEBUG']),
        sdk_log_path=dict(type='str'),
        status_code_retries=dict(type='int', default=5),
        timeout=dict(type='int', default=1800),
        validate_certs=dict(type='bool', aliases=['verify']),
        wait=dict(type='bool', default=True),
    )


def _kind(value):
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, (list, tuple)):
        return 'a list'
    return 'a %s' % type(value).__name__


def _check_file(option, path, what, directory_allowed=False):
    """A TLS file must exist and be readable where the module runs (openstacksdk would fail at the first request)."""
    if os.path.isfile(path) or (directory_allowed and os.path.isdir(path)):
        if not os.access(path, os.R_OK):
            raise ValidationError('%s: %s is not readable by the user running the module; fix its permissions or '
                                  'give a copy it can read.' % (option, path))
        return
    raise ValidationError('%s: the file %s does not exist on the host the module runs on (the controller with '
                          'connection: local); give the path of an existing %s%s.'
                          % (option, path, what, ' (~ is not expanded here, use an absolute path)'
                             if str(path).startswith('~') else ''))


def _check_log_path(path):
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ValidationError('sdk_log_path: %s is a directory; give the path of a file in it, for example %s.'
                              % (path, os.path.join(path, 'openstacksdk.log')))
    if not os.path.exists(directory):
        raise ValidationError('sdk_log_path: the directory %s does not exist; create it first or give a file in an '
                              'existing directory.' % directory)
    if not os.path.isdir(directory):
        raise ValidationError('sdk_log_path: %s is not a directory; give a file in an existing directory.' % directory)
    target = path if os.path.exists(path) else directory
    if not os.access(target, os.W_OK):
        raise ValidationError('sdk_log_path: %s is not writable by the user running the module; give a file in a '
                              'directory it may write to (for example /tmp).' % target)


def validate_connection_options(params):
    """Connection options that cannot work are refused before any request, with what to pass instead."""
    cloud = params.get('cloud')
    if cloud is not None and not isinstance(cloud, (str, dict)):
        raise ValidationError('cloud must be the name of a cloud in clouds.yaml (a string) or a dictionary holding a '
                              'whole cloud configuration, not %s. For several clouds, run the task once per cloud.'
                              % _kind(cloud))
    for name in ('connect_retries', 'status_code_retries'):
        if (params.get(name) or 0) < 0:
            raise ValidationError('%s must be 0 (no retries) or more, not %s.' % (name, params.get(name)))
    timeout = params.get('api_timeout')
    if timeout is not None and timeout <= 0:
        raise ValidationError('api_timeout must be a positive number of seconds (the longest one HTTP request may '
                              'take), not %s; leave it unset to use the clouds.yaml or openstacksdk default.' % timeout)
    files = [('ca_cert', params.get('ca_cert')), ('client_cert', params.get('client_cert')),
             ('client_key', params.get('client_key'))]
    if isinstance(cloud, dict):
        files += [('cloud.cacert', cloud.get('cacert')), ('cloud.cert', cloud.get('cert')),
                  ('cloud.key', cloud.get('key'))]
    for option, path in files:
        if path is None or isinstance(path, bool):
            continue
        if option.endswith('cacert') or option == 'ca_cert':
            _check_file(option, str(path), 'CA bundle (PEM file, or directory of certificates)', directory_allowed=True)
        elif option.endswith('key'):
            _check_file(option, str(path), 'private key (PEM) of the client certificate')
        else:
            _check_file(option, str(path), 'client certificate (PEM)')
    if params.get('sdk_log_path'):
        _check_log_path(params['sdk_log_path'])


def connect_kwargs(params):
    """Arguments for ``openstack.connect()``; raises NovaOpsError on a misuse of a dict ``cloud``."""
    cloud = params.get('cloud')
    if isinstance(cloud, dict):
        clashing = [name for name in CLOUD_DICT_EXCLUSIVE if params.get(name) is not None]
        if params.get('interface') not in (None, 'public'):
            clashing.append('interface')
        if clashing:
            raise NovaOpsError(
                'cloud is a dictionary, so %s must not be set; put these values into the cloud dictionary instead.'
                % ', '.join(clashing))
        return dict(cloud)
    kwargs = dict(
        cloud=cloud,
        auth_type=params.get('auth_type'),
        auth=params.get('auth'),
        region_name=params.get('region_name'),
        verify=params.get('validate_certs'),
        cacert=params.get('ca_cert'),
        cert=params.get('client_cert'),
        key=params.get('client_key'),
        api_timeout=params.get('api_timeout'),
        interface=params.get('interface'),
    )
    return dict((k, v) for k, v in kwargs.items() if v is not None)


HTTP_HINTS = {
    400: 'Nova rejected the request as invalid.',
    401: 'Authentication failed: check the credentials (auth, clouds.yaml entry, OS_* variables or AWX credential).',
    403: 'Permission denied by policy: migrations, services and hypervisors need the admin role by default.',
    404: 'The resource does not exist (or is not visible to these credentials).',
    406: 'The cloud refused the requested compute API microversion.',
    409: 'Nova refused the action in the current state (server busy, locked or in the wrong status); '
         'wait for the running task to finish and retry.',
    413: 'Rate or quota limit reached; retry later.',
    429: 'Rate limit reached; retry later.',
    503: 'The service is temporarily unavailable; retry later (the request id helps in the service logs).',
}

# Nova's 409 when the nova-compute service of the server's host is down (ServiceUnavailable): the generic 409 hint
# ("busy, locked") would send the operator looking in the wrong place.
SERVICE_DOWN_DETAIL = 'service is unavailable'
SERVICE_DOWN_HINT = ('The nova-compute service of the server\'s host is down, so Nova cannot act on the server: bring the '
                     'service back (or, if the host is dead, use evacuate instead of migration) and retry.')


def _request_id(exc):
    response = getattr(exc, 'response', None)
    headers = getattr(response, 'headers', None) or {}
    for name in ('x-openstack-request-id', 'x-compute-request-id'):
        value = headers.get(name) if hasattr(headers, 'get') else None
        if value:
            return value
    return getattr(exc, 'request_id', None)


def describe_exception(exc, step=None):
    """Turn any exception into ``(msg, data)`` for fail_json.  Pure: duck typing only."""
    prefix = 'Failed while %s: ' % step if step else ''
    if isinstance(exc, NovaOpsError):
        data = dict(exc.data)
        last = getattr(exc, 'last_state', None)
        if last is not None and 'last_state' not in data:
            data['last_state'] = last
        return prefix + exc.msg, data

    cls = type(exc).__name__
    module = type(exc).__module__ or ''
    status = getattr(exc, 'status_code', None) or getattr(exc, 'http_status', None)
    if status is not None and (module.startswith('openstack') or module.startswith('keystoneauth1')):
        details = getattr(exc, 'details', None) or getattr(exc, 'message', None) or str(exc)
        method = getattr(exc, 'method', None)
        url = getattr(exc, 'url', None)
        request_id = _request_id(exc)
        where = ' from %s %s' % (method, url) if method and url else ''
        msg = '%sHTTP %s%s: %s' % (prefix, status, where, details)
        if request_id and request_id not in msg:
            msg += ' (request id %s)' % request_id
        hint = HTTP_HINTS.get(status)
        if status == 409 and SERVICE_DOWN_DETAIL in str(details).lower():
            hint = SERVICE_DOWN_HINT
        if hint is None and status >= 500:
            hint = 'The cloud had an internal error; look up the request id in the service logs and retry.'
        if hint:
            msg = msg.rstrip('. ') + '. ' + hint
        return msg, {'http_status': status, 'request_id': request_id, 'details': details}

    text = str(exc) or cls
    if module.startswith('keystoneauth1'):
        if 'ConnectFailure' in cls or 'ConnectTimeout' in cls or 'ConnectionError' in cls:
            hint = 'Cannot reach the endpoint: check auth_url, region_name, interface and the network.'
        elif 'DiscoveryFailure' in cls:
            hint = 'Version discovery failed: check auth_url (it should point at Keystone, e.g. .../v3).'
        elif 'Missing' in cls or 'AuthPlugin' in cls or 'NoMatchingPlugin' in cls:
            hint = 'The authentication settings are incomplete: check auth/auth_type or the clouds.yaml entry.'
        else:
            hint = 'Check the cloud configuration and credentials.'
        return '%s%s: %s. %s' % (prefix, cls, text.rstrip('. '), hint), {'error_type': cls}
    if module.startswith('openstack'):
        if cls == 'ResourceTimeout':
            hint = 'Increase timeout or check the resource state.'
        elif cls in ('ConfigException', 'OpenStackConfigException'):
            hint = 'Check the cloud name and clouds.yaml (OS_CLIENT_CONFIG_FILE, OS_CLOUD).'
        elif cls == 'EndpointNotFound':
            hint = 'No matching endpoint in the service catalog: check region_name and interface.'
        else:
            hint = None
        msg = '%s%s: %s' % (prefix, cls, text)
        if hint:
            msg = msg.rstrip('. ') + '. ' + hint
        return msg, {'error_type': cls}
    return ('%sUnexpected %s: %s. This is probably a bug in novaops.migration; please report it with the task '
            'parameters.' % (prefix, cls, text), {'error_type': cls, 'exception': traceback.format_exc()})


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
    def api(self):
        """RestClient on the compute endpoint (for the requests openstacksdk cannot express)."""
        if self._api is None:
            self._api = RestClient(self.connect().compute)
        return self._api

    @property
    def compute(self):
        """openstacksdk compute proxy (the adapter behind :attr:`api`): use its methods where they fit."""
        return sdk_proxy(self.api)

    @property
    def versions(self):
        """The cloud's compute microversion range (discovered once per connection)."""
        if self._versions is None:
            step, self.step = self.step, 'discovering the compute API microversions'
            self._versions = mv.from_endpoint_data(self.connect().compute.get_endpoint_data())
            self.step = step
        return self._versions

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
