"""A campaign on a real Nova release (run on the oldest and the newest release): compute-2 and compute-3 in one step
with a hook that takes nova-compute down and back, the health gate, and an anti-affinity pair across the two hosts
that Nova's own scheduler filters check. (That the pair is never in flight at once is checked on the mock, which
records every state a migration goes through.)

Runs after test_release.py (the module contract left batch-1 on compute-2 and api-1 on compute-3).
"""

import json
import sys
from pathlib import Path

from playbook_runner import run_collection_playbook

from nova_releases.conftest import HERE


def test_campaign_with_a_reboot_hook(nova_box, observed, tmp_path):
    """maintain_computes over compute-2 and compute-3 side by side, with a reboot hook and the health gate; the
    anti-affinity pair ends on two hosts; the rerun changes nothing."""
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("[computes]\ncompute-2\ncompute-3\n\n[computes:vars]\nansible_connection=local\n"
                         "ansible_python_interpreter=%s\n" % sys.executable)
    args = ["-i", str(inventory), "-e", "cloud=mock-admin", "-e", "campaign=release", "-e", "computes=compute-2,compute-3",
            "-e", "parallel_hosts=2", "-e", "hook_tasks=%s" % Path(HERE, "reboot_hook.yml"), "-e", "gate_timeout=180",
            "-e", "nova_url=%s" % nova_box.url]
    run = run_collection_playbook(tmp_path, "maintain_computes", args, clouds_yaml=nova_box.clouds_yaml, timeout=900)
    assert run.returncode == 0, run.output[-4000:]
    report = json.loads((tmp_path / "novaops-campaign-release.json").read_text())
    observed["summary"] = report["summary"]
    assert report["verdict"] == "COMPLETE", report["summary"]
    assert [row["phase"] for row in report["hosts"]] == ["done", "done"]
    conn = nova_box.connect()
    hosts = dict((s.name, s.compute_host) for s in conn.compute.servers(all_projects=True))
    assert not [name for name, host in hosts.items() if host in ("compute-2", "compute-3")], hosts
    assert hosts["spread-a"] != hosts["spread-b"], hosts
    services = dict((s.host, s.status) for s in conn.compute.services(binary="nova-compute"))
    assert services["compute-2"] == services["compute-3"] == "enabled", services
    again = run_collection_playbook(tmp_path, "maintain_computes", args, clouds_yaml=nova_box.clouds_yaml, timeout=600)
    assert again.returncode == 0, again.output[-4000:]
    assert "Already done by an earlier run: compute-2, compute-3." in again.output
