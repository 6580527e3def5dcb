"""The virt driver: Nova's FakeDriver with per-host sizes and migrations that take time.

``nova.virt.driver.load_compute_driver`` only imports ``nova.virt.<name>``, so ``install`` publishes the class as
``nova.virt.fake.NovaInABoxDriver`` (compute_driver = ``fake.NovaInABoxDriver``).

Timing with ``settings.migration_seconds = S``: a cold migration spends 0.7 S in ``migrate_disk_and_power_off``
(migration ``migrating``, task ``resize_migrating``) and 0.3 S in ``finish_migration`` (``post-migrating``); a live
migration 0.2 S in ``pre_live_migration`` (``preparing``) and 0.8 S in ``live_migration`` (``running``), where
force-complete finishes it at once and abort rolls it back (``cancelled``). Evacuation rebuilds in 0.5 S.
"""

import threading
import time

DRIVER_NAME = "fake.NovaInABoxDriver"


class Settings:
    """Knobs read at call time, so the control API can change them while Nova runs."""

    def __init__(self, migration_seconds=1.0):
        self.migration_seconds = float(migration_seconds)
        self.hosts = {}               # host name -> normalized topology host (sizes, ratios, reserved)
        self.stopping = threading.Event()

    def pause(self, fraction, wake=None):
        """Sleep ``fraction`` of the migration time; returns early when ``wake`` is set or the harness stops."""
        remaining = self.migration_seconds * fraction
        deadline = time.monotonic() + remaining
        while remaining > 0 and not self.stopping.is_set():
            if wake is not None and wake.wait(min(remaining, 0.05)):
                return
            if wake is None:
                time.sleep(min(remaining, 0.05))
            remaining = deadline - time.monotonic()


SETTINGS = Settings()


def install(fake_module, orc):
    """Define the driver class on top of ``nova.virt.fake`` and publish it there."""

    class NovaInABoxDriver(fake_module.FakeDriver):
        def init_host(self, host):
            super().init_host(host)
            spec = SETTINGS.hosts.get(host, {})
            self.vcpus = int(spec.get("vcpus", 16))
            self.memory_mb = int(spec.get("memory_mb", 32768))
            self.local_gb = int(spec.get("disk_gb", 500))
            self.resources = fake_module.Resources(vcpus=self.vcpus, memory_mb=self.memory_mb,
                                                   local_gb=self.local_gb)
            self._spec = spec
            self._live = {}
            self._live_lock = threading.Lock()

        def update_provider_tree(self, provider_tree, nodename, allocations=None):
            spec = self._spec
            inventory = {}
            for rc, total, ratio, reserved in (
                    (orc.VCPU, self.vcpus, "cpu_allocation_ratio", "reserved_vcpus"),
                    (orc.MEMORY_MB, self.memory_mb, "ram_allocation_ratio", "reserved_memory_mb"),
                    (orc.DISK_GB, self.local_gb, "disk_allocation_ratio", "reserved_disk_gb")):
                inventory[rc] = {"total": total, "min_unit": 1, "max_unit": total, "step_size": 1,
                                 "allocation_ratio": float(spec.get(ratio, 1.0)),
                                 "reserved": int(spec.get(reserved, 0))}
            provider_tree.update_inventory(nodename, inventory)

        # cold migration / resize ---------------------------------------------------------------------------------
        def migrate_disk_and_power_off(self, context, instance, dest, flavor, network_info, block_device_info=None,
                                       timeout=0, retry_interval=0):
            SETTINGS.pause(0.7)
            return super().migrate_disk_and_power_off(context, instance, dest, flavor, network_info,
                                                      block_device_info, timeout, retry_interval)

        def finish_migration(self, *args, **kwargs):
            SETTINGS.pause(0.3)
            return super().finish_migration(*args, **kwargs)

        # evacuation ---------------------------------------------------------------------------------------------
        def rebuild(self, *args, **kwargs):
            SETTINGS.pause(0.5)
            return super().rebuild(*args, **kwargs)

        # live migration -----------------------------------------------------------------------------------------
        def pre_live_migration(self, context, instance, block_device_info, network_info, disk_info,
                               migrate_data):
            SETTINGS.pause(0.2)
            return super().pre_live_migration(context, instance, block_device_info, network_info, disk_info,
                                              migrate_data)

        def live_migration(self, context, instance, dest, post_method, recover_method, block_migration=False,
                           migrate_data=None):
            state = {"wake": threading.Event(), "abort": False}
            with self._live_lock:
                self._live[instance.uuid] = state
            try:
                SETTINGS.pause(0.8, wake=state["wake"])
            finally:
                with self._live_lock:
                    self._live.pop(instance.uuid, None)
            if state["abort"]:
                recover_method(context, instance, dest, migrate_data, migration_status="cancelled")
            else:
                post_method(context, instance, dest, block_migration, migrate_data)

        def live_migration_force_complete(self, instance):
            with self._live_lock:
                state = self._live.get(instance.uuid)
            if state is not None:
                state["wake"].set()

        def live_migration_abort(self, instance):
            with self._live_lock:
                state = self._live.get(instance.uuid)
            if state is not None:
                state["abort"] = True
                state["wake"].set()

        def post_live_migration(self, context, instance, block_device_info, migrate_data=None):
            # the guest left this hypervisor: stop tracking it (and its resources) here
            if instance.uuid in self.instances:
                self.destroy(context, instance, network_info=None, block_device_info=block_device_info)

    NovaInABoxDriver.__module__ = fake_module.__name__
    fake_module.NovaInABoxDriver = NovaInABoxDriver
    return NovaInABoxDriver
