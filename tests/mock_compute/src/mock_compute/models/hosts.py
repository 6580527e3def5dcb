"""Compute hosts, their compute node (hypervisor) and their services."""

import dataclasses

from mock_compute.models.allocations import Resources

COMPUTE_BINARY = "nova-compute"
CONTROLLER_BINARIES = ("nova-scheduler", "nova-conductor")
INTERNAL_ZONE = "internal"


@dataclasses.dataclass
class Service:
    """A row of Nova's ``services`` table.

    ``heartbeat_down`` models the servicegroup driver noticing missed heartbeats
    (topology ``state: down``); a ``service_down`` fault adds to that without
    touching the flag.  ``forced_down`` is the operator override.
    """

    id: int
    uuid: str
    binary: str
    host: str
    zone: str
    disabled: bool = False
    disabled_reason: str = None
    forced_down: bool = False
    heartbeat_down: bool = False
    last_seen_at: object = None      # datetime of the last heartbeat before going down
    updated_at: object = None        # datetime of the last admin update


@dataclasses.dataclass
class ComputeHost:
    """A nova-compute host with exactly one compute node (its hypervisor)."""

    name: str
    zone: str
    node: str                 # hypervisor_hostname
    node_id: int              # compute node integer id (hypervisor id before 2.53)
    node_uuid: str            # compute node uuid == placement resource provider uuid
    host_ip: str
    vcpus: int
    memory_mb: int
    disk_gb: int
    cpu_allocation_ratio: float = 4.0
    ram_allocation_ratio: float = 1.0
    disk_allocation_ratio: float = 1.0
    reserved_vcpus: int = 0
    reserved_memory_mb: int = 512
    reserved_disk_gb: int = 0
    hypervisor_type: str = "QEMU"
    hypervisor_version: int = 8002002
    service: Service = None

    def capacity(self):
        """Schedulable resources: (total - reserved) * allocation ratio, as Placement computes it."""
        return Resources(
            int((self.vcpus - self.reserved_vcpus) * self.cpu_allocation_ratio),
            int((self.memory_mb - self.reserved_memory_mb) * self.ram_allocation_ratio),
            int((self.disk_gb - self.reserved_disk_gb) * self.disk_allocation_ratio),
        )

    def inventory(self):
        """Placement inventory records keyed by resource class."""
        return {
            "VCPU": {"total": self.vcpus, "reserved": self.reserved_vcpus, "min_unit": 1, "max_unit": self.vcpus,
                     "step_size": 1, "allocation_ratio": self.cpu_allocation_ratio},
            "MEMORY_MB": {"total": self.memory_mb, "reserved": self.reserved_memory_mb, "min_unit": 1,
                          "max_unit": self.memory_mb, "step_size": 1, "allocation_ratio": self.ram_allocation_ratio},
            "DISK_GB": {"total": self.disk_gb, "reserved": self.reserved_disk_gb, "min_unit": 1, "max_unit": self.disk_gb,
                        "step_size": 1, "allocation_ratio": self.disk_allocation_ratio},
        }
