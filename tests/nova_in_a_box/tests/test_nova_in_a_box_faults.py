"""Bad input and faults: clear messages, documented exit codes, nothing left running."""

import importlib.util
import os
import socket
import subprocess
import sys
import time

import pytest
from nova_in_a_box import launcher

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def run_cli(python, *args, timeout=60):
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([python, "-m", "nova_in_a_box", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def test_port_in_use_is_a_clear_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        # this interpreter has no Nova: the port check answers before anything imports it
        assert importlib.util.find_spec("nova") is None
        result = run_cli(sys.executable, "serve", "--port", str(port))
    assert result.returncode == 2, result.stderr
    assert "nova-in-a-box: error: cannot listen on 127.0.0.1:%d: port %d is in use" % (port, port) in result.stderr
    assert result.stdout == ""


def test_only_loopback_is_bound():
    result = run_cli(sys.executable, "serve", "--host", "0.0.0.0")
    assert result.returncode == 2
    assert "only listens on loopback addresses" in result.stderr


def test_bad_topology_is_a_clear_error(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text("hosts: [{name: compute-1}]\nservers: [{name: x, host: compute-9}]\n", encoding="utf-8")
    result = run_cli(sys.executable, "serve", "--topology", str(path))
    assert result.returncode == 2
    assert "nova-in-a-box: error: server x: unknown host 'compute-9'" in result.stderr
    result = run_cli(sys.executable, "topology", "--topology", str(tmp_path / "missing.yaml"))
    assert result.returncode == 2 and "cannot read topology" in result.stderr


def test_unsupported_topology_parts_are_named(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text("hosts: [{name: c1, host_ip: 10.0.0.1}]\n"
                    "servers: [{name: x, host: c1, status: ERROR, fault: boom}, {name: y, host: c1, status: SHELVED}]\n",
                    encoding="utf-8")
    result = run_cli(sys.executable, "topology", "--topology", str(path))
    assert result.returncode == 2
    assert "SHELVED" in result.stderr and "shelved_offload_time" in result.stderr


def test_server_groups_that_nova_would_refuse_are_named(tmp_path):
    path = tmp_path / "topology.yaml"
    hosts = "hosts: [{name: c1}, {name: c2}]\n"
    path.write_text(hosts + "server_groups: [{name: g, policy: anti-affinity, rules: {max_server_per_host: 2}}]\n"
                    "servers: [{name: x, host: c1, group: g}, {name: y, host: c1, group: g}]\n", encoding="utf-8")
    result = run_cli(sys.executable, "topology", "--topology", str(path))
    assert result.returncode == 0, result.stderr
    assert "max_server_per_host: 2" in result.stdout and "group: g" in result.stdout
    for groups, servers, message in [
        ("[{name: g, policy: affinity}]", "[{name: x, host: c1, group: g}, {name: y, host: c2, group: g}]",
         "server group g: affinity members on c1, c2 cannot be booted"),
        ("[{name: g, policy: anti-affinity}]", "[{name: x, host: c1, group: g}, {name: y, host: c1, group: g}]",
         "server group g: more than 1 anti-affinity member(s) on one host cannot be booted"),
        ("[{name: g, policy: affinity, rules: {max_server_per_host: 2}}]", "[]",
         "server group g: only the anti-affinity policy takes rules"),
        ("[{name: g, policy: best-effort}]", "[]", "server group g: policy must be one of"),
        ("[{name: g, policy: affinity}]", "[{name: x, host: c1, group: h}]", "server x: unknown server group 'h'"),
    ]:
        path.write_text(hosts + "server_groups: %s\nservers: %s\n" % (groups, servers), encoding="utf-8")
        result = run_cli(sys.executable, "topology", "--topology", str(path))
        assert result.returncode == 2 and message in result.stderr, result.stderr


def test_missing_nova_is_a_clear_error():
    """This interpreter (the collection's .venv) has no Nova."""
    result = run_cli(sys.executable, "serve", "--port", "0")
    assert result.returncode == 3, result.stderr
    assert "Nova is not installed" in result.stderr and "make nova-venv" in result.stderr
    assert result.stdout == ""


def test_a_control_plane_that_does_not_come_up_exits_4(nova_python, tmp_path):
    """A server that fits no host: Nova's scheduler says so, the harness stops with its message."""
    path = tmp_path / "topology.yaml"
    path.write_text("hosts: [{name: compute-1, vcpus: 1, cpu_allocation_ratio: 1.0}]\n"
                    "servers: [{name: too-big, host: compute-1, flavor: m1.xlarge}]\n", encoding="utf-8")
    with pytest.raises(launcher.HarnessError) as caught:
        launcher.start(nova_python, ["--topology", str(path)], timeout=90)
    message = str(caught.value)
    assert "exited with code 4" in message, message
    assert "No valid host was found" in message, message


def test_broken_nova_is_a_clear_error(tmp_path):
    """A Nova whose import fails (here: a stand-in package that raises) ends with exit 3 and the reason."""
    (tmp_path / "nova").mkdir()
    (tmp_path / "nova" / "__init__.py").write_text("raise RuntimeError('half-installed')\n", encoding="utf-8")
    dist = tmp_path / "nova-34.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: nova\nVersion: 34.0.0\n", encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([SRC, str(tmp_path)])
    result = subprocess.run([sys.executable, "-m", "nova_in_a_box", "serve", "--port", "0"], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 3, result.stderr
    assert "importing Nova 34.0.0 failed: RuntimeError: half-installed" in result.stderr


def test_harness_stops_when_its_parent_dies(nova_python, tmp_path):
    """--exit-with-parent: a harness whose parent died (even mid start-up) stops by itself, nothing is left."""
    log = tmp_path / "harness.log"
    parent = ("import subprocess, sys, time\n"
              "p = subprocess.Popen([sys.argv[1], '-m', 'nova_in_a_box', 'serve', '--exit-with-parent'],\n"
              "                     stdout=subprocess.DEVNULL, stderr=open(sys.argv[2], 'wb'))\n"
              "print(p.pid, flush=True)\n"
              "time.sleep(1.5)\n")
    result = subprocess.run([sys.executable, "-c", parent, nova_python, str(log)], capture_output=True, text=True,
                            timeout=60, check=True)
    pid = int(result.stdout.strip())
    deadline = time.monotonic() + 30
    while os.path.exists("/proc/%d" % pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    text = log.read_text(encoding="utf-8")
    assert not os.path.exists("/proc/%d" % pid), text
    assert "parent process" in text and "exited, stopping" in text, text
