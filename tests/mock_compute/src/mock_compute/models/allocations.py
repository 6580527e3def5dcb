"""Placement-style resource accounting.

Nova keeps a server's resources as *allocations* held by a *consumer* against
a resource provider (one per compute node).  During a cold or live migration
the source allocation is moved to the migration record (consumer = migration
uuid) while the server's own consumer claims the destination, so both hosts
show usage until the move is confirmed, reverted or completed.  The ledger
keeps per-host totals up to date incrementally so capacity checks stay O(1).
"""

import dataclasses

RESOURCE_CLASSES = ("VCPU", "MEMORY_MB", "DISK_GB")


@dataclasses.dataclass(frozen=True)
class Resources:
    vcpus: int = 0
    memory_mb: int = 0
    disk_gb: int = 0

    @classmethod
    def for_flavor(cls, flavor):
        return cls(flavor.vcpus, flavor.ram, flavor.disk + flavor.ephemeral + (flavor.swap + 1023) // 1024)

    def __add__(self, other):
        return Resources(self.vcpus + other.vcpus, self.memory_mb + other.memory_mb, self.disk_gb + other.disk_gb)

    def __sub__(self, other):
        return Resources(self.vcpus - other.vcpus, self.memory_mb - other.memory_mb, self.disk_gb - other.disk_gb)

    def fits_within(self, limit):
        return self.vcpus <= limit.vcpus and self.memory_mb <= limit.memory_mb and self.disk_gb <= limit.disk_gb

    def by_class(self):
        return {"VCPU": self.vcpus, "MEMORY_MB": self.memory_mb, "DISK_GB": self.disk_gb}


ZERO = Resources()


class AllocationLedger:
    """Allocations indexed both by consumer and by host."""

    def __init__(self):
        self._by_consumer = {}   # consumer uuid -> {host name: Resources}
        self._by_host = {}       # host name -> {consumer uuid: Resources}
        self._usage = {}         # host name -> Resources (sum of the above)
        self.generation = {}     # host name -> provider generation, bumped on change

    def _bump(self, host):
        self.generation[host] = self.generation.get(host, 0) + 1

    def claim(self, consumer, host, resources):
        """Add ``resources`` for ``consumer`` on ``host`` (replacing any previous claim there)."""
        self.release(consumer, host)
        self._by_consumer.setdefault(consumer, {})[host] = resources
        self._by_host.setdefault(host, {})[consumer] = resources
        self._usage[host] = self._usage.get(host, ZERO) + resources
        self._bump(host)

    def release(self, consumer, host=None):
        """Drop the consumer's allocation on ``host`` (or everywhere when ``host`` is None)."""
        held = self._by_consumer.get(consumer)
        if not held:
            return
        hosts = [host] if host is not None else list(held)
        for name in hosts:
            resources = held.pop(name, None)
            if resources is None:
                continue
            self._by_host[name].pop(consumer, None)
            self._usage[name] = self._usage[name] - resources
            self._bump(name)
        if not held:
            del self._by_consumer[consumer]

    def move(self, from_consumer, to_consumer, host):
        """Hand the allocation on ``host`` over to another consumer (Nova's migration-based allocations)."""
        resources = self._by_consumer.get(from_consumer, {}).get(host)
        if resources is None:
            return
        self.release(from_consumer, host)
        self.claim(to_consumer, host, resources)

    def usage(self, host):
        return self._usage.get(host, ZERO)

    def of_consumer(self, consumer):
        return dict(self._by_consumer.get(consumer, {}))

    def on_host(self, host):
        return dict(self._by_host.get(host, {}))

    def snapshot(self):
        return {consumer: {host: dataclasses.asdict(res) for host, res in held.items()}
                for consumer, held in self._by_consumer.items()}
