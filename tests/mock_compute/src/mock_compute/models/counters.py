"""Per-route request counters for ``GET /mock/counters``.

Keys are "METHOD /route/template".  Paths that match no route and methods
outside HTTP's usual set are pooled, so that a client probing random paths or
inventing methods cannot grow the counters without bound.
"""

import threading

UNMATCHED = "(unmatched)"
OTHER_METHOD = "OTHER"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_key(method, route):
    """The counter key for a request; ``route`` is the matched template or None."""
    return "%s %s" % (method if method in _METHODS else OTHER_METHOD, route or UNMATCHED)


class RequestCounters:
    def __init__(self):
        self._lock = threading.Lock()
        self._total = 0
        self._by_route = {}

    def count(self, key):
        with self._lock:
            self._total += 1
            self._by_route[key] = self._by_route.get(key, 0) + 1

    def reset(self):
        with self._lock:
            self._total = 0
            self._by_route = {}

    def snapshot(self):
        with self._lock:
            return {"total": self._total, "by_route": dict(sorted(self._by_route.items()))}
