# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Why Nova would refuse to live-migrate a server, read from what the compute API shows of its flavor.

The flavor embedded in a server carries its ``extra_specs`` from microversion 2.47 (admin, or whoever the
``os_compute_api:os-flavor-extra-specs:index`` policy lets read them). Below 2.47, or when the policy hides them,
nothing is known and nothing is claimed: the server is not marked as blocked, and Nova's own pre-check decides.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def _positive(value):
    try:
        return int(str(value).strip()) > 0
    except (TypeError, ValueError):
        return False


def _true(value):
    return str(value).strip().lower() in ('1', 'true', 'yes', 'on', 'required')


def live_blockers(flavor):
    """The reasons Nova's live-migration pre-checks would refuse a server of ``flavor`` ([] when none is known).

    ``flavor`` is the server's embedded flavor (a dict with ``extra_specs``), or None.
    """
    specs = (flavor or {}).get('extra_specs') or {}
    if not isinstance(specs, dict):
        return []
    reasons = []
    alias = specs.get('pci_passthrough:alias')
    if alias:
        # flavor-based PCI passthrough: the conductor refuses unless every device is a live-migratable VF
        # of a VFIO variant driver, which the API does not show
        reasons.append('its flavor asks for PCI passthrough devices (pci_passthrough:alias=%s)' % alias)
    for resource, label in (('VGPU', 'vGPU'), ('PGPU', 'physical GPU')):
        key = 'resources:%s' % resource
        if _positive(specs.get(key)):
            # vGPU live migration needs libvirt and the mdev types on both ends (2024.1 and later); the
            # API cannot tell, so the cautious answer is that the server cannot move live
            reasons.append('its flavor asks for %s resources (%s=%s)' % (label, key, specs[key]))
    if specs.get('accel:device_profile'):
        reasons.append('its flavor asks for accelerators (accel:device_profile=%s), which Nova does not live-migrate'
                       % specs['accel:device_profile'])
    if _true(specs.get('hw:mem_encryption')):
        reasons.append('its flavor asks for encrypted memory (hw:mem_encryption), which Nova does not live-migrate')
    # Nova's API refuses to live-migrate a vTPM server (hw:tpm_version) unless the host holds its secret
    # (hw:tpm_secret_security host, in releases that live-migrate vTPMs at all); any other mode, or none, is the
    # user's secret
    if specs.get('hw:tpm_version') and specs.get('hw:tpm_secret_security') != 'host':
        reasons.append('its flavor gives it a vTPM whose secret the host does not hold (hw:tpm_version without '
                       'hw:tpm_secret_security=host)')
    return reasons


def cold_blockers(flavor):
    """The reasons Nova's compute API would refuse a cold migration of a server of ``flavor`` ([] when none).

    Nova refuses to move a server with accelerators at all: the migrate action answers HTTP 400 ("Feature not
    supported with instances that have accelerators") as os-migrateLive does.
    """
    specs = (flavor or {}).get('extra_specs') or {}
    if not isinstance(specs, dict) or not specs.get('accel:device_profile'):
        return []
    return ['its flavor asks for accelerators (accel:device_profile=%s), which Nova does not migrate, live or cold'
            % specs['accel:device_profile']]
