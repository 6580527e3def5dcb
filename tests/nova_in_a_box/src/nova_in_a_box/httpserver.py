"""One threaded WSGI server on a loopback port, dispatching by path prefix.

``/v3`` Keystone stand-in, ``/placement`` Placement, ``/control`` and ``/mock`` the harness's control API,
everything else Nova's osapi_compute (``/``, ``/v2``, ``/v2.1``). Standard library only (wsgiref), one thread per
connection, HTTP/1.0 (each response closes its connection). A Nova that runs on eventlet (before Nova 34) is served
by ``eventlet.wsgi`` from a greenthread instead, on the same bound socket: a wsgiref loop would block eventlet's hub.
"""

import ipaddress
import json
import socket
import socketserver
import sys
import threading
import traceback
from wsgiref import simple_server


def check_loopback(host):
    """The control API has no auth: only loopback addresses are ever bound."""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError("refusing to bind %r: nova-in-a-box only listens on loopback addresses (127.0.0.1)" % host)


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, format, *args):   # the base class's signature
        pass

    def address_string(self):
        return self.client_address[0]


class _Server(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = False      # a port in use must fail, not be shared
    request_queue_size = 128

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().server_bind()

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (BrokenPipeError, ConnectionResetError, TimeoutError)):
            return                    # a client that hangs up mid-response is not the harness's problem
        print("nova-in-a-box: error while serving %s:" % (client_address,), file=sys.__stderr__)
        traceback.print_exc(file=sys.__stderr__)


class _Discard:
    """eventlet.wsgi's access log: nothing is kept (as with the wsgiref handler)."""

    def write(self, data):
        pass

    def info(self, *args, **kwargs):
        pass

    debug = error = warning = info


class Dispatcher:
    """Routes by path prefix; answers 503 for an area that is not mounted yet (during start-up)."""

    def __init__(self):
        self._routes = {}             # prefix -> (app, strip_prefix)
        self.default = None

    def mount(self, prefix, app, strip=False):
        self._routes[prefix] = (app, strip)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        for prefix, (app, strip) in self._routes.items():
            if path == prefix or path.startswith(prefix + "/"):
                if strip:
                    environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                    environ["PATH_INFO"] = path[len(prefix):]
                return app(environ, start_response)
        if self.default is None:
            data = json.dumps({"error": "nova-in-a-box is starting"}).encode()
            start_response("503 Service Unavailable", [("Content-Type", "application/json"),
                                                       ("Content-Length", str(len(data))), ("Retry-After", "1")])
            return [data]
        return self.default(environ, start_response)


class HTTPServer:
    """Binds at construction (so a port in use fails before the slow start-up); serves from a thread."""

    def __init__(self, host="127.0.0.1", port=0):
        check_loopback(host)
        self.dispatcher = Dispatcher()
        self._server = _Server((host, port), _QuietHandler)
        self._server.set_app(self.dispatcher)
        self._thread = None
        self._green = None
        bound_host, bound_port = self._server.server_address[:2]
        self.url = "http://%s:%d" % (bound_host, bound_port)

    def start(self, green=False):
        if green:
            self._start_green()
            return
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="niab-http", daemon=True)
        self._thread.start()

    def _start_green(self):
        import eventlet
        import eventlet.wsgi

        listener = eventlet.greenio.GreenSocket(self._server.socket)
        self._green = eventlet.spawn(eventlet.wsgi.server, listener, self.dispatcher, log=_Discard(), log_output=False,
                                     debug=False, keepalive=False, socket_timeout=120)

    def alive(self):
        if self._green is not None:
            return not self._green.dead
        return self._thread is not None and self._thread.is_alive()

    def stop(self):
        if self._green is not None:
            self._green.kill()
            self._green = None
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()
