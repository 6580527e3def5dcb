"""Command line: ``mock-compute serve`` and ``mock-compute topology``."""

import argparse
import os
import signal
import sys

import yaml

from mock_compute.clouds import write_clouds_yaml
from mock_compute.config import DEFAULT_MAX_MICROVERSION, EXTENSIONS, MockConfig
from mock_compute.models import topology as topologies
from mock_compute.models.exceptions import InvalidTopology


def _add_topology_args(parser):
    parser.add_argument("--topology", metavar="FILE", help="topology YAML (default: the bundled demo topology)")
    parser.add_argument("--hosts", type=int, metavar="N", help="generate a topology with N compute hosts")
    parser.add_argument("--servers-per-host", type=int, default=5, metavar="M",
                        help="servers per generated host (default 5)")


def build_parser():
    parser = argparse.ArgumentParser(prog="mock-compute", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the mock cloud")
    serve.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port (default 0 = any free port)")
    _add_topology_args(serve)
    serve.add_argument("--write-clouds-yaml", metavar="PATH", help="write a clouds.yaml for this server")
    serve.add_argument("--max-microversion", default=DEFAULT_MAX_MICROVERSION,
                       help="highest compute microversion served (default %s)" % DEFAULT_MAX_MICROVERSION)
    serve.add_argument("--extension", action="append", default=[], choices=EXTENSIONS, metavar="NAME",
                       help="enable a blueprint that released Nova lacks: %s (repeatable)" % ", ".join(EXTENSIONS))
    serve.add_argument("--migration-seconds", type=float, default=1.0,
                       help="duration of a cold or live migration from 202 to finished/completed (default 1.0)")
    serve.add_argument("--resize-confirm-window", type=float, default=0.0,
                       help="auto-confirm VERIFY_RESIZE after S seconds (default 0 = never)")
    serve.add_argument("--log-level", default="warning", help="uvicorn log level (default warning)")

    topo = sub.add_parser("topology", help="print a topology as YAML (generated, or the demo one)")
    _add_topology_args(topo)
    return parser


def load_topology(args):
    if args.topology and args.hosts:
        raise InvalidTopology("give either --topology or --hosts, not both")
    if args.topology:
        return topologies.load_file(args.topology)
    if args.hosts:
        return topologies.generate(args.hosts, args.servers_per_host)
    return topologies.load_demo()


def _exit_cleanly(signum, frame):   # pylint: disable=unused-argument
    raise SystemExit(0)


def serve(args):
    # Until uvicorn runs, SIGINT/SIGTERM simply end the process with status 0.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit_cleanly)
    # Imported here so that `mock-compute topology` stays light.
    from mock_compute import server as runner  # pylint: disable=import-outside-toplevel
    from mock_compute.api.app import create_app  # pylint: disable=import-outside-toplevel
    from mock_compute.models.cloud import Cloud  # pylint: disable=import-outside-toplevel

    config = MockConfig(max_microversion=args.max_microversion, extensions=tuple(args.extension),
                        migration_seconds=args.migration_seconds, resize_confirm_window=args.resize_confirm_window)
    topology = load_topology(args)
    cloud = Cloud(topology, config)
    sock = runner.bind_socket(args.host, args.port)
    url = runner.base_url(sock)
    if args.write_clouds_yaml:
        write_clouds_yaml(args.write_clouds_yaml, url, topology)

    stop_requested = []

    def remember(signum, frame):   # pylint: disable=unused-argument
        stop_requested.append(signum)

    def announce():
        if stop_requested:          # a signal arrived before uvicorn took over its handling
            server.should_exit = True
            return
        print(url, flush=True)

    # uvicorn handles SIGINT/SIGTERM itself and re-raises the signal once it has shut down;
    # ``remember`` absorbs that re-raise (exit status 0) and catches signals sent before it took over.
    server = runner.ReadyServer(runner.uvicorn_config(create_app(cloud), args.log_level), on_ready=announce)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, remember)
    server.run(sockets=[sock])
    return 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        if args.command == "topology":
            try:
                yaml.safe_dump(load_topology(args), sys.stdout, default_flow_style=None, sort_keys=False)
                sys.stdout.flush()
            except BrokenPipeError:   # e.g. piped into head
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        return serve(args)
    except (InvalidTopology, ValueError, OSError) as exc:
        print("mock-compute: error: %s" % exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
