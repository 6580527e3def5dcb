"""Test helpers: start a mock cloud in-process or as a subprocess and drive its control API.

    from mock_compute.testing import mock_cloud_in_process

    with mock_cloud_in_process(migration_seconds=0.3) as mock:
        conn = mock.connect("mock-admin")          # openstacksdk Connection
        mock.add_fault("service_down", host="compute-1")
        mock.reset()

Both context managers yield a :class:`MockCloudHandle`.
"""

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

from mock_compute.clouds import write_clouds_yaml
from mock_compute.config import DEFAULT_MAX_MICROVERSION, MockConfig
from mock_compute.models import topology as topologies


class ControlError(RuntimeError):
    def __init__(self, status, body):
        super().__init__("control API answered %s: %s" % (status, body))
        self.status = status
        self.body = body


class MockCloudHandle:
    """What the fixtures yield: URLs, the clouds.yaml path, SDK connections and control helpers."""

    def __init__(self, url, clouds_yaml, cloud=None, process=None):
        self.url = url
        self.clouds_yaml = clouds_yaml
        self.cloud = cloud          # the in-process models.cloud.Cloud (None in subprocess mode)
        self.process = process      # the subprocess.Popen (None in in-process mode)
        self._tokens = {}

    # openstacksdk ----------------------------------------------------------------
    def connect(self, cloud="mock-admin", **kwargs):
        """An openstacksdk Connection built from this server's clouds.yaml only (OS_* env vars ignored)."""
        from openstack import config as os_config  # pylint: disable=import-outside-toplevel
        from openstack import connection  # pylint: disable=import-outside-toplevel
        loader = os_config.OpenStackConfig(config_files=[self.clouds_yaml], vendor_files=[], secure_files=[],
                                           load_envvars=False)
        return connection.Connection(config=loader.get_one(cloud=cloud, **kwargs))

    def env(self, cloud="mock-admin"):
        """Environment for running the ``openstack`` CLI against this mock."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
        env["OS_CLIENT_CONFIG_FILE"] = self.clouds_yaml
        env["OS_CLOUD"] = cloud
        return env

    # raw HTTP ----------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None):
        """(status, headers, parsed JSON or None) for any path on the mock; never raises on HTTP errors."""
        data = None
        all_headers = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, resp_headers, raw = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as exc:
            status, resp_headers, raw = exc.code, exc.headers, exc.read()
        parsed = json.loads(raw) if raw else None
        return status, resp_headers, parsed

    def token(self, user="admin", password="secret", project=None):
        """A Keystone token for a topology user (cached; tokens survive reset)."""
        key = (user, project)
        if key not in self._tokens:
            scope = {"project": {"name": project or ("admin" if user == "admin" else "demo"),
                                 "domain": {"name": "Default"}}}
            body = {"auth": {"identity": {"methods": ["password"], "password": {
                "user": {"name": user, "domain": {"name": "Default"}, "password": password}}}, "scope": scope}}
            status, headers, parsed = self.request("POST", "/v3/auth/tokens", body)
            if status != 201:
                raise ControlError(status, parsed)
            self._tokens[key] = headers["X-Subject-Token"]
        return self._tokens[key]

    def compute(self, method, path, body=None, *, microversion=None, user="admin", headers=None):
        """A compute API call (path below /v2.1) with a token and an optional microversion."""
        all_headers = {"X-Auth-Token": self.token(user)}
        if microversion:
            all_headers["OpenStack-API-Version"] = "compute %s" % microversion
        all_headers.update(headers or {})
        return self.request(method, "/v2.1" + path, body, all_headers)

    # control API ---------------------------------------------------------------------
    def _control(self, method, path, body=None, expect=(200, 201, 204)):
        status, _ignored, parsed = self.request(method, "/mock" + path, body)
        if status not in expect:
            raise ControlError(status, parsed)
        return parsed

    def reset(self):
        return self._control("POST", "/reset")

    def add_fault(self, kind, **fields):
        return self._control("POST", "/faults", dict(fields, kind=kind))

    def faults(self):
        return self._control("GET", "/faults")["faults"]

    def delete_fault(self, fault_id):
        return self._control("DELETE", "/faults/%s" % fault_id)

    def clear_faults(self):
        return self._control("DELETE", "/faults")

    def counters(self):
        return self._control("GET", "/counters")

    def reset_counters(self):
        return self._control("POST", "/counters/reset")

    def state(self):
        return self._control("GET", "/state")

    def config(self, **changes):
        if changes:
            return self._control("PATCH", "/config", changes)
        return self._control("GET", "/config")

    def history(self, server_id, after=0):
        """The (status, task_state, migration status) states a server went through, each once, oldest first."""
        entries = self._control("GET", "/history?server=%s&after=%d" % (server_id, after))["history"]
        return [(e["status"], e["task_state"], e["migration_status"]) for e in entries]

    def restart_host(self, host):
        return self._control("POST", "/hosts/%s/restart" % host)

    def reboot_host(self, host, down_seconds, servers=None, service_down_time=None):
        """Simulate a reboot of a compute host (its heartbeats stop for ``down_seconds``); returns the reboot."""
        body = {"down_seconds": down_seconds}
        if servers is not None:
            body["servers"] = servers
        if service_down_time is not None:
            body["service_down_time"] = service_down_time
        return self._control("POST", "/hosts/%s/reboot" % host, body, expect=(202,))

    def host_history(self, host, after=0):
        """The host's reboot transitions, oldest first: ``{"sequence", "event", "at", "servers", "host"}``."""
        return self._control("GET", "/history?host=%s&after=%d" % (host, after))["history"]

    # convenience -------------------------------------------------------------------
    def server_id(self, name):
        """Server uuid by name (from /mock/state)."""
        for server in self.state()["servers"]:
            if server["name"] == name:
                return server["uuid"]
        raise KeyError(name)


def _topology(topology, hosts, servers_per_host):
    if isinstance(topology, dict):
        return topologies.normalize(topology)
    if topology:
        return topologies.load_file(topology)
    if hosts:
        return topologies.generate(hosts, servers_per_host or 5)
    return topologies.load_demo()


@contextlib.contextmanager
def mock_cloud_in_process(topology=None, *, hosts=None, servers_per_host=None, extensions=(),
                          max_microversion=DEFAULT_MAX_MICROVERSION, migration_seconds=0.3,
                          resize_confirm_window=0.0, clouds_yaml=None):
    """uvicorn in a daemon thread on a free port; ``handle.cloud`` gives direct model access."""
    from mock_compute.api.app import create_app  # pylint: disable=import-outside-toplevel
    from mock_compute.models.cloud import Cloud  # pylint: disable=import-outside-toplevel
    from mock_compute.server import ServerThread  # pylint: disable=import-outside-toplevel

    topo = _topology(topology, hosts, servers_per_host)
    config = MockConfig(max_microversion=max_microversion, extensions=tuple(extensions),
                        migration_seconds=migration_seconds, resize_confirm_window=resize_confirm_window)
    cloud = Cloud(topo, config)
    with contextlib.ExitStack() as stack:
        if clouds_yaml is None:
            clouds_yaml = os.path.join(stack.enter_context(tempfile.TemporaryDirectory()), "clouds.yaml")
        server = stack.enter_context(ServerThread(create_app(cloud)))
        write_clouds_yaml(clouds_yaml, server.url, topo)
        yield MockCloudHandle(server.url, clouds_yaml, cloud=cloud)


def _read_first_line(stream, timeout):
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None


@contextlib.contextmanager
def mock_cloud_subprocess(topology=None, *, hosts=None, servers_per_host=None, extensions=(),
                          max_microversion=DEFAULT_MAX_MICROVERSION, migration_seconds=0.3,
                          resize_confirm_window=0.0, clouds_yaml=None, python=None, timeout=30.0):
    """``python -m mock_compute serve`` as a child process; the printed URL tells us it is ready."""
    with contextlib.ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory())
        clouds_yaml = clouds_yaml or os.path.join(workdir, "clouds.yaml")
        cmd = [python or sys.executable, "-m", "mock_compute", "serve", "--port", "0",
               "--write-clouds-yaml", clouds_yaml, "--max-microversion", max_microversion,
               "--migration-seconds", str(migration_seconds), "--resize-confirm-window", str(resize_confirm_window)]
        for name in extensions:
            cmd += ["--extension", name]
        if isinstance(topology, dict):
            path = os.path.join(workdir, "topology.yaml")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(topology, handle)   # JSON is valid YAML
            cmd += ["--topology", path]
        elif topology:
            cmd += ["--topology", topology]
        elif hosts:
            cmd += ["--hosts", str(hosts), "--servers-per-host", str(servers_per_host or 5)]
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)  # pylint: disable=consider-using-with
        try:
            line = _read_first_line(process.stdout, timeout)
            if not line or not line.startswith("http://"):
                raise RuntimeError("mock-compute did not announce its URL (got %r)" % line)
            yield MockCloudHandle(line.strip(), clouds_yaml, process=process)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            process.stdout.close()


__all__ = ["ControlError", "MockCloudHandle", "MockConfig", "mock_cloud_in_process", "mock_cloud_subprocess"]
