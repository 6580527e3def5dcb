"""Probes: the same request (or scenario) on both backends, normalized, compared, judged against the allowlist."""

import dataclasses
import os

import yaml

from conformance.harness import both
from conformance.normalize import diff, matches
from conformance.scenarios import compare_runs

ALLOWLIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "allowlist.yaml")


@dataclasses.dataclass
class Entry:
    index: int
    probes: list
    paths: list
    reason: str
    used_by: set = dataclasses.field(default_factory=set)

    def covers(self, probe, path):
        return matches(self.probes, probe) and matches(self.paths, path)

    def describe(self):
        return "%s @ %s (%s)" % (",".join(self.probes), ",".join(self.paths), self.reason)


def load_allowlist(path=ALLOWLIST, release=None):
    """The entries that apply: those without ``releases``, and those whose ``releases`` (Nova series) name the
    release under test (``release``, default NOVA_RELEASE; unset means the newest, in .venv-nova)."""
    release = release if release is not None else os.environ.get("NOVA_RELEASE")
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or []
    entries = []
    for index, item in enumerate(raw):
        if not {"probes", "paths", "reason"} <= set(item) <= {"probes", "paths", "reason", "releases"} \
                or not str(item["reason"]).strip():
            raise ValueError("allowlist entry %d needs exactly probes, paths and a reason (and may name releases): %r"
                             % (index, item))
        if "releases" in item and release not in [str(r) for r in item["releases"]]:
            continue
        entries.append(Entry(index, list(item["probes"]), list(item["paths"]), str(item["reason"])))
    return entries


@dataclasses.dataclass
class Result:
    name: str
    test: str
    mock: object
    nova: object
    allowlisted: list      # (path, mock, nova, entry index)
    unexplained: list      # (path, mock, nova)
    notes: dict = dataclasses.field(default_factory=dict)

    @property
    def verdict(self):
        if self.unexplained:
            return "disagree"
        return "allowlisted" if self.allowlisted else "agree"


class Conformance:
    """The session's ledger of probes; tests call ``request`` and ``compare``."""

    def __init__(self, mock, nova, allowlist):
        self.mock, self.nova = mock, nova
        self.backends = (mock, nova)
        self.allowlist = allowlist
        self.results = {}
        self.current_test = None

    # probes ---------------------------------------------------------------------------------------------------
    def compare(self, name, observe, *args, **kwargs):
        """``observe(backend, ...)`` on both backends at once; returns ``(mock observation, nova observation)``."""
        if name in self.results:
            raise ValueError("probe name %s is used twice" % name)
        mock_obs, nova_obs = both(observe, self.backends, *args, **kwargs)
        self.judge(name, mock_obs, nova_obs)
        return mock_obs, nova_obs

    def sequence(self, name, run, *args, **kwargs):
        """``run(backend, ...)`` returns a ``scenarios.watch`` result; the states seen are compared."""
        if name in self.results:
            raise ValueError("probe name %s is used twice" % name)
        mock_run, nova_run = both(run, self.backends, *args, **kwargs)
        mock_view, nova_view, mock_only = compare_runs(mock_run["seen"], nova_run["seen"])
        result = self.judge(name, mock_view, nova_view)
        result.notes = {"mock_seen": mock_run["seen"], "nova_seen": nova_run["seen"], "mock_only": mock_only}
        return mock_run, nova_run

    def judge(self, name, mock_obs, nova_obs):
        allowlisted, unexplained = [], []
        for path, mock_value, nova_value in diff(mock_obs, nova_obs):
            entry = next((e for e in self.allowlist if e.covers(name, path)), None)
            if entry is None:
                unexplained.append((path, mock_value, nova_value))
            else:
                entry.used_by.add(name)
                allowlisted.append((path, mock_value, nova_value, entry.index))
        self.results[name] = Result(name, self.current_test, mock_obs, nova_obs, allowlisted, unexplained)
        return self.results[name]

    def request(self, name, method, path, body=None, *, view=None, **kwargs):
        """One API call compared as ``{"status", "body"}`` (``view`` picks what of the body counts)."""
        def observe(backend):
            reply = backend.call(method, path, body, **kwargs)
            return {"status": reply.status, "body": backend.names.normalize(view(reply.body) if view else reply.body)}
        return self.compare(name, observe)

    def learn_migrations(self):
        """Name the migrations created since the last call (both backends)."""
        both(lambda backend: backend.learn_migrations(), self.backends)

    def set_migration_seconds(self, mock_seconds, nova_seconds):
        self.mock.set_migration_seconds(mock_seconds)
        self.nova.set_migration_seconds(nova_seconds)

    # verdicts ---------------------------------------------------------------------------------------------------
    def unexplained_in(self, test):
        return [r for r in self.results.values() if r.test == test and r.unexplained]

    def stale_entries(self):
        """Entries whose probes ran but none of them disagreed where the entry says."""
        ran = list(self.results)
        return [e for e in self.allowlist if not e.used_by and any(matches(e.probes, name) for name in ran)]

    def figure(self):
        verdicts = [r.verdict for r in self.results.values()]
        return {"probes": len(verdicts), "agree": verdicts.count("agree"),
                "allowlisted": verdicts.count("allowlisted"), "disagree": verdicts.count("disagree")}

    def summary(self):
        data = dict(self.figure())
        data["stale_allowlist"] = [e.describe() for e in self.stale_entries()]
        data["allowlist_entries"] = len(self.allowlist)
        data["results"] = {
            r.name: {"verdict": r.verdict,
                     "allowlisted": [{"path": p, "mock": m, "nova": n, "entry": i} for p, m, n, i in r.allowlisted],
                     "disagreements": [{"path": p, "mock": m, "nova": n} for p, m, n in r.unexplained],
                     **r.notes}
            for r in sorted(self.results.values(), key=lambda r: r.name)}
        return data


def describe(results):
    lines = []
    for result in results:
        lines.append("probe %s disagrees:" % result.name)
        for path, mock_value, nova_value in result.unexplained:
            lines.append("  %s: mock=%s nova=%s" % (path or "(whole)", _short(mock_value), _short(nova_value)))
    return "\n".join(lines)


def _short(value, limit=300):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
