# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every module shares, with openstack.cloud's names: their argument spec, the checks that
refuse what cannot work before any request, the masking of the secrets inside a cloud dictionary, and the arguments
for ``openstack.connect()``."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.novaops.migration.plugins.module_utils.errors import NovaOpsError, ValidationError


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
