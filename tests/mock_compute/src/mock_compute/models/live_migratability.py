"""What Nova (34, libvirt) refuses to live-migrate, judged from the server's flavor, as the API shows it.

Three layers refuse, each with its own text and moment:

* the compute API's decorators on ``live_migrate``, before the lock and state checks and at every
  microversion, a synchronous 400: accelerators (``accel:device_profile``; cold migration too), a vTPM
  (``hw:tpm_version``) whose secret policy (``hw:tpm_secret_security``) is not ``host``, and memory
  encryption (``hw:mem_encryption``);
* the conductor's LiveMigrationTask, for every destination it tries (``_check_can_migrate_pci``): PCI
  devices requested through a flavor alias (``pci_passthrough:alias``) unless every alias is configured
  ``live_migratable`` in nova.conf ``[pci] alias`` (the topology's ``pci_aliases``);
* the source compute's libvirt driver (``check_can_live_migrate_source``), for every destination tried:
  mediated devices (``resources[N]:VGPU``) unless both computes run libvirt >= 8.6.0 and QEMU >= 8.1.0
  (the topology's ``vgpu_live_migration``).

The last two raise MigrationPreCheckError: below 2.34 the API answers 400 with it when the destination was
forced; otherwise the conductor skips the host and asks the scheduler again until no host is left.
"""

import re

from mock_compute.models.exceptions import (
    ForbiddenWithAccelerators,
    OperationNotSupportedForMemEncryption,
    OperationNotSupportedForVTPM,
)

LIVE_MIGRATION_ACTION = "live-migration"
PCI_NOT_LIVE_MIGRATABLE = "This request does not explicitly request live-migratable devices."
MDEV_TOO_OLD = ("Unable to migrate %(uuid)s: Either libvirt or QEMU version for compute service source are too old "
                "than the supported ones : (QEMU: 8.1.0, libvirt: 8.6.0)")
_RESOURCE_KEY = re.compile(r"^resources([a-zA-Z0-9_-]{1,64})?:(.*)$")
_TRUE = ("1", "t", "true", "on", "y", "yes")     # oslo's bool_from_string


def _specs(server):
    return server.flavor.extra_specs or {}


def pci_aliases(server):
    """Alias names of ``pci_passthrough:alias`` ("a1:2,a2:1")."""
    value = _specs(server).get("pci_passthrough:alias") or ""
    return [item.split(":", 1)[0].strip() for item in value.split(",") if item.strip()]


def requested_amount(server, resource_class):
    """Units of a resource class the flavor asks Placement for, over the unsuffixed and granular groups."""
    total = 0
    for key, value in _specs(server).items():
        match = _RESOURCE_KEY.match(key)
        if match and match.group(2) == resource_class:
            try:
                total += max(0, int(value))
            except (TypeError, ValueError):
                continue
    return total


def has_vtpm(server):
    return bool(_specs(server).get("hw:tpm_version"))


def check_api(server, live=True):
    """The compute API's refusals, in its decorators' order; ``live`` False: cold migration and resize."""
    specs = _specs(server)
    if specs.get("accel:device_profile"):
        raise ForbiddenWithAccelerators()
    if not live:
        return
    # reject_legacy_vtpm_live_migration: only a secret the host holds can follow the guest
    if has_vtpm(server) and (specs.get("hw:tpm_secret_security") or "user") != "host":
        raise OperationNotSupportedForVTPM(instance_uuid=server.uuid, operation=LIVE_MIGRATION_ACTION)
    if str(specs.get("hw:mem_encryption", "")).strip().lower() in _TRUE:
        raise OperationNotSupportedForMemEncryption(instance_uuid=server.uuid, operation=LIVE_MIGRATION_ACTION)


def conductor_refusal(server, topology):
    """LiveMigrationTask._check_can_migrate_pci: a flavor alias request must ask for live-migratable devices."""
    aliases = pci_aliases(server)
    if not aliases:
        return None
    migratable = {a["name"] for a in topology.get("pci_aliases") or () if a.get("live_migratable")}
    if all(name in migratable for name in aliases):
        return None
    return PCI_NOT_LIVE_MIGRATABLE


def compute_refusal(server, topology):
    """The source's _assert_source_can_live_migrate_mdevs: mdevs need libvirt 8.6.0 and QEMU 8.1.0."""
    if requested_amount(server, "VGPU") and not topology.get("vgpu_live_migration"):
        return MDEV_TOO_OLD % {"uuid": server.uuid}
    return None
