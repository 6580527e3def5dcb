"""Nova's control plane in this process, assembled the way Nova's functional tests assemble it.

Order (after ``nova.test.TestCase.setUp``: configuration, fake RPC transport, API/cell0/cell1 databases,
default flavors): real default policies, Neutron/Glance/Cinder fixtures, Placement with its own database,
all services current, notifications discarded, this package's token filter in place of auth_token, the
osapi_compute WSGI app; then the HTTP server starts and nova-conductor, nova-scheduler and one nova-compute per
host start (``start_service``). Nothing is intercepted: Nova's report client reaches Placement over HTTP.

Nova is imported inside functions only: the concurrency backend must be chosen before ``nova.tests`` is first
imported (see ``load_nova``). Nova 34 runs its services in native threads; releases before it run them on eventlet
greenthreads, which ``nova.monkey_patch`` installs when imported (or, from Nova 33, through ``patch('eventlet')``).
Options a release does not have yet are left out (``_OPTIONAL_FLAGS``), so one harness serves every release.
"""

import contextlib
import datetime
import importlib.metadata
import logging
import os
import secrets
import sys
import threading
import time
import traceback
import types
import warnings

from nova_in_a_box import driver as box_driver
from nova_in_a_box.identity import IdentityStore, KeystoneApp, PlacementAuthMiddleware, auth_filter_factory
from nova_in_a_box.seed import Seeder

THREADING_FROM_NOVA = 34       # the first Nova whose services run in native threads with its own fixtures
INTERNAL_USER = "nova-in-a-box"
TICK_SECONDS = 1.0
UPDATE_RESOURCES_SECONDS = 60.0
RPC_THREADS = 16
FUTURIST_IDLE_POLL = 1.0       # futurist's own default


class NovaInstallError(RuntimeError):
    """Nova (or Placement, or its test fixtures) cannot be imported or is incomplete."""


class StartupError(RuntimeError):
    """The control plane did not come up."""


def find_api_paste():
    """``<venv>/etc/nova/api-paste.ini`` as installed by the Nova wheel."""
    candidates = [os.path.join(sys.prefix, "etc", "nova", "api-paste.ini")]
    try:
        for item in importlib.metadata.files("nova") or ():
            if str(item).endswith("etc/nova/api-paste.ini"):
                candidates.append(str(item.locate()))
    except importlib.metadata.PackageNotFoundError:
        pass
    for path in candidates:
        if os.path.isfile(path):
            return os.path.abspath(path)
    raise NovaInstallError("api-paste.ini not found (looked in %s): the Nova install is incomplete; "
                           "recreate the venv with `make nova-venv`" % ", ".join(candidates))


def concurrency_mode(version):
    """``threading`` for Nova 34 and later, ``eventlet`` before: Nova 33's fixtures do not work in threading mode
    (one shared in-memory sqlite connection; a notification fixture that walks greenlets)."""
    try:
        major = int(version.split(".")[0])
    except ValueError:
        return "threading"
    return "threading" if major >= THREADING_FROM_NOVA else "eventlet"


def load_nova():
    """Import Nova with the concurrency backend of its release and return the modules the harness uses."""
    # oslotest reads these in setUp: no SIGALRM timeout, no stdout/stderr capture, no log capture.
    for name in ("OS_TEST_TIMEOUT", "OS_STDOUT_CAPTURE", "OS_STDERR_CAPTURE", "OS_LOG_CAPTURE", "OS_DEBUG"):
        os.environ.pop(name, None)
    try:
        version = importlib.metadata.version("nova")
    except importlib.metadata.PackageNotFoundError as exc:
        raise NovaInstallError("Nova is not installed in %s; run `make nova-venv` and start nova-in-a-box with "
                               ".venv-nova/bin/nova-in-a-box" % sys.prefix) from exc
    mode = concurrency_mode(version)
    if mode == "threading":
        os.environ["OS_NOVA_DISABLE_EVENTLET_PATCHING"] = "1"
    else:
        os.environ.pop("OS_NOVA_DISABLE_EVENTLET_PATCHING", None)
    try:
        if mode == "threading" and "eventlet" in sys.modules:
            raise NovaInstallError("eventlet was imported before Nova: native threading cannot be enforced")
        from nova import monkey_patch  # before Nova 33 the import itself patches with eventlet
        if hasattr(monkey_patch, "patch"):
            monkey_patch.patch(mode)

        import fixtures
        try:
            import futurist._thread as futurist_thread
        except ImportError:                  # older futurist: no pooled-thread idle poll to tune
            futurist_thread = None
        import nova.conf
        import nova.context
        import nova.db.main.api
        import nova.objects
        import nova.virt.fake
        import os_resource_classes
        from nova import servicegroup, test
        from nova.servicegroup.drivers import db as servicegroup_db
        from nova.tests import fixtures as nova_fixtures
        from nova.tests.functional import fixtures as func_fixtures
        from oslo_config import cfg
        from oslo_messaging import server as messaging_server
        from placement import deploy as placement_deploy
    except NovaInstallError:
        raise
    except Exception as exc:     # ImportError, but also a broken module raising anything at import time
        raise NovaInstallError("importing Nova %s failed: %s: %s" % (version, type(exc).__name__, exc)) from exc
    return types.SimpleNamespace(version=version, mode=mode, cfg=cfg, fixtures=fixtures, futurist_thread=futurist_thread,
                                 conf=nova.conf.CONF, context=nova.context,
                                 db=nova.db.main.api, objects=nova.objects, fake=nova.virt.fake,
                                 orc=os_resource_classes, test=test, servicegroup=servicegroup,
                                 servicegroup_db=servicegroup_db, messaging_server=messaging_server, nova_fixtures=nova_fixtures,
                                 func_fixtures=func_fixtures, placement_deploy=placement_deploy)


class _DiscardNotifier:
    """Stands in for Nova's notifiers: nothing is kept (the test fixture keeps every notification)."""

    def __init__(self, publisher_id="nova-in-a-box"):
        self.publisher_id = publisher_id

    def prepare(self, publisher_id=None, **kwargs):   # oslo.messaging's signature
        return self

    @staticmethod
    def is_enabled():
        return False

    def _drop(self, *args, **kwargs):
        pass

    audit = critical = debug = error = info = sample = warn = warning = _drop


def _make_box_class(nova, plane):
    test = nova.test

    class Box(test.TestCase):
        """A functional-test case used as a plain object: setUp assembles, doCleanups tears down."""

        USES_DB = True
        REQUIRES_LOCKING = True
        STUB_RPC = True

        def runTest(self):
            pass

        def optional_flags(self, group=None, **values):
            """Set options that only some releases have; the others are left out."""
            for name, value in values.items():
                with contextlib.suppress(nova.cfg.NoSuchOptError, nova.cfg.NoSuchGroupError):
                    self.flags(**{name: value, "group": group})

        def setUp(self):
            super().setUp()
            conf = nova.conf
            if nova.mode == "threading":
                self._untangle_cell_targeting()
            # nova.test shortens futurist's idle poll to 10 ms so that test teardown is quick; with a few hundred
            # pooled threads that is thousands of wake-ups a second (a quarter of a core while idle)
            if nova.futurist_thread is not None:
                nova.futurist_thread.ThreadWorker.MAX_IDLE_FOR = FUTURIST_IDLE_POLL
            self.flags(transport_url=self.cell_mappings["cell1"].transport_url)
            self.flags(compute_driver=box_driver.DRIVER_NAME)
            self.flags(resize_confirm_window=plane.resize_confirm_window)
            self.flags(api_paste_config=plane.api_paste, group="wsgi")
            self.optional_flags(response_validation="warn", group="api")     # Nova 2024.2 and later
            for name in ("instances", "cores", "ram"):
                self.flags(**{name: -1, "group": "quota"})
            self.flags(initial_cpu_allocation_ratio=4.0, initial_ram_allocation_ratio=1.0,
                       initial_disk_allocation_ratio=1.0)
            self.flags(reserved_host_memory_mb=0, reserved_host_disk_mb=0)   # per host, from the topology
            if nova.mode == "threading":
                # native threading uses one limit for builds and snapshots: say so rather than log a warning
                self.flags(max_concurrent_snapshots=conf.max_concurrent_builds)
            # Every service shares this process's thread pools, which production gives each process; the pools
            # (futurist) start a thread per submission until full and never shrink, so their sizes are the
            # harness's thread count once warm: RPC servers get 16 threads each instead of oslo.messaging's 64.
            services = 2 + len(plane.topology["hosts"])
            self.optional_flags(default_thread_pool_size=min(64, 10 * services),
                                cell_worker_thread_pool_size=min(32, 5 * services))
            pool_opts = getattr(nova.messaging_server, "_pool_opts", None)
            if pool_opts:
                conf.register_opts(pool_opts)
                self.flags(executor_thread_pool_size=RPC_THREADS)
            self.useFixture(nova.nova_fixtures.RealPolicyFixture())
            self.useFixture(nova.nova_fixtures.NeutronFixture(self))
            self.useFixture(nova.nova_fixtures.GlanceFixture(self))
            self.useFixture(nova.nova_fixtures.CinderFixture(self))
            self.placement_fixture = self.useFixture(nova.func_fixtures.PlacementFixture(
                token=plane.placement_service_token, use_intercept=False))
            self.placement_fixture.endpoint = plane.url + "/placement"
            self.useFixture(nova.nova_fixtures.AllServicesCurrent())
            self.stub_out("nova.rpc.LEGACY_NOTIFIER", _DiscardNotifier())
            self.stub_out("nova.rpc.NOTIFIER", _DiscardNotifier())
            self.stub_out("keystonemiddleware.auth_token.filter_factory", auth_filter_factory(plane.identity))
            self.stub_out("nova.servicegroup.drivers.db.DbDriver._report_state",
                          plane.wrap_report_state(nova.servicegroup_db.DbDriver._report_state))
            self.api_fixture = self.useFixture(nova.nova_fixtures.OSAPIFixture(api_version="v2.1",
                                                                               stub_keystone=False))
            assert conf.wsgi.api_paste_config == plane.api_paste

        def _untangle_cell_targeting(self):
            """Targeted contexts carry their cell's connection; untargeted code uses cell1, like a nova.conf whose
            [database] points at cell1. The CellDatabases test fixture instead switches one global "last targeted
            cell" under a writer-preferring lock, which deadlocks against its per-database write lock once several
            threads work at once (an API call stuck for 60 s). Its databases and RPC wrappers stay as they are.
            Greenthreads (eventlet mode) only switch where they wait, so there the fixture stays as Nova made it."""
            cells = getattr(nova.context.target_cell, "__self__", None)
            if cells is None or not hasattr(cells, "_real_target_cell"):
                return                 # a Nova whose fixture changed: keep it as it is
            default = cells._default_ctxt_mgr

            def get_context_manager(context):
                return getattr(context, "db_connection", None) or default

            self.stub_out("nova.context.target_cell", cells._real_target_cell)
            self.stub_out("nova.db.main.api.get_context_manager", get_context_manager)

    return Box


class ControlPlane:
    """Owns the Nova services, the HTTP areas and the knobs; ``start`` then ``stop``."""

    def __init__(self, topology, http, migration_seconds=1.0, resize_confirm_window=0, log=None):
        self.topology = topology
        self.http = http
        self.url = http.url
        self.identity = IdentityStore(topology)
        self.placement_service_token = "niab-service-" + secrets.token_hex(20)   # Nova's report client's
        self.resize_confirm_window = int(resize_confirm_window)
        self.log = log or (lambda message: print("nova-in-a-box: %s" % message, file=sys.__stderr__, flush=True))
        self.settings = box_driver.SETTINGS
        self.settings.migration_seconds = float(migration_seconds)
        self.settings.hosts = {h["name"]: h for h in topology["hosts"]}
        self.api_paste = None
        self.nova = None
        self.box = None
        self.down = set()             # hosts whose nova-compute heartbeat is stopped
        self.servers = {}             # server name -> id, after seeding
        self.server_groups = {}       # server group name -> id, after seeding
        self._knob_lock = threading.RLock()
        self._ticker = None
        self._stop = threading.Event()
        self._last_resource_update = time.monotonic()
        self.ticker_error = None
        self.started_at = None
        self.phases = {}

    # start ------------------------------------------------------------------------------------------------------
    def start(self):
        started = time.monotonic()
        self.nova = nova = load_nova()
        self._renew_primitives()
        self.api_paste = find_api_paste()
        self.phases["import"] = time.monotonic() - started
        box_driver.install(nova.fake, nova.orc)
        saved_filters = warnings.filters[:]
        self.box = _make_box_class(nova, self)("runTest")
        try:
            self.box.setUp()
        except Exception as exc:
            raise StartupError("assembling Nova failed: %s: %s" % (type(exc).__name__, exc)) from exc
        finally:
            # The test case's WarningsFixture turns some SQLAlchemy deprecations into errors, which would put
            # servers in ERROR (confirmResize): back to the interpreter's filters, deprecations silenced.
            warnings.filters[:] = saved_filters
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.filterwarnings("ignore", module="sqlalchemy")
            warnings.filterwarnings("ignore", module="oslo_db")
            warnings.filterwarnings("ignore", module="nova")
        self._configure_logging()
        self.phases["assemble"] = time.monotonic() - started - sum(self.phases.values())
        box = self.box
        placement_app = nova.placement_deploy.loadapp(box.placement_fixture.conf_fixture.conf)
        dispatcher = self.http.dispatcher
        dispatcher.mount("/v3", KeystoneApp(self.identity))
        dispatcher.mount("/placement", PlacementAuthMiddleware(placement_app, self.identity,
                                                               self.placement_service_token), strip=True)
        from nova_in_a_box.control import ControlApp
        control = ControlApp(self)
        dispatcher.mount("/control", control)
        dispatcher.mount("/mock", control)
        dispatcher.default = box.api_fixture.app()
        self.http.start(green=nova.mode == "eventlet")
        controller = self.topology["controllers"][0]
        # first-start notices ("No compute node record ...") are expected here and only noise
        quiet = [logging.getLogger(name) for name in ("nova.compute.manager", "nova.compute.resource_tracker")]
        levels = [logger.level for logger in quiet]
        for logger in quiet:
            logger.setLevel(logging.ERROR)
        try:
            box.start_service("conductor", host=controller)
            box.start_service("scheduler", host=controller)
            for host in self.topology["hosts"]:
                box.computes[host["name"]] = box.start_service("compute", host=host["name"])
        except Exception as exc:
            raise StartupError("starting the Nova services failed: %s: %s" % (type(exc).__name__, exc)) from exc
        finally:
            for logger, level in zip(quiet, levels, strict=True):
                logger.setLevel(level)
        self.phases["services"] = time.monotonic() - started - sum(self.phases.values())
        seeder = Seeder(self)
        self.servers = seeder.run()
        self.server_groups = seeder.groups
        self.phases["servers"] = time.monotonic() - started - sum(self.phases.values())
        self._ticker = threading.Thread(target=self._tick, name="niab-ticker", daemon=True)
        self._ticker.start()
        self.started_at = time.monotonic()
        return self.started_at - started

    def _renew_primitives(self):
        """Locks and events made before Nova chose its concurrency backend are OS-level ones: under eventlet, waiting
        on one blocks every greenthread (a 1 s tick wait stalled all of Nova), and a greenthread that yields while
        holding one lets the next greenthread of the same OS thread in. Make them again, now that threading is
        whatever Nova's release patched it to be."""
        self._knob_lock = threading.RLock()
        self._stop = threading.Event()
        self.identity.renew_lock()
        self.settings.stopping = threading.Event()

    def _configure_logging(self):
        """Nova's StandardLogging keeps every record in memory: log warnings and errors to stderr instead."""
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
        level = getattr(logging, os.environ.get("NOVA_IN_A_BOX_LOG_LEVEL", "WARNING").upper(), logging.WARNING)
        handler.setLevel(level)
        root.addHandler(handler)
        root.setLevel(level)
        # stevedore reports every optional oslo.cache backend it cannot load (memcache) at ERROR
        logging.getLogger("stevedore.extension").setLevel(logging.CRITICAL)
        self.nova.conf.set_override("debug", level <= logging.DEBUG)

    # knobs ------------------------------------------------------------------------------------------------------
    def wrap_report_state(self, original):
        plane = self

        def _report_state(driver, service):
            if getattr(service, "host", None) in plane.down and getattr(service, "binary", "") == "nova-compute":
                return None
            return original(driver, service)

        return _report_state

    def _admin_context(self):
        return self.nova.context.get_admin_context()

    def _compute_service_record(self, host):
        ctx = self._admin_context()
        return self.nova.objects.Service.get_by_host_and_binary(ctx, host, "nova-compute")

    def host_names(self):
        return [h["name"] for h in self.topology["hosts"]]

    def service_down(self, host):
        """Stop the host's nova-compute heartbeat and age its last report: Nova sees it down (not forced down)."""
        with self._knob_lock:
            if host not in self.box.computes:
                raise KeyError(host)
            self.down.add(host)
            record = self._compute_service_record(host)
            old = (datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
                   - datetime.timedelta(seconds=self.nova.conf.service_down_time + 60))
            self.nova.db.service_update(self._admin_context(), record.id, {"last_seen_up": old, "updated_at": old})
            return self.host_state(host)

    def service_up(self, host, restart=True):
        """Resume the heartbeat; ``restart`` restarts nova-compute (init_host runs, as after a real outage)."""
        with self._knob_lock:
            if host not in self.box.computes:
                raise KeyError(host)
            self.down.discard(host)
            compute = self.box.computes[host]
            if restart:
                compute = self.box.restart_compute_service(compute, keep_hypervisor_state=True)
                self.box.computes[host] = compute
            # report at once rather than after the first report_interval
            self.nova.servicegroup_db.DbDriver()._report_state(compute)
            return self.host_state(host)

    def host_state(self, host):
        record = self._compute_service_record(host)
        up = self.nova.servicegroup.API().service_is_up(record)
        return {"host": host, "state": "up" if up else "down", "heartbeat": "stopped" if host in self.down else
                "running", "status": "disabled" if record.disabled else "enabled",
                "disabled_reason": record.disabled_reason, "forced_down": bool(record.forced_down)}

    def set_migration_seconds(self, seconds):
        self.settings.migration_seconds = float(seconds)

    def set_resize_confirm_window(self, seconds):
        self.resize_confirm_window = int(seconds)
        self.nova.conf.set_override("resize_confirm_window", self.resize_confirm_window)

    def config(self):
        return {"migration_seconds": self.settings.migration_seconds,
                "resize_confirm_window": self.resize_confirm_window,
                "service_down_time": self.nova.conf.service_down_time,
                "report_interval": self.nova.conf.report_interval,
                "nova_version": self.nova.version,
                "concurrency": self.nova.mode}

    def run_periodics(self, tasks=("_poll_unconfirmed_resizes", "update_available_resource")):
        """Run compute periodic tasks on every host whose nova-compute is up (its own periodic loop is off)."""
        ctx = self._admin_context()
        for host, compute in list(self.box.computes.items()):
            if host in self.down or self._stop.is_set():
                continue
            for task in tasks:
                if task == "_poll_unconfirmed_resizes" and self.resize_confirm_window <= 0:
                    continue
                try:
                    getattr(compute.manager, task)(ctx)
                except Exception:      # like the periodic task runner: log and carry on
                    logging.getLogger("nova_in_a_box").exception("periodic task %s on %s failed", task, host)

    def _tick(self):
        while not self._stop.wait(TICK_SECONDS):
            try:
                tasks = ["_poll_unconfirmed_resizes"]
                if time.monotonic() - self._last_resource_update >= UPDATE_RESOURCES_SECONDS:
                    self._last_resource_update = time.monotonic()
                    tasks.append("update_available_resource")
                with self._knob_lock:
                    self.run_periodics(tasks)
            except Exception as exc:   # the harness keeps serving; the CLI reports the error at exit
                self.ticker_error = "%s: %s" % (type(exc).__name__, exc)
                traceback.print_exc(file=sys.__stderr__)

    # stop -------------------------------------------------------------------------------------------------------
    def stop(self, timeout=8.0):
        """Stop ticking, serving and the services; run the fixtures' cleanups within ``timeout`` seconds."""
        self._stop.set()
        self.settings.stopping.set()
        logging.getLogger().setLevel(logging.ERROR)   # teardown notices ("Service killed ...") are noise
        deadline = time.monotonic() + timeout
        if self._ticker is not None:
            self._ticker.join(timeout=2)
        self.http.stop()
        if self.box is None:
            return True
        if self.nova.futurist_thread is not None:
            self.nova.futurist_thread.ThreadWorker.MAX_IDLE_FOR = 0.01   # pooled threads notice shutdown at once
        done = threading.Event()
        errors = []

        def cleanups():
            box = self.box
            while box._cleanups:
                function, args, kwargs = box._cleanups.pop()
                try:
                    function(*args, **kwargs)
                except Exception as exc:   # keep tearing down
                    errors.append("%s: %s" % (type(exc).__name__, exc))
            done.set()

        worker = threading.Thread(target=cleanups, name="niab-cleanup", daemon=True)
        worker.start()
        worker.join(max(0.1, deadline - time.monotonic()))
        return done.is_set() and not errors
