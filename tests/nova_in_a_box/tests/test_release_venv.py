""".ci/nova_release_venv.py fails a release it cannot build with the reason, never with a half-built venv that counts
as built: a Python the release needs that is missing, and pip's own error for a package set that does not resolve."""

import os
import subprocess
import sys

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BUILDER = os.path.join(REPO_ROOT, ".ci", "nova_release_venv.py")


def build(tmp_path, release):
    (tmp_path / "releases.yaml").write_text(
        "- {series: '%(series)s', nova: '%(nova)s', placement: 9.0.0, python: '%(python)s', constraints: c.txt,\n"
        "   max_microversion: '2.95'}\n" % release)
    (tmp_path / "c.txt").write_text("PyYAML==6.0.1\n")
    env = dict(os.environ, NOVA_RELEASES_FILE=str(tmp_path / "releases.yaml"), NOVAOPS_CACHE_DIR=str(tmp_path / "cache"),
               PIP_TIMEOUT="300")
    return subprocess.run([sys.executable, BUILDER, release["series"]], capture_output=True, text=True, env=env,
                          timeout=400, check=False)


def test_a_package_set_that_does_not_resolve_fails_with_pips_error(tmp_path):
    result = build(tmp_path, {"series": "1999.1", "nova": "0.0.1", "python": "%d.%d" % sys.version_info[:2]})
    assert result.returncode == 1, result.stderr
    assert "Nova 1999.1: pip install failed" in result.stderr
    assert "nova==0.0.1" in result.stderr            # pip's own words name the requirement it could not find
    assert "is ignored: it is neither a file nor a directory" not in result.stderr
    assert result.stdout == ""
    built = list((tmp_path / "cache" / "nova-releases").glob("1999.1-*"))
    assert built and not (built[0] / ".installed").exists()


def test_a_missing_python_is_named(tmp_path):
    result = build(tmp_path, {"series": "1999.2", "nova": "0.0.1", "python": "3.99"})
    assert result.returncode == 1
    assert "Nova 1999.2 needs Python 3.99, which is not installed" in result.stderr
