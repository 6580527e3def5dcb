"""server_migrate on a cloud that confirms resizes itself (Nova's resize_confirm_window), as the mock does.

With a window of a hundredth of a second the cloud starts its own confirm right after the migration finished, and
a ``migration_stuck`` fault holds that confirm in ``confirming`` (the server still shows VERIFY_RESIZE).  The module
sees VERIFY_RESIZE and sends its own confirmResize, which Nova refuses (HTTP 400 "Instance has not been resized.").
Once that refusal has arrived the test releases the cloud's confirm: the task must wait for it and succeed, since
the migration ended confirmed and verified.  A second server migrates without the fault, where the cloud's confirm
is usually over before the module looks.
"""

import textwrap
import threading
import time

import pytest
from mock_compute.testing import mock_cloud_in_process

PLAYBOOK = textwrap.dedent("""\
    - name: Cold migrations on a cloud with a tiny resize_confirm_window
      hosts: localhost
      connection: local
      gather_facts: false
      tasks:
        - name: The cloud's confirm is in progress when the module confirms
          novaops.migration.server_migrate:
            cloud: mock-admin
            server: web-1
            host: compute-2
            timeout: 60
          register: held
          ignore_errors: true

        - name: The cloud confirms on its own
          novaops.migration.server_migrate:
            cloud: mock-admin
            server: batch-1
            host: compute-4
            timeout: 60
          register: free
          ignore_errors: true

        - name: Hand the results to pytest
          ansible.builtin.copy:
            dest: "{{ results_path }}"
            mode: "0600"
            content: "{{ {'held': held, 'free': free} | to_json }}"
    """)

ACTION_ROUTE = "POST /v2.1/servers/{server_id}/action"


def server_actions(mock):
    return mock.counters()["by_route"].get(ACTION_ROUTE, 0)


@pytest.fixture(scope="module")
def confirm_window_run(tmp_path_factory, ansible_run):
    with mock_cloud_in_process(migration_seconds=0.3, resize_confirm_window=0.01) as mock:
        fault = mock.add_fault("migration_stuck", server="web-1", phase="confirming")
        mock.reset_counters()
        outcome = {}
        worker = threading.Thread(target=lambda: outcome.update(
            run=ansible_run(tmp_path_factory.mktemp("confirm-window"), PLAYBOOK, clouds_yaml=mock.clouds_yaml)))
        worker.start()
        # The migrate request, then the module's own confirm: release the cloud's confirm after the second.
        deadline = time.monotonic() + 60
        while server_actions(mock) < 2 and worker.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        refused_confirm_seen = server_actions(mock) >= 2
        state = mock.state()
        held_record = [m for m in state["migrations"] if m["instance_uuid"] == mock.server_id("web-1")]
        mock.delete_fault(fault["id"])
        worker.join(timeout=120)
        assert not worker.is_alive(), "ansible-playbook did not finish"
        yield outcome["run"], refused_confirm_seen, held_record


def test_the_modules_confirm_arrived_while_the_clouds_confirm_was_running(confirm_window_run):
    _run, refused_confirm_seen, held_record = confirm_window_run
    assert refused_confirm_seen
    assert [m["status"] for m in held_record] == ["confirming"]


def test_a_resize_confirmed_by_the_cloud_first_is_a_success(confirm_window_run):
    run, _seen, _record = confirm_window_run
    assert run.returncode == 0, run.output
    held = run.results["held"]
    assert not held.get("failed"), held.get("msg")
    assert held["changed"] is True and held["action"] == "migrate"
    assert "confirmed by the cloud or someone else" in held["msg"]
    assert held["migration"]["status"] == "confirmed"
    assert held["server"]["host"] == "compute-2" and held["server"]["status"] == "ACTIVE"


def test_a_cloud_that_confirms_on_its_own_needs_no_confirm(confirm_window_run):
    run, _seen, _record = confirm_window_run
    free = run.results["free"]
    assert not free.get("failed"), free.get("msg")
    assert free["migration"]["status"] == "confirmed"
    assert free["server"]["host"] == "compute-4" and free["server"]["status"] == "SHUTOFF"
