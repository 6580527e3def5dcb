"""Print the Python of a venv holding one Nova release (tests/nova_in_a_box/releases/releases.yaml), building it first
if needed. nova-in-a-box runs from the checkout (PYTHONPATH), so the venv holds only the pinned packages and can be
shared by every clone on the machine: it lives under ~/.cache/novaops-migration/nova-releases (NOVAOPS_CACHE_DIR),
named after a hash of what it is built from, and counts as built once its stamp file exists. The default release
is the checkout's .venv-nova (make nova-venv) when that is installed.

    .venv/bin/python .ci/nova_release_venv.py 2023.1   -> ~/.cache/novaops-migration/nova-releases/2023.1-<hash>/bin/python
    .venv/bin/python .ci/nova_release_venv.py --list   -> the series, one per line
    .venv/bin/python .ci/nova_release_venv.py --max-microversion 2023.1   -> 2.95, what its compute API must report

A failed install exits 1 with pip's own error (its noise about unreachable extra indexes left out), and leaves no
stamp, so the next run starts over; an install that takes longer than PIP_TIMEOUT seconds (default 1200) is stopped.
"""

import glob
import hashlib
import os
import shutil
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# NOVA_RELEASES_FILE: another releases.yaml (its constraints files beside it), for the builder's own tests.
RELEASES_FILE = os.environ.get("NOVA_RELEASES_FILE") or os.path.join(ROOT, "tests", "nova_in_a_box", "releases",
                                                                     "releases.yaml")
RELEASES_DIR = os.path.dirname(os.path.abspath(RELEASES_FILE))
TOP_LEVEL = ("oslotest", "wsgi-intercept", "PyYAML")
PIP_NOISE = ("is ignored: it is neither a file nor a directory", "DEPRECATION: ", "pip 23.1 will enforce",
             "[notice]")
NOVA_VENV = os.path.join(ROOT, ".venv-nova")
BUILDER_VERSION = "1"          # bump to rebuild every cached venv


def releases():
    with open(RELEASES_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def find_python(minor):
    """pyenv's real binaries first: its python3.X shims fail unless that version is selected."""
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    candidates = sorted(glob.glob(os.path.join(root, "versions", minor + ".*", "bin", "python" + minor)))
    candidates.append(shutil.which("python" + minor) or "")
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "-c", "import sys"], capture_output=True, check=False).returncode == 0:
            return candidate
    return None


def requirements(release):
    return ["nova==%s" % release["nova"], "openstack-placement==%s" % release["placement"], *TOP_LEVEL]


def venv_dir(release, python):
    with open(os.path.join(RELEASES_DIR, release["constraints"]), "rb") as handle:
        # the pins only: a reworded comment must not rebuild 400 MB
        constraints = b"\n".join(sorted(line.strip() for line in handle if line.strip() and not line.startswith(b"#")))
    version = subprocess.run([python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True,
                             check=True).stdout
    inputs = [constraints, version.encode(), " ".join(requirements(release)).encode(), BUILDER_VERSION.encode()]
    key = hashlib.sha256(b"\0".join(inputs)).hexdigest()[:12]
    cache = os.environ.get("NOVAOPS_CACHE_DIR") or os.path.expanduser("~/.cache/novaops-migration")
    return os.path.join(cache, "nova-releases", "%s-%s" % (release["series"], key))


def build(release, venv, python):
    shutil.rmtree(venv, ignore_errors=True)
    os.makedirs(os.path.dirname(venv), exist_ok=True)
    # Older releases' venvs are left from earlier constraints: one per series is enough.
    for old in glob.glob(os.path.join(os.path.dirname(venv), release["series"] + "-*")):
        shutil.rmtree(old, ignore_errors=True)
    subprocess.run([python, "-m", "venv", venv], check=True)
    command = [os.path.join(venv, "bin", "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "-c", os.path.join(RELEASES_DIR, release["constraints"]), *requirements(release)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False,
                                timeout=float(os.environ.get("PIP_TIMEOUT", "1200")))
    except subprocess.TimeoutExpired:
        return "pip install did not finish within %s s" % os.environ.get("PIP_TIMEOUT", "1200")
    if result.returncode != 0:
        lines = [line for line in (result.stdout + result.stderr).splitlines()
                 if line.strip() and not any(noise in line for noise in PIP_NOISE)]
        return "pip install failed (exit %d): %s\n%s" % (result.returncode, " ".join(command), "\n".join(lines[-40:]))
    return None


def find_release(series):
    """The release of releases.yaml named ``series``, or None (after saying which ones exist)."""
    for release in releases():
        if release["series"] == series:
            return release
    print("no Nova release %r in %s (known: %s)" % (series, RELEASES_DIR, ", ".join(r["series"] for r in releases())),
          file=sys.stderr)
    return None


def main(argv):
    if argv[1:] == ["--list"]:
        print("\n".join(r["series"] for r in releases()))
        return 0
    if len(argv) == 3 and argv[1] == "--max-microversion":
        release = find_release(argv[2])
        if release is None:
            return 2
        print(release["max_microversion"])
        return 0
    if len(argv) != 2:
        print("usage: %s SERIES | --list | --max-microversion SERIES" % argv[0], file=sys.stderr)
        return 2
    release = find_release(argv[1])
    if release is None:
        return 2
    # The default release is what make nova-venv installs (the nova lane's Nova): no second copy of it.
    if release.get("default") and os.path.exists(os.path.join(NOVA_VENV, ".installed")):
        print(os.path.join(NOVA_VENV, "bin", "python"))
        return 0
    python = find_python(release["python"])
    if python is None:
        print("Nova %s needs Python %s, which is not installed (pyenv install %s, or put python%s on PATH)"
              % (release["series"], release["python"], release["python"], release["python"]), file=sys.stderr)
        return 1
    venv = venv_dir(release, python)
    stamp = os.path.join(venv, ".installed")
    if not os.path.exists(stamp):
        print("building the venv of Nova %s (%s, Python %s) in %s"
              % (release["series"], release["nova"], release["python"], venv), file=sys.stderr)
        problem = build(release, venv, python)
        if problem:
            print("Nova %s: %s" % (release["series"], problem), file=sys.stderr)
            return 1
        with open(stamp, "w", encoding="utf-8") as handle:
            handle.write(" ".join(requirements(release)) + "\n")
    print(os.path.join(venv, "bin", "python"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
