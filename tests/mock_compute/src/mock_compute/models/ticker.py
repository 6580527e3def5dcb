"""Background thread that keeps workflows moving while no request arrives."""

import logging
import threading

LOG = logging.getLogger(__name__)


class Ticker:
    def __init__(self, cloud, interval=0.02):
        self._cloud = cloud
        self._interval = interval
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="mock-compute-ticker", daemon=True)
            self._thread.start()

    def _run(self):
        while not self._stop.wait(self._interval):
            try:
                self._cloud.tick()
            except Exception:  # keep ticking; a failing step is logged by the engine already
                LOG.exception("tick failed")

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
