"""Per-route request counters for ``GET /mock/counters``."""

import threading


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
