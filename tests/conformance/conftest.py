"""One mock and one nova-in-a-box per session; a test fails on any disagreement the allowlist does not explain.

Modules run in name order (reads first, then the state-changing probes, then what depends on their history).
"""

import datetime
import json
import os
import time

import pytest

from conformance import engine, harness

SUMMARY = os.environ.get("CONFORMANCE_SUMMARY") or os.path.join(harness.REPO_ROOT, ".cache", "conformance", "summary.json")
_STATE = {}


def pytest_configure(config):
    # openstacksdk's notices about its own future (raw proxy requests, influxdb): noise in every probe
    config.addinivalue_line("filterwarnings", "ignore::PendingDeprecationWarning")


@pytest.fixture(scope="session")
def conformance():
    started = time.monotonic()
    with harness.start_both() as (mock, nova):
        ledger = engine.Conformance(mock, nova, engine.load_allowlist())
        ledger.started = started
        # both run on this machine's clock: what happened from here on is the suite's doing
        ledger.started_at = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        _STATE["ledger"] = ledger
        yield ledger


@pytest.fixture(scope="session")
def mock(conformance):
    return conformance.mock


@pytest.fixture(scope="session")
def nova(conformance):
    return conformance.nova


@pytest.fixture
def only_enabled(conformance):
    """``only_enabled(keep, disable)``: disable ``disable`` for this test so the scheduler can only pick ``keep``.

    Nova's scheduler weighs CPU, disk and I/O besides free RAM and the mock's only RAM, so which of two enabled
    hosts wins is not part of the comparison; a single candidate is.
    """
    disabled = []

    def update(host, body):
        for backend in conformance.backends:
            path = backend.path("/os-services/{service:%s/nova-compute}" % host)
            reply = backend.call("PUT", path, body, mv="2.53")
            assert reply.status == 200, (backend.name, reply.status, reply.body)

    def apply(keep, disable):
        assert keep != disable
        update(disable, {"status": "disabled", "disabled_reason": "conformance: one candidate"})
        disabled.append(disable)
    yield apply
    for host in disabled:
        update(host, {"status": "enabled"})


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    ledger = _STATE.get("ledger")
    if ledger is not None:
        ledger.current_test = pyfuncitem.nodeid
    result = yield
    ledger = _STATE.get("ledger")
    if ledger is not None:
        failing = ledger.unexplained_in(pyfuncitem.nodeid)
        if failing:
            raise AssertionError(engine.describe(failing))
    return result


def pytest_sessionfinish(session, exitstatus):
    # a stale entry hides nothing today but would hide a future regression: it fails a full run (a run
    # narrowed with -k or a node id leaves entries unused by design, so only the whole suite judges them)
    ledger = _STATE.get("ledger")
    here = os.path.dirname(os.path.abspath(__file__))
    asked = {os.path.normpath(os.path.join(session.config.invocation_params.dir, arg)) for arg in session.config.args}
    narrowed = session.config.option.keyword or session.config.option.markexpr or asked != {here}
    if ledger is not None and ledger.stale_entries() and not narrowed and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    ledger = _STATE.get("ledger")
    if ledger is None:
        return
    summary = ledger.summary()
    summary["seconds"] = round(time.monotonic() - ledger.started, 1)
    summary["nova_start_seconds"] = getattr(ledger.nova, "start_seconds", None)
    os.makedirs(os.path.dirname(SUMMARY), exist_ok=True)
    with open(SUMMARY, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=1, sort_keys=True, default=str)
    terminalreporter.write_sep("=", "conformance with real Nova")
    terminalreporter.write_line("%(probes)d probes, %(agree)d agree, %(allowlisted)d allowlisted, %(disagree)d disagree"
                                % summary)
    for entry in summary["stale_allowlist"]:
        terminalreporter.write_line("stale allowlist entry (remove it from allowlist.yaml): %s" % entry, red=True)
    terminalreporter.write_line("written to %s" % os.path.relpath(SUMMARY, harness.REPO_ROOT))
