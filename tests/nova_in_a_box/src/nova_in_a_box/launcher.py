"""Start nova-in-a-box as a subprocess from another interpreter (the collection's .venv): standard library only.

    from nova_in_a_box.launcher import find_python, start

    with start(find_python(repo_root), ["--migration-seconds", "0.5"]) as box:
        box.url, box.clouds_yaml, box.env("mock-admin")          # for openstacksdk / the openstack CLI
        box.control("POST", "/control/service-down", {"host": "compute-2"})

The harness runs with ``--exit-with-parent``, so it also goes away if this process dies without stopping it.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request

STOP_TIMEOUT = 15.0


class HarnessError(RuntimeError):
    """The harness did not start; the message carries its exit code and stderr tail, ``log`` all of stderr."""

    def __init__(self, message, log=""):
        super().__init__(message)
        self.log = log


SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON_ENV = "NOVA_IN_A_BOX_PYTHON"     # the Python of another Nova release's venv (.ci/nova_release_venv.py)


def find_python(repo_root):
    """``$NOVA_IN_A_BOX_PYTHON`` when set (another release), else ``<repo>/.venv-nova/bin/python`` if
    ``make nova-venv`` made it, else None."""
    path = os.environ.get(PYTHON_ENV) or os.path.join(repo_root, ".venv-nova", "bin", "python")
    return path if os.access(path, os.X_OK) else None


class NovaInABox:
    def __init__(self, process, url, workdir, clouds_yaml, stderr_path):
        self.process = process
        self.url = url
        self.workdir = workdir
        self.clouds_yaml = clouds_yaml
        self.stderr_path = stderr_path
        self.returncode = None

    def env(self, cloud="mock-admin"):
        env = dict(os.environ)
        env.update({"OS_CLIENT_CONFIG_FILE": self.clouds_yaml, "OS_CLOUD": cloud})
        return env

    def stderr(self):
        return _read(self.stderr_path)

    def connect(self, cloud="mock-admin"):
        """An openstacksdk connection to this Nova as ``cloud`` of its clouds.yaml (only its own file is read)."""
        # Imported here: the Nova venv that runs this package's server has no openstacksdk.
        import openstack  # pylint: disable=import-outside-toplevel
        from openstack import config as occ  # pylint: disable=import-outside-toplevel

        region = occ.OpenStackConfig(config_files=[self.clouds_yaml], vendor_files=[]).get_one(cloud=cloud)
        return openstack.connection.Connection(config=region)

    def control(self, method, path, body=None):
        """A control API call: ``(status, json or None)``, never raising for HTTP errors."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw, status = response.read(), response.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
        return status, (json.loads(raw) if raw else None)

    def service_down(self, host):
        return self.control("POST", "/control/service-down", {"host": host})

    def service_up(self, host, restart=True):
        return self.control("POST", "/control/service-up", {"host": host, "restart": restart})

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, wait, SIGKILL as a last resort; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.returncode = self.process.returncode
        if self.process.stdout is not None:
            self.process.stdout.close()
        shutil.rmtree(self.workdir, ignore_errors=True)
        return self.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def start(python, args=(), timeout=300.0, workdir=None):
    """Start ``python -m nova_in_a_box serve``; return once it printed its URL, or raise HarnessError.

    It is ready in 3-8 s on a quiet machine; the default ``timeout`` leaves room for a CI machine running several
    of them beside other suites (about 50 s each was measured at a load average of 20)."""
    if not python:
        raise HarnessError("no Python with Nova: run `make nova-venv` (it creates .venv-nova)")
    workdir = workdir or tempfile.mkdtemp(prefix="niab-launch-")
    clouds_yaml = os.path.join(workdir, "clouds.yaml")
    stderr_path = os.path.join(workdir, "nova-in-a-box.log")
    command = [python, "-m", "nova_in_a_box", "serve", "--port", "0", "--write-clouds-yaml", clouds_yaml,
               "--exit-with-parent", *args]
    # A release venv holds Nova only: the harness runs from this checkout.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")])))
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
                                   text=True, env=env)
    lines = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    url = lines[0].strip() if lines else ""
    if not url.startswith("http://"):
        if reader.is_alive():          # no line and no end of file: still starting
            process.kill()
            process.wait()
            reason = "did not print its URL within %.0f s (killed)" % timeout
        else:                          # stdout closed: it is exiting
            try:
                process.wait(STOP_TIMEOUT)
                reason = "exited with code %d before it was ready" % process.returncode
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                reason = "closed its stdout without printing its URL and did not exit (killed)"
        process.stdout.close()
        log = _read(stderr_path)
        shutil.rmtree(workdir, ignore_errors=True)
        raise HarnessError("nova-in-a-box %s:\n%s" % (reason, "".join(log.splitlines(True)[-40:])), log)
    return NovaInABox(process, url, workdir, clouds_yaml, stderr_path)
