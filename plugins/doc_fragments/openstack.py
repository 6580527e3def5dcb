# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # Connection options.  Names and semantics follow openstack.cloud so that
    # the same clouds.yaml entries, AWX OpenStack credentials and
    # module_defaults work for both collections.
    DOCUMENTATION = r'''
options:
  api_timeout:
    description:
      - How long, in seconds, a single HTTP request to an OpenStack API may take before it
        is aborted (socket level timeout passed to openstacksdk).
      - Different from O(timeout), which bounds the whole wait for a migration.
      - Must be a positive number; leave it unset for the clouds.yaml or openstacksdk default.
    type: int
  auth:
    description:
      - Dictionary with the arguments of the authentication plugin, for example
        C(auth_url), C(username), C(password), C(project_name), C(user_domain_name),
        C(project_domain_name), or C(application_credential_id) and C(application_credential_secret).
      - Not needed when O(cloud) names a clouds.yaml entry that holds the credentials.
    type: dict
  auth_type:
    description:
      - Name of the keystoneauth authentication plugin, for example C(password),
        C(v3applicationcredential) or C(token). openstacksdk picks C(password) when unset.
    type: str
  ca_cert:
    description:
      - Path to a CA bundle (or a directory of CA certificates) used to verify the server certificates.
        It must exist and be readable on the host the module runs on; the task fails before any request otherwise.
    type: str
    aliases: [cacert]
  client_cert:
    description:
      - Path to a client certificate (PEM) for TLS client authentication. It must exist and be readable on the host
        the module runs on.
    type: str
    aliases: [cert]
  client_key:
    description:
      - Path to the private key of O(client_cert). It must exist and be readable on the host the module runs on.
    type: str
    aliases: [key]
  cloud:
    description:
      - Name of a cloud in clouds.yaml, or a dictionary holding a complete cloud configuration. Any other type
        (a list, a number) is refused.
      - When a dictionary is given, O(auth), O(auth_type), O(region_name), O(validate_certs),
        O(ca_cert), O(client_cert), O(client_key) and O(api_timeout) must not be set and
        O(interface) must stay V(public); put those values into the dictionary instead.
      - The secrets inside a dictionary (the values of keys such as C(password), C(application_credential_secret),
        C(token), C(passcode) or C(key), at any depth) are masked in the task result and logs, as with C(no_log).
        A cloud name is not a secret and is shown as given.
      - When unset, openstacksdk uses the E(OS_CLOUD) environment variable, or the E(OS_*)
        authentication variables (as exported by AWX/AAP OpenStack credentials).
    type: raw
  connect_retries:
    description:
      - How many times each request is tried again when the endpoint cannot be reached (connection refused or
        reset, as while an API restarts behind its load balancer), with exponential backoff from half a second
        (keystoneauth's own retry). V(0) turns it off.
      - Applies to every request, the Keystone token request and version discovery included; a C(connect_retries)
        set in clouds.yaml wins for the service APIs.
    type: int
    default: 5
  interface:
    description:
      - Which endpoint interface of the service catalog to use.
    type: str
    choices: [admin, internal, public]
    default: public
    aliases: [endpoint_type]
  region_name:
    description:
      - Name of the region to use when the cloud has several.
    type: str
  sdk_log_level:
    description:
      - Log level of the openstacksdk log written to O(sdk_log_path).
    type: str
    choices: [INFO, DEBUG]
    default: INFO
  sdk_log_path:
    description:
      - Path of a file to which openstacksdk writes its log (including HTTP requests at V(DEBUG)).
      - Its directory must exist and be writable by the user running the module.
    type: str
  status_code_retries:
    description:
      - How many times each request is tried again after a transient answer (HTTP 429, 502, 503 or 504), with
        exponential backoff from half a second, or after the delay a C(Retry-After) header asks for (keystoneauth's
        own retry). V(0) turns it off.
      - A POST that may have reached Nova (a 502 or 504 from a gateway) is not repeated, so an action is never sent
        twice; only 429 and 503, which say the request was not processed, are retried for a POST. The token request
        is retried on all four.
      - Applies to every request, the Keystone token request and version discovery included; a
        C(status_code_retries) set in clouds.yaml wins for the service APIs.
    type: int
    default: 5
  timeout:
    description:
      - How many seconds to wait in total for the requested change to finish (the migration,
        its confirmation, and the checks that follow). Only used when O(wait=true).
      - Ignored by modules that do not wait.
    type: int
    default: 1800
  validate_certs:
    description:
      - Whether to verify TLS certificates. When unset, the clouds.yaml or openstacksdk default applies.
    type: bool
    aliases: [verify]
  wait:
    description:
      - Whether to wait until the requested change has finished and has been verified.
      - Ignored by modules that do not wait.
    type: bool
    default: true
requirements:
  - python >= 3.8
  - openstacksdk >= 4.1.0
notes:
  - The cloud configuration is read by openstacksdk, so everything it supports works here too.
    clouds.yaml is searched in the current directory, C(~/.config/openstack/clouds.yaml) and
    C(/etc/openstack/clouds.yaml); E(OS_CLIENT_CONFIG_FILE) names another file and E(OS_CLOUD)
    selects a cloud when O(cloud) is unset. AWX/AAP OpenStack credentials therefore work unchanged.
  - All modules of this collection belong to the action group C(novaops.migration.openstack), so
    connection options can be set once with C(module_defaults) and C(group/novaops.migration.openstack).
  - Most operations need the C(admin) role (Nova default policies for migrations, services and hypervisors).
'''

    # Attributes shared by every module of the collection.
    ATTRIBUTES = r'''
attributes:
  action_group:
    description: Use C(group/novaops.migration.openstack) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - novaops.migration.openstack
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
    support: none
'''
