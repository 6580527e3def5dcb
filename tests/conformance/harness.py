"""The two backends of the conformance suite, started from one topology and called the same way.

``mock`` is ``mock-compute serve``; ``nova`` is nova-in-a-box (a real Nova control plane). Every API call goes
through an openstacksdk connection (keystoneauth session) of the named cloud, with an explicit microversion.
"""

import concurrent.futures
import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from conformance.normalize import Names

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
TOPOLOGY = os.path.join(HERE, "topology.yaml")
NOVA_SRC = os.path.join(REPO_ROOT, "tests", "nova_in_a_box", "src")

# Seconds per migration: short for wall time, long enough that polling sees each phase of the mock.
MIGRATION_SECONDS = 0.6
# nova-in-a-box adds Nova's own work (scheduling, RPC, database) on top of its knob.
NOVA_MIGRATION_SECONDS = 0.3
# The highest compute microversion of the Nova in nova-in-a-box (34.0.0, or the release the release matrix runs,
# NOVA_RELEASE_MAX_MICROVERSION); the mock serves the same range.
MAX_MICROVERSION = os.environ.get("NOVA_RELEASE_MAX_MICROVERSION") or "2.104"
# A well-formed id that names nothing on either backend.
UNKNOWN_UUID = "9bd4d6f5-8d4a-4f3f-9f6b-3b2d86e0a1c1"


def version(text):
    """'2.59' -> (2, 59), for comparing microversions."""
    major, minor = text.split(".")
    return int(major), int(minor)


def capped(text):
    """``text``, or the release's maximum when that is lower: reading a server at the newest view the release has
    (2.96 shows the pinned availability zone, which 2023.1's 2.95 cannot)."""
    return text if version(text) <= version(MAX_MICROVERSION) else MAX_MICROVERSION


@dataclasses.dataclass
class Reply:
    status: int
    headers: dict
    body: object


class Backend:
    """One cloud: ``call`` sends an API request, ``names`` turns its ids into names for comparison."""

    def __init__(self, name, url, clouds_yaml, control, history=None):
        self.name = name
        # ``history(server_uuid, after)`` -> (states, last sequence): every state the backend went through, where it
        # can tell (the mock's control API); None where only polling can (real Nova)
        self.history = history
        self.url = url.rstrip("/")
        self.clouds_yaml = clouds_yaml
        self._control = control
        self._conns = {}
        self._lock = threading.Lock()
        self.names = Names(self.url)

    def __repr__(self):
        return "<Backend %s %s>" % (self.name, self.url)

    def conn(self, cloud="mock-admin"):
        with self._lock:
            if cloud not in self._conns:
                from openstack import config as os_config
                from openstack import connection
                loader = os_config.OpenStackConfig(config_files=[self.clouds_yaml], vendor_files=[], secure_files=[],
                                                   load_envvars=False)
                self._conns[cloud] = connection.Connection(config=loader.get_one(cloud=cloud))
            return self._conns[cloud]

    def call(self, method, path, body=None, *, mv=None, cloud="mock-admin", service="compute", headers=None):
        """One request through the SDK's proxy for ``service``; never raises for an HTTP error."""
        proxy = getattr(self.conn(cloud), service)
        kwargs = {"headers": headers} if headers else {}
        if mv is not None:
            kwargs["microversion"] = mv
        if body is not None:
            kwargs["json"] = body
        response = proxy.request(self.path(path), method, raise_exc=False, **kwargs)
        return Reply(response.status_code, response.headers, _json(response.content))

    def anonymous(self, path, headers=None):
        """GET without a token (version documents): what keystoneauth's discovery sends."""
        request = urllib.request.Request(self.url + path, headers=dict({"Accept": "application/json"}, **(headers or {})))
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return Reply(response.status, response.headers, _json(response.read()))
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.headers, _json(exc.read()))

    def path(self, template):
        """``/servers/{server:cold-1}`` -> ``/servers/<this backend's id of cold-1>``."""
        return self.names.expand(template)

    def set_migration_seconds(self, seconds):
        self._control(seconds)

    # ids -------------------------------------------------------------------------------------------------------
    def learn(self):
        """Name every server, server group, service and hypervisor id of this backend (they differ between the two)."""
        self.names.learn(UNKNOWN_UUID, "unknown")
        servers = self.call("GET", "/servers/detail?all_tenants=1", mv="2.1").body["servers"]
        for server in servers:
            self.names.learn(server["id"], "server:" + server["name"])
        for mv in ("2.1", "2.53"):
            for service in self.call("GET", "/os-services", mv=mv).body["services"]:
                self.names.learn(service["id"], "service:%s/%s" % (service["host"], service["binary"]), kind="service")
            for hyp in self.call("GET", "/os-hypervisors", mv=mv).body["hypervisors"]:
                self.names.learn(hyp["id"], "hypervisor:" + hyp["hypervisor_hostname"], kind="hypervisor")
        for group in self.call("GET", "/os-server-groups?all_projects=True", mv="2.64").body["server_groups"]:
            self.names.learn(group["id"], "server-group:" + group["name"])
        providers = self.call("GET", "/resource_providers", service="placement", mv="1.14").body
        for provider in providers["resource_providers"]:
            self.names.learn(provider["uuid"], "hypervisor:" + provider["name"])
        self.learn_migrations()

    def learn_migrations(self):
        """Migrations are named ``migration:<server>#<n>``, n counting that server's migrations from 1."""
        migrations = self.call("GET", "/os-migrations", mv="2.59").body["migrations"]
        counts = {}
        for migration in sorted(migrations, key=lambda m: m["id"]):
            server = self.names.label(migration["instance_uuid"]).split(":", 1)[-1]
            counts[server] = counts.get(server, 0) + 1
            label = "migration:%s#%d" % (server, counts[server])
            self.names.learn(migration["id"], label, kind="migration")
            self.names.learn(migration["uuid"], label)


def _json(raw):
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def both(function, backends, *args, **kwargs):
    """``function(backend, ...)`` on both backends at once; results in the order of ``backends``."""
    with concurrent.futures.ThreadPoolExecutor(len(backends)) as pool:
        futures = [pool.submit(function, backend, *args, **kwargs) for backend in backends]
        return [future.result() for future in futures]


# starting them ---------------------------------------------------------------------------------------------------
def _nova_launcher():
    if NOVA_SRC not in sys.path:
        sys.path.insert(0, NOVA_SRC)
    from nova_in_a_box import launcher  # standard library only, meant for this interpreter
    return launcher


@contextlib.contextmanager
def start_nova(topology=TOPOLOGY):
    launcher = _nova_launcher()
    python = launcher.find_python(REPO_ROOT)
    if python is None:
        raise RuntimeError("%s/.venv-nova is missing: run `make nova-venv` first" % REPO_ROOT)
    box = launcher.start(python, ["--topology", topology, "--migration-seconds", str(NOVA_MIGRATION_SECONDS)])
    try:
        def control(seconds):
            status, body = box.control("PATCH", "/control/config", {"migration_seconds": seconds})
            assert status == 200, body
        yield Backend("nova", box.url, box.clouds_yaml, control)
    finally:
        box.stop()


@contextlib.contextmanager
def start_mock(topology=TOPOLOGY):
    """``mock-compute serve`` from this interpreter's venv, as the collection's suites run it."""
    workdir = tempfile.mkdtemp(prefix="conformance-mock-")
    clouds_yaml = os.path.join(workdir, "clouds.yaml")
    command = [os.path.join(os.path.dirname(sys.executable), "mock-compute"), "serve", "--port", "0",
               "--write-clouds-yaml", clouds_yaml, "--topology", topology, "--max-microversion", MAX_MICROVERSION,
               "--migration-seconds", str(MIGRATION_SECONDS)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        url = _first_line(process, 60)
        if not url.startswith("http://"):
            raise RuntimeError("mock-compute did not print its URL (got %r, exit %s)" % (url, process.poll()))

        def control(seconds):
            request = urllib.request.Request(url.strip() + "/mock/config", method="PATCH",
                                             data=json.dumps({"migration_seconds": seconds}).encode(),
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200

        def history(server_uuid, after):
            query = urllib.parse.urlencode({"server": server_uuid, "after": after})
            with urllib.request.urlopen(url.strip() + "/mock/history?" + query, timeout=30) as response:
                body = json.loads(response.read())
            states = [(e["status"], e["task_state"], e["migration_status"]) for e in body["history"]]
            return states, body["last_sequence"]
        yield Backend("mock", url.strip(), clouds_yaml, control, history)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stdout.close()
        with contextlib.suppress(OSError):
            os.remove(clouds_yaml)
            os.rmdir(workdir)


def _first_line(process, timeout):
    lines = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else ""


@contextlib.contextmanager
def start_both():
    """Start both at once (nova-in-a-box takes 10-30 s, the mock about one); yields ``(mock, nova)``."""
    nova_cm = start_nova()
    with contextlib.ExitStack() as stack:
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            nova_future = pool.submit(nova_cm.__enter__)
            try:
                mock = stack.enter_context(start_mock())
            finally:
                # whatever happened to the mock, a Nova that came up is stopped with the stack
                with contextlib.suppress(Exception):
                    nova_future.result()
                    stack.push(nova_cm)
        nova = nova_future.result()
        for backend in (mock, nova):
            backend.start_seconds = round(time.monotonic() - started, 1)
        both(Backend.learn, (mock, nova))
        yield mock, nova
