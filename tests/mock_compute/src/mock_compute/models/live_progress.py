"""The copy a running live migration makes, as libvirt's job statistics show it.

Nova's libvirt driver copies the local disks first (a block migration mirrors them and waits until they are
in sync before the memory copy starts), then the guest's memory. Its migration monitor saves the job's byte
counters into the migration record (``memory_*``/``disk_*``, shown by GET /servers/{id}/migrations/{id}) and
``100 - memory remaining %`` into the server's ``progress``.

A ``live_migration_stall`` fault stops the copy once ``at_percent`` of it is done: ``freeze`` (nothing moves,
as over a broken link) or ``oscillate`` (the guest dirties memory as fast as it is sent: processed bytes
keep growing while the remaining ones rise and fall around where they stood). Without a fault, or after a
force complete (the guest is paused, so memory converges), the copy goes on.
"""

MIB = 1024 * 1024
GIB = 1024 * MIB
SHOWN_CEILING = 0.95      # the last pages go with the guest paused, just before the record leaves "running"
SWING = 0.05              # an oscillating stall moves the remaining bytes by up to 5 % of the total
SWING_PERIOD = 0.1        # ... over a period of this share of migration_seconds


def disk_bytes(flavor):
    """The local disks a block migration mirrors: root, ephemeral and swap."""
    return flavor.disk * GIB + flavor.ephemeral * GIB + flavor.swap * MIB


def _triangle(phase):
    """0 -> 1 -> 0 over one period."""
    phase %= 1.0
    return 2 * phase if phase < 0.5 else 2 * (1 - phase)


class CopyProgress:
    """How much of a live migration's data has been sent; disks (if any) take the first half."""

    def __init__(self, memory_total, disk_total, now):
        self.memory_total = memory_total
        self.disk_total = disk_total
        self.copied = 0.0           # share of the whole copy done
        self.resent = {"disk": 0, "memory": 0}     # bytes sent again because the guest dirtied them
        self.swing = 0.0            # the oscillation's current lift of the remaining bytes, 0..1
        self.last = now
        self.stalled_since = None
        self.finished = False       # the guest runs on the destination: nothing is left to copy

    def done(self):
        return self.copied >= 1.0

    def finish(self):
        self.copied, self.swing, self.finished = 1.0, 0.0, True

    def left(self):
        return max(0.0, 1.0 - self.copied)

    def advance(self, now, copy_seconds, swing_seconds, stall=None):
        """Move the copy on to ``now``; ``stall`` is (mode, at_percent) of a matching fault or None."""
        elapsed, self.last = max(0.0, now - self.last), now
        step = elapsed / copy_seconds if copy_seconds > 0 else 1.0
        if stall is None:
            self.stalled_since, self.swing = None, 0.0
            self.copied = min(1.0, self.copied + step)
            return
        mode, at_percent = stall
        ceiling = at_percent / 100.0
        if self.copied < ceiling:
            # the copy runs on until it reaches the point where the fault stalls it
            self.copied = min(ceiling, self.copied + step)
            return
        if self.stalled_since is None:
            self.stalled_since = now
        if mode == "oscillate":
            self.resent[self._phase()] += int(step * self._phase_total())
            self.swing = _triangle((now - self.stalled_since) / swing_seconds) if swing_seconds > 0 else 0.0
        else:
            self.swing = 0.0

    def _phase(self):
        return "disk" if self.disk_total > 0 and self.copied < 0.5 else "memory"

    def _phase_total(self):
        return self.disk_total if self._phase() == "disk" else self.memory_total

    def shares(self):
        """(disk share copied, memory share copied), capped below 1 until the guest runs on the destination."""
        copied = 1.0 if self.finished else min(self.copied, SHOWN_CEILING)
        if self.disk_total <= 0:
            return 1.0, copied
        return min(1.0, copied * 2), max(0.0, copied * 2 - 1)

    def save(self, migration):
        """Write the counters into the record; returns the server's progress (percent)."""
        disk_share, memory_share = self.shares()
        disk_copied = int(self.disk_total * disk_share)
        memory_copied = int(self.memory_total * memory_share)
        lift = {"disk": 0, "memory": 0}
        if self.swing:
            lift[self._phase()] = int(self.swing * SWING * self._phase_total())
        migration.memory_total = self.memory_total
        migration.memory_processed = memory_copied + self.resent["memory"]
        migration.memory_remaining = min(self.memory_total, self.memory_total - memory_copied + lift["memory"])
        migration.disk_total = self.disk_total
        migration.disk_processed = disk_copied + self.resent["disk"]
        migration.disk_remaining = min(self.disk_total, self.disk_total - disk_copied + lift["disk"])
        if not self.memory_total:
            return 100
        return 100 - round(migration.memory_remaining * 100 / self.memory_total)
