"""Running the app with uvicorn: in a background thread (tests) or in the foreground (CLI)."""

import ipaddress
import socket
import threading

import uvicorn


def check_loopback(host):
    """The control API has no auth, so the server only ever binds a loopback address."""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError("refusing to bind %r: mock-compute only listens on loopback addresses" % host)


def bind_socket(host="127.0.0.1", port=0):
    """Bind now (so the port is known before uvicorn starts); uvicorn calls listen()."""
    check_loopback(host)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP (not 0) so asyncio sets TCP_NODELAY on accepted connections: no 40 ms delayed-ACK stalls.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def base_url(sock):
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = "[%s]" % host
    return "http://%s:%d" % (host, port)


class ReadyServer(uvicorn.Server):
    """uvicorn.Server that calls ``on_ready`` once its sockets are listening."""

    def __init__(self, config, on_ready=None):
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets=None):
        await super().startup(sockets=sockets)
        if self._on_ready is not None and not self.should_exit:
            self._on_ready()


def uvicorn_config(app, log_level="warning"):
    return uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="on", timeout_graceful_shutdown=2)


class ServerThread:
    """Serve an app from a daemon thread on a free loopback port (in-process test mode)."""

    def __init__(self, app, host="127.0.0.1", port=0, log_level="warning"):
        self._app = app
        self._host = host
        self._port = port
        self._log_level = log_level
        self._server = None
        self._thread = None
        self.url = None

    def start(self, timeout=15.0):
        sock = bind_socket(self._host, self._port)
        self.url = base_url(sock)
        ready = threading.Event()
        self._server = ReadyServer(uvicorn_config(self._app, self._log_level), on_ready=ready.set)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name="mock-compute-server", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            self.stop()
            raise RuntimeError("mock-compute did not start within %.0f s" % timeout)
        return self

    def stop(self):
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
