"""python -m tests.simulator --port PORT [--fleet N | --seed NAME] [--tls] [--latency-ms N]

Prints `READY <base-url>` once the server accepts requests (with --tls,
`CA <path>` first: the certificate authority that signed its certificate).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile

import uvicorn

from tests.simulator.app import build_app
from tests.simulator.seed import NAMED_SEEDS, fleet_from_args
from tests.simulator.world import World


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.simulator", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="loopback only, by default")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--fleet", type=int, help="N devices per platform")
    group.add_argument("--seed", choices=sorted(NAMED_SEEDS), help="a named fleet")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a generated certificate")
    parser.add_argument("--ca-file", help="where --tls writes its CA certificate (default: a temporary file)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every request")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a world setting, e.g. reboot_seconds=1 (numbers are parsed)")
    return parser.parse_args(argv)


def _settings(pairs):
    settings = {}
    for pair in pairs:
        name, value = pair.split("=", 1) if "=" in pair else (pair, "")
        try:
            settings[name] = float(value)
        except ValueError:
            settings[name] = value
    return settings


def _tls_files(ca_file):
    import trustme

    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost", "::1")
    directory = tempfile.mkdtemp(prefix="wanfleet-sim-tls-")
    ca_file = ca_file or os.path.join(directory, "ca.pem")
    authority.cert_pem.write_to_path(ca_file)
    cert_file = os.path.join(directory, "server.pem")
    key_file = os.path.join(directory, "server.key")
    certificate.private_key_pem.write_to_path(key_file)
    certificate.cert_chain_pems[0].write_to_path(cert_file)
    for blob in certificate.cert_chain_pems[1:]:
        blob.write_to_path(cert_file, append=True)
    return ca_file, cert_file, key_file


async def serve(args):
    world = World(fleet_from_args(args.seed, args.fleet, _settings(args.set)))
    world.latency = args.latency_ms / 1000.0
    options = dict(host=args.host, port=args.port, log_level="warning", access_log=False, lifespan="off")
    scheme = "http"
    if args.tls:
        ca_file, cert_file, key_file = _tls_files(args.ca_file)
        options.update(ssl_certfile=cert_file, ssl_keyfile=key_file)
        scheme = "https"
        print("CA %s" % ca_file, flush=True)
    server = uvicorn.Server(uvicorn.Config(build_app(world), **options))
    task = asyncio.ensure_future(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raises what stopped the server from starting
            return 1
        await asyncio.sleep(0.02)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    print("READY %s://%s:%d" % (scheme, host, port), flush=True)
    await task
    return 0


def main(argv=None):
    return asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
