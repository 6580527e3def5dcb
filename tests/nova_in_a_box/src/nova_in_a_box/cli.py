"""Command line: ``nova-in-a-box serve``, ``nova-in-a-box topology`` and ``nova-in-a-box check``.

Exit codes: 0 stopped by SIGTERM/SIGINT (also during start-up) or because its parent exited (--exit-with-parent);
2 bad arguments or topology, port in use, non-loopback address; 3 Nova missing or broken; 4 the control plane did
not come up; 5 it failed while serving. The base URL is the first line on stdout, once everything is ready;
everything else goes to stderr.
"""

import argparse
import contextlib
import errno
import faulthandler
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback

import yaml

from nova_in_a_box import topology as topologies
from nova_in_a_box.clouds import write_clouds_yaml

EXIT_OK, EXIT_USAGE, EXIT_NOVA, EXIT_STARTUP, EXIT_RUNTIME = 0, 2, 3, 4, 5


class _Stop(BaseException):
    """Raised in the main thread by SIGTERM/SIGINT while the control plane is starting."""


def _warn(message):
    print("nova-in-a-box: warning: %s" % message, file=sys.stderr, flush=True)


def _error(message):
    print("nova-in-a-box: error: %s" % message, file=sys.stderr, flush=True)


def _unwritable(path):
    """Why clouds.yaml cannot be written there (checked before the slow start-up), or None."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    while not os.path.exists(directory):
        directory = os.path.dirname(directory)
    if os.path.isdir(path):
        return "it is a directory"
    if not os.path.isdir(directory):
        return "%s is not a directory" % directory
    if not os.access(directory, os.W_OK | os.X_OK):
        return "%s is not writable" % directory
    return None


def _nonnegative(kind):
    def parse(text):
        value = kind(text)
        if value < 0:
            raise argparse.ArgumentTypeError("must be >= 0")
        return value
    return parse


def _add_topology_args(parser):
    parser.add_argument("--topology", metavar="FILE", help="topology YAML in the mock's format")
    parser.add_argument("--computes", type=int, metavar="N",
                        help="without --topology: compute hosts compute-1..compute-N (default 4)")
    parser.add_argument("--servers", type=_nonnegative(int), metavar="M",
                        help="without --topology: M servers, the mock demo's first (default: every demo server "
                             "whose host exists)")


def build_parser():
    parser = argparse.ArgumentParser(prog="nova-in-a-box", description="A real Nova control plane in one process.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the control plane until SIGTERM/SIGINT")
    serve.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port (default 0 = a free port)")
    _add_topology_args(serve)
    serve.add_argument("--write-clouds-yaml", metavar="PATH", help="write clouds.yaml (mock-admin, mock-member, ...)")
    serve.add_argument("--migration-seconds", type=_nonnegative(float), default=1.0,
                       help="time a cold or live migration spends in the fake hypervisor (default 1.0)")
    serve.add_argument("--resize-confirm-window", type=_nonnegative(float), default=0,
                       help="auto-confirm VERIFY_RESIZE after S seconds (Nova's resize_confirm_window, whole "
                            "seconds, rounded up; default 0 = never)")
    serve.add_argument("--log-level", default="warning", choices=("debug", "info", "warning", "error"),
                       help="Nova's log level on stderr (default warning)")
    serve.add_argument("--exit-with-parent", action="store_true",
                       help="stop when the process that started this one exits (for test fixtures)")
    topo = sub.add_parser("topology", help="print the normalized topology and what real Nova cannot reproduce")
    _add_topology_args(topo)
    sub.add_parser("check", help="import Nova and Placement as serve would and print their versions")
    return parser


def load_topology(args):
    if args.topology and (args.computes is not None or args.servers is not None):
        raise topologies.TopologyError("give either --topology or --computes/--servers, not both")
    if args.topology:
        return topologies.load_file(args.topology)
    return topologies.generate(4 if args.computes is None else args.computes, args.servers)


# ---------------------------------------------------------------------------------------------------------------
def _check():
    from nova_in_a_box import controlplane
    try:
        paste = controlplane.find_api_paste()
        nova = controlplane.load_nova()
    except controlplane.NovaInstallError as exc:
        _error(str(exc))
        return EXIT_NOVA
    import importlib.metadata
    print("nova %s, openstack-placement %s, api-paste %s, python %s, %s mode" % (
        nova.version, importlib.metadata.version("openstack-placement"), paste, sys.executable, nova.mode))
    return EXIT_OK


def _in_main_greenlet():
    """Under eventlet (Nova before 34) a signal handler runs in whichever greenthread was current: raising there
    would break a Nova request, not the start-up. Then start-up goes on, and the stop event ends the run after it."""
    greenlet = sys.modules.get("greenlet")
    if greenlet is None or "eventlet" not in sys.modules:
        return True
    return greenlet.getcurrent().parent is None


def _wait(event, seconds):
    """``event.wait(seconds)`` that lets greenthreads run: the event was made before Nova patched threading, and
    waiting on it would block eventlet's hub (Nova before 34); ``time.sleep`` is patched by then."""
    if "eventlet" not in sys.modules:
        return event.wait(seconds)
    time.sleep(seconds)
    return event.is_set()


class _Runner:
    def __init__(self, args):
        self.args = args
        self.stop = threading.Event()
        self.starting = True
        self.signal_name = None
        self.plane = None
        self.http = None
        self.tmpdir = None

    def _on_signal(self, signum, frame):   # signal handler signature
        self.signal_name = signal.Signals(signum).name
        self.stop.set()
        if self.starting and _in_main_greenlet():
            self.starting = False       # raise once; a second signal only sets the event
            raise _Stop()

    def run(self):
        # stdout carries the URL only: anything else written there (Nova, fixtures) goes to stderr
        url_out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
        sys.stdout = sys.stderr
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)
        faulthandler.register(signal.SIGUSR1, file=sys.__stderr__, all_threads=True)   # kill -USR1: thread stacks
        code = EXIT_OK
        try:
            code = self._serve(url_out)
        except _Stop:
            print("nova-in-a-box: %s during start-up, stopping" % self.signal_name, file=sys.stderr, flush=True)
        except Exception as exc:   # whatever it is, the teardown below must run and the exit code must say so
            traceback.print_exc(file=sys.__stderr__)
            _error("%s: %s" % (type(exc).__name__, exc))
            code = EXIT_STARTUP if self.starting else EXIT_RUNTIME
        finally:
            self.starting = False
            code = self._shutdown(code)
        with contextlib.suppress(OSError):
            url_out.close()
        return code

    def _watch_parent(self, parent):
        """--exit-with-parent: once reparented, stop the way SIGTERM does (also during start-up)."""
        while not self.stop.wait(0.5):
            if os.getppid() != parent:
                print("nova-in-a-box: parent process %d exited, stopping" % parent, file=sys.stderr, flush=True)
                os.kill(os.getpid(), signal.SIGTERM)
                return

    def _serve(self, url_out):
        args = self.args
        if args.exit_with_parent:
            threading.Thread(target=self._watch_parent, args=(os.getppid(),), name="niab-parent-watch",
                             daemon=True).start()
        from nova_in_a_box.httpserver import HTTPServer
        try:
            topology, warnings = load_topology(args)
        except topologies.TopologyError as exc:
            _error(str(exc))
            return EXIT_USAGE
        for message in warnings:
            _warn(message)
        try:
            self.http = HTTPServer(args.host, args.port)
        except ValueError as exc:
            _error(str(exc))
            return EXIT_USAGE
        except OSError as exc:
            reason = "port %d is in use" % args.port if exc.errno == errno.EADDRINUSE else (exc.strerror or exc)
            _error("cannot listen on %s:%d: %s" % (args.host, args.port, reason))
            return EXIT_USAGE
        if args.write_clouds_yaml:
            problem = _unwritable(args.write_clouds_yaml)
            if problem:
                _error("cannot write clouds.yaml to %s: %s" % (args.write_clouds_yaml, problem))
                return EXIT_USAGE
        self.tmpdir = tempfile.mkdtemp(prefix="nova-in-a-box-")
        tempfile.tempdir = self.tmpdir
        os.environ["TMPDIR"] = self.tmpdir
        from nova_in_a_box import controlplane
        os.environ["NOVA_IN_A_BOX_LOG_LEVEL"] = args.log_level
        resize_window = int(args.resize_confirm_window) + (args.resize_confirm_window % 1 > 0)
        self.plane = controlplane.ControlPlane(topology, self.http, migration_seconds=args.migration_seconds,
                                               resize_confirm_window=resize_window)
        try:
            elapsed = self.plane.start()
        except controlplane.NovaInstallError as exc:
            _error(str(exc))
            return EXIT_NOVA
        except Exception as exc:
            traceback.print_exc(file=sys.__stderr__)
            _error("the control plane did not come up: %s" % exc)
            return EXIT_STARTUP
        if args.write_clouds_yaml:
            write_clouds_yaml(args.write_clouds_yaml, self.http.url, topology)
        self.starting = False
        if self.stop.is_set():
            return EXIT_OK
        print(self.http.url, file=url_out, flush=True)
        print("nova-in-a-box: ready in %.1f s (%s) at %s: Nova %s, %d compute host(s) (%s), %d server(s)%s" % (
            elapsed, ", ".join("%s %.1f s" % item for item in self.plane.phases.items()), self.http.url, self.plane.nova.version, len(topology["hosts"]),
            ", ".join(h["name"] for h in topology["hosts"]), len(topology["servers"]),
            ", clouds.yaml %s" % args.write_clouds_yaml if args.write_clouds_yaml else ""),
            file=sys.stderr, flush=True)
        while not _wait(self.stop, 0.5):
            if not self.http.alive():
                _error("the HTTP server thread died")
                return EXIT_RUNTIME
        print("nova-in-a-box: %s, stopping" % (self.signal_name or "stop requested"), file=sys.stderr, flush=True)
        return EXIT_OK

    def _shutdown(self, code):
        started = time.monotonic()
        clean = True
        try:
            if self.plane is not None:
                clean = self.plane.stop(timeout=8.0)
            elif self.http is not None:
                self.http.stop()
        except BaseException as exc:   # teardown must reach the exit below
            clean = False
            _error("teardown failed: %s: %s" % (type(exc).__name__, exc))
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        if self.plane is not None:
            note = "" if clean else " (some cleanups failed or timed out)"
            print("nova-in-a-box: stopped in %.1f s%s" % (time.monotonic() - started, note), file=sys.stderr, flush=True)
        return code


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "topology":
        try:
            topology, warnings = load_topology(args)
        except topologies.TopologyError as exc:
            _error(str(exc))
            return EXIT_USAGE
        for message in warnings:
            _warn(message)
        try:
            yaml.safe_dump(topology, sys.stdout, default_flow_style=None, sort_keys=False)
            sys.stdout.flush()
        except BrokenPipeError:   # e.g. piped into head
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    if args.command == "check":
        return _check()
    code = EXIT_RUNTIME
    try:
        code = _Runner(args).run()
    finally:
        # Nova's executors and RPC servers may leave non-daemon threads behind: end the process here, every
        # socket and temporary file has been dealt with by the runner.
        sys.stderr.flush()
        os._exit(code)
