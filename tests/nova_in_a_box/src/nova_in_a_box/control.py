"""The harness's control API (JSON, no auth: loopback only), under ``/control`` and a ``/mock`` subset.

/control                      GET   config, hosts (service state, heartbeat), servers and server groups (name -> id)
/control/service-down         POST  {"host": H}: H's nova-compute heartbeat stops and Nova sees it down
/control/service-up           POST  {"host": H, "restart": true}: heartbeat back; restart re-runs init_host
/control/config               GET, PATCH {"migration_seconds": S, "resize_confirm_window": S}
/control/periodics            POST  runs update_available_resource (and the auto-confirm poll) on the up hosts

/mock/faults                  the mock's fault API for kind ``service_down`` only (POST, GET, DELETE [/{id}]);
                              deleting the fault restarts that nova-compute, like the mock's restart.
"""

import itertools
import json
import sys
import threading
import traceback


class _Error(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


_REASONS = {200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 404: "Not Found",
            405: "Method Not Allowed", 409: "Conflict", 500: "Internal Server Error"}


class ControlApp:
    def __init__(self, plane):
        self.plane = plane
        self._faults = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "").rstrip("/")
        try:
            body = self._body(environ)
            status, result = self._route(method, path, body)
        except _Error as exc:
            status, result = exc.status, {"error": exc.message}
        except KeyError as exc:
            status, result = 404, {"error": "unknown host %s" % exc.args[0]}
        except Exception as exc:   # a knob that broke: say why here and in the harness's log, not a bare 500
            traceback.print_exc(file=sys.__stderr__)
            status, result = 500, {"error": "%s: %s" % (type(exc).__name__, exc)}
        data = b"" if result is None else json.dumps(result, sort_keys=True).encode("utf-8")
        headers = [("Content-Length", str(len(data)))]
        if data:
            headers.append(("Content-Type", "application/json"))
        start_response("%d %s" % (status, _REASONS.get(status, "Error")), headers)
        return [data]

    @staticmethod
    def _body(environ):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if not length:
            return {}
        try:
            body = json.loads(environ["wsgi.input"].read(length))
        except ValueError as exc:
            raise _Error(400, "the body is not valid JSON") from exc
        if not isinstance(body, dict):
            raise _Error(400, "the body must be a JSON object")
        return body

    def _host(self, body):
        host = body.get("host")
        if not isinstance(host, str) or not host:
            raise _Error(400, "'host' (a compute host name) is required")
        if host not in self.plane.host_names():
            raise _Error(404, "unknown host %s" % host)
        return host

    def _route(self, method, path, body):
        plane = self.plane
        routes = {
            ("GET", "/control"): lambda: (200, self._state()),
            ("GET", "/control/state"): lambda: (200, self._state()),
            ("POST", "/control/service-down"): lambda: (200, plane.service_down(self._host(body))),
            ("POST", "/control/service-up"): lambda: (200, plane.service_up(self._host(body),
                                                                            restart=bool(body.get("restart", True)))),
            ("GET", "/control/config"): lambda: (200, plane.config()),
            ("PATCH", "/control/config"): lambda: (200, self._configure(body)),
            ("POST", "/control/periodics"): lambda: (200, self._periodics()),
            ("GET", "/mock/faults"): lambda: (200, {"faults": self._fault_list()}),
            ("POST", "/mock/faults"): lambda: (201, self._add_fault(body)),
            ("DELETE", "/mock/faults"): lambda: (204, self._clear_faults()),
        }
        handler = routes.get((method, path))
        if handler is not None:
            return handler()
        if path.startswith("/mock/faults/") and method == "DELETE":
            return 204, self._delete_fault(path.rsplit("/", 1)[1])
        if any(route[1] == path for route in routes):
            raise _Error(405, "%s is not allowed on %s" % (method, path))
        raise _Error(404, "%s is not part of nova-in-a-box's control API (see its README)" % path)

    def _state(self):
        plane = self.plane
        return {"url": plane.url, "config": plane.config(), "hosts": [plane.host_state(h) for h in plane.host_names()],
                "servers": dict(plane.servers),
                "server_groups": dict(plane.server_groups), "down": sorted(plane.down)}

    def _configure(self, body):
        unknown = sorted(set(body) - {"migration_seconds", "resize_confirm_window"})
        if unknown:
            raise _Error(400, "unknown or read-only setting(s): %s" % ", ".join(unknown))
        for key, setter in (("migration_seconds", self.plane.set_migration_seconds),
                            ("resize_confirm_window", self.plane.set_resize_confirm_window)):
            if key in body:
                value = body[key]
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise _Error(400, "%s must be a number >= 0" % key)
                setter(value)
        return self.plane.config()

    def _periodics(self):
        self.plane.run_periodics()
        return {"ran": ["update_available_resource", "_poll_unconfirmed_resizes"]}

    # the mock's fault API, kind service_down only --------------------------------------------------------------------
    def _fault_list(self):
        with self._lock:
            return [dict(f) for f in self._faults.values()]

    def _add_fault(self, body):
        kind = body.get("kind")
        if kind != "service_down":
            raise _Error(400, "fault kind %r is not supported by nova-in-a-box (only service_down)" % kind)
        unknown = sorted(set(body) - {"kind", "host"})
        if unknown:
            raise _Error(400, "unknown field(s) for service_down: %s" % ", ".join(unknown))
        host = self._host(body)
        self.plane.service_down(host)
        with self._lock:
            fault = {"id": str(next(self._ids)), "kind": kind, "host": host}
            self._faults[fault["id"]] = fault
        return dict(fault)

    def _delete_fault(self, fault_id):
        with self._lock:
            fault = self._faults.pop(fault_id, None)
            still_down = fault is not None and any(f["host"] == fault["host"] for f in self._faults.values())
        if fault is None:
            raise _Error(404, "no fault %s" % fault_id)
        if not still_down:
            self.plane.service_up(fault["host"], restart=True)

    def _clear_faults(self):
        with self._lock:
            hosts = sorted({f["host"] for f in self._faults.values()})
            self._faults.clear()
        for host in hosts:
            self.plane.service_up(host, restart=True)
