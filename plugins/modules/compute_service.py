#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: compute_service
short_description: Enable, disable or force down an OpenStack compute service, with an ownership guard
version_added: 1.0.0
author: novaops.migration contributors (@novaops)
description:
  - Enables or disables the C(nova-compute) service of one host (the scheduler then stops placing servers there),
    and optionally marks it forced down.
  - The O(disabled_reason) works as an ownership marker. A service that someone else disabled keeps their reason
    (it is not overwritten), and with O(only_if_disabled_reason) the module refuses to enable a service whose
    reason differs, so a maintenance job never re-enables a host that another operator took out.
  - Idempotent; supports check mode.
  - Uses C(PUT /os-services/{id}) at microversion 2.53 and later, the legacy C(PUT /os-services/enable),
    C(disable), C(disable-log-reason) and C(force-down) actions on older clouds.
options:
  binary:
    description:
      - Service binary.
    type: str
    default: nova-compute
  disabled_reason:
    description:
      - Reason recorded when disabling. Only valid with O(state=disabled).
      - A service already disabled with another reason keeps that reason and is reported unchanged (with a warning).
    type: str
  forced_down:
    description:
      - Mark the service forced down (V(true)) or clear the mark (V(false)). Unset leaves it alone.
      - Forcing down tells Nova the host is dead without waiting for the heartbeat timeout (needed before evacuating).
        Needs microversion 2.11.
    type: bool
  host:
    description:
      - Compute host name, exact match.
    type: str
    required: true
  only_if_disabled_reason:
    description:
      - With O(state=enabled), only enable the service if its current C(disabled_reason) equals this text.
      - With O(state=disabled) and O(disabled_reason), replace the reason only if the service is still disabled
        with this text. This is a compare and set, so the owner of a reason can refresh it and never overwrites
        another one.
      - On a mismatch the task fails, or with O(reason_mismatch=skip) does nothing and returns C(blocked=true).
    type: str
  reason_mismatch:
    description:
      - What to do when O(only_if_disabled_reason) does not match.
    type: str
    choices: [fail, skip]
    default: fail
  state:
    description:
      - V(enabled) or V(disabled). Unset leaves the status alone (for example to change O(forced_down) only).
    type: str
    choices: [enabled, disabled]
extends_documentation_fragment:
  - novaops.migration.openstack
  - novaops.migration.openstack.attributes
attributes:
  check_mode:
    description: Reads the service and predicts C(changed); nothing is written.
    support: full
'''

EXAMPLES = r'''
- name: Take compute-1 out of scheduling for maintenance
  novaops.migration.compute_service:
    cloud: mycloud
    host: compute-1
    state: disabled
    disabled_reason: "maintenance by AWX job {{ tower_job_id | default('manual') }}"

- name: Put it back, but only if we were the ones who disabled it
  novaops.migration.compute_service:
    cloud: mycloud
    host: compute-1
    state: enabled
    only_if_disabled_reason: "maintenance by AWX job {{ tower_job_id | default('manual') }}"
    reason_mismatch: skip
  register: enable_result

- name: Mark a dead host forced down before evacuating it
  novaops.migration.compute_service:
    host: compute-3
    forced_down: true
'''

RETURN = r'''
blocked:
  description: True when O(only_if_disabled_reason) did not match and O(reason_mismatch=skip) left the service alone.
  returned: always
  type: bool
msg:
  description: Human readable summary.
  returned: always
  type: str
previous:
  description: The service before the change, same keys as RV(service).
  returned: always
  type: dict
service:
  description: The service after the change (predicted in check mode).
  returned: always
  type: dict
  contains:
    id:
      description: Service ID (UUID at microversion 2.53 and later, integer before).
      type: raw
    host:
      description: Host name.
      type: str
    binary:
      description: Service binary.
      type: str
    status:
      description: C(enabled) or C(disabled).
      type: str
    state:
      description: C(up) or C(down) (heartbeat).
      type: str
    zone:
      description: Availability zone of the host.
      type: str
    disabled_reason:
      description: Reason recorded when the service was disabled.
      type: str
    forced_down:
      description: Whether the service is forced down.
      type: bool
    updated_at:
      description: Time of the last heartbeat or update.
      type: str
'''

from ansible_collections.novaops.migration.plugins.module_utils import microversion as mv
from ansible_collections.novaops.migration.plugins.module_utils import validation as val
from ansible_collections.novaops.migration.plugins.module_utils.api import nova_body, sdk_action
from ansible_collections.novaops.migration.plugins.module_utils.base import NovaOpsModule
from ansible_collections.novaops.migration.plugins.module_utils.errors import ResourceNotFound, ValidationError
from ansible_collections.novaops.migration.plugins.module_utils.hosts import list_services, normalize_service


def plan_service_change(service, state=None, disabled_reason=None, forced_down=None, only_if_disabled_reason=None):
    """Decide the change for a service.  Pure.

    :returns: dict with ``changes`` (dict of fields to set: status,
        disabled_reason, forced_down), ``blocked`` (mismatch message or None)
        and ``notes`` (list of warnings).
    """
    if disabled_reason is not None and state != 'disabled':
        raise ValidationError('disabled_reason is only valid with state=disabled (Nova refuses a reason when enabling).')
    if only_if_disabled_reason is not None and not (state == 'enabled' or (state == 'disabled' and disabled_reason)):
        raise ValidationError('only_if_disabled_reason needs state=enabled (enable only if the reason still matches) or '
                              'state=disabled with a new disabled_reason (replace the reason only if it still matches).')
    changes = {}
    notes = []
    blocked = None
    current_reason = service.get('disabled_reason')
    if state == 'disabled' and only_if_disabled_reason is not None:
        # Compare and set: the owner of a disabled reason refreshes it, and never overwrites someone else's.
        if service.get('status') != 'disabled':
            blocked = ('Service %s on %s is enabled (someone re-enabled it), not disabled with reason %r: its reason '
                       'was not replaced.' % (service.get('binary'), service.get('host'), only_if_disabled_reason))
        elif current_reason not in (only_if_disabled_reason, disabled_reason):
            blocked = ('Service %s on %s is disabled with reason %r, not %r: someone else changed it, so it was not '
                       'replaced.' % (service.get('binary'), service.get('host'), current_reason,
                                      only_if_disabled_reason))
        elif current_reason != disabled_reason:
            changes.update(status='disabled', disabled_reason=disabled_reason)
    elif state == 'disabled' and service.get('status') != 'disabled':
        changes['status'] = 'disabled'
        if disabled_reason is not None:
            changes['disabled_reason'] = disabled_reason
    elif state == 'disabled' and disabled_reason is not None and current_reason != disabled_reason:
        notes.append('Service %s on %s is already disabled with reason %r (not %r); the existing reason was kept '
                     'so its owner can still recognise it.'
                     % (service.get('binary'), service.get('host'), current_reason, disabled_reason))
    elif state == 'enabled' and service.get('status') != 'enabled':
        if only_if_disabled_reason is not None and current_reason != only_if_disabled_reason:
            blocked = ('Service %s on %s was disabled with reason %r, not %r: someone else disabled it, so it is '
                       'left disabled.' % (service.get('binary'), service.get('host'), current_reason,
                                           only_if_disabled_reason))
        else:
            changes['status'] = 'enabled'
    if forced_down is not None and bool(service.get('forced_down')) != forced_down:
        changes['forced_down'] = forced_down
    return {'changes': changes, 'blocked': blocked, 'notes': notes}


def predicted(service, changes):
    result = dict(service)
    result.update(changes)
    if changes.get('status') == 'enabled':
        result['disabled_reason'] = None
    return result


class ComputeServiceModule(NovaOpsModule):
    argument_spec = dict(
        binary=dict(type='str', default='nova-compute'),
        disabled_reason=dict(type='str'),
        forced_down=dict(type='bool'),
        host=dict(type='str', required=True),
        only_if_disabled_reason=dict(type='str'),
        reason_mismatch=dict(type='str', default='fail', choices=['fail', 'skip']),
        state=dict(type='str', choices=['enabled', 'disabled']),
    )
    module_kwargs = dict(
        supports_check_mode=True,
        required_one_of=[('state', 'forced_down')],
    )

    def run(self):
        p = self.params
        # Pure option checks first (no API call).
        val.check_named('host', p['host'], 'Give the exact compute host name.')
        plan_service_change({}, p['state'], p['disabled_reason'], None, p['only_if_disabled_reason'])

        self.step = 'looking up the compute service'
        services = list_services(self.compute, self.versions, host=p['host'], binary=p['binary'])
        matches = [s for s in services if s.get('host') == p['host'] and s.get('binary') == p['binary']]
        if not matches:
            known = sorted(set(s.get('host') for s in list_services(self.compute, self.versions, binary=p['binary'])))
            raise ResourceNotFound('No %s service on host %r (host names must match exactly). Hosts with %s: %s.'
                                   % (p['binary'], p['host'], p['binary'], ', '.join(known) or 'none'),
                                   hosts=known)
        previous = matches[0]
        plan = plan_service_change(previous, p['state'], p['disabled_reason'], p['forced_down'],
                                   p['only_if_disabled_reason'])
        for note in plan['notes']:
            self.ansible.warn(note)
        if plan['blocked']:
            if p['reason_mismatch'] == 'fail':
                raise ValidationError(plan['blocked'] + ' Set reason_mismatch=skip to skip instead of failing.',
                                      previous=previous, service=previous, blocked=True)
            return self.exit_json(changed=False, blocked=True, msg=plan['blocked'] + ' Skipped.',
                                  service=previous, previous=previous)
        changes = plan['changes']
        if not changes:
            msg = plan['notes'][0] if plan['notes'] else 'Service %s on %s already as requested (%s).' % (
                p['binary'], p['host'], previous.get('status'))
            return self.exit_json(changed=False, blocked=False, msg=msg, service=previous, previous=previous)
        if 'forced_down' in changes:
            mv.require(self.versions, mv.V_FORCED_DOWN, 'Forcing a compute service down')
        if self.check_mode:
            return self.exit_json(changed=True, blocked=False, msg='Would change %s.' % ', '.join(sorted(changes)),
                                  service=predicted(previous, changes), previous=previous)

        self.step = 'updating the compute service'
        if self.versions.max >= mv.V_SERVICE_UUID:
            # One PUT /os-services/{id} with every change (enable_service/disable_service/update_service_forced_down
            # would send one request per field).
            body = nova_body(sdk_action(self.compute.update_service, previous['id'], **changes)) or {}
            service = normalize_service(body) if body else predicted(previous, changes)
            for key, value in previous.items():
                if service.get(key) is None and key not in ('disabled_reason',):
                    service[key] = value
        else:
            service = self._legacy_update(previous, changes)
        self.changed_so_far = True
        self.exit_json(changed=True, blocked=False, msg='Service %s on %s updated: %s.'
                       % (p['binary'], p['host'], ', '.join('%s=%s' % (k, changes[k]) for k in sorted(changes))),
                       service=service, previous=previous)

    def _legacy_update(self, previous, changes):
        """Microversions below 2.53: the SDK's legacy action URLs, keyed by host and binary."""
        host, binary = previous['host'], previous['binary']
        if 'status' in changes:
            if changes['status'] == 'enabled':
                sdk_action(self.compute.enable_service, None, host=host, binary=binary)
            else:
                sdk_action(self.compute.disable_service, None, host=host, binary=binary,
                           disabled_reason=changes.get('disabled_reason'))
        if 'forced_down' in changes:
            sdk_action(self.compute.update_service_forced_down, None, host=host, binary=binary,
                       forced=changes['forced_down'])
        return predicted(previous, changes)


def main():
    module = ComputeServiceModule()
    module()


if __name__ == '__main__':
    main()
