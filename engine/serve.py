"""
Serve any backend over the model protocol (docs/model-protocol.md):

    python -m engine.serve --backend engine.neural.NeuralGenerator --port 8765 --token T
    STUDIO_MODEL_TOKEN=T python -m engine.serve --backend engine.ngram.NgramGenerator --option device=cpu

The backend is built once (`--option name=value` are its keyword arguments,
values read as JSON when they parse), warmed up with one small generation, and
served by daphne with the app of engine/asgi.py until SIGINT/SIGTERM. No Django.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time

from engine import protocol as P


def parse_options(pairs):
    options = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.isidentifier():
            raise SystemExit(f"--option wants name=value, got {pair!r}")
        try:
            options[name] = json.loads(text)
        except ValueError:
            options[name] = text
    return options


def warm_up(generator):
    """One small generation before the port opens, so the first person does not pay for lazy start-up."""
    from engine.probes import probe_request

    caps = generator.capabilities().to_dict()
    for operation in caps["operations"]:
        request = probe_request(caps, operation, candidates=1)
        if request is not None:
            started = time.perf_counter()
            generator.generate(request)
            return f"warm-up {operation}: {(time.perf_counter() - started) * 1e3:.0f} ms"
    return "no warm-up request fits this model's limits"


def cap_request_bodies(limit: int):
    """Twisted writes a whole request body to memory or a temp file before daphne hands it to the app;
    past `limit` + 1 bytes keep nothing more, so an endless body costs neither. The app sees the
    extra byte and answers 413."""
    from daphne.http_protocol import WebRequest

    def handle_content_chunk(self, data):
        seen = getattr(self, "_body_bytes_seen", 0)
        self._body_bytes_seen = seen + len(data)
        room = limit + 1 - seen
        if room > 0:
            self.content.write(data[:room])

    WebRequest.handleContentChunk = handle_content_chunk


def serve(generator, *, host="127.0.0.1", port=8765, token=None, workers=1, queue=4,
          timeout_s=P.DEFAULT_TIMEOUT_S, max_request_bytes=P.DEFAULT_MAX_REQUEST_BYTES, warm=True):
    """Serve `generator` (anything with capabilities() and generate()) until stopped."""
    from daphne.server import Server   # installs twisted's asyncio reactor: before anything else of twisted
    from daphne.endpoints import build_endpoint_description_strings

    from engine.asgi import ModelServer

    token = token or os.environ.get(P.TOKEN_ENV)
    if not token:
        raise SystemExit(f"no token: pass --token or set {P.TOKEN_ENV} (clients send 'Authorization: Bearer <token>')")
    if warm:
        print(warm_up(generator), flush=True)
    app = ModelServer(generator, token=token, max_request_bytes=max_request_bytes, timeout_s=timeout_s,
                      workers=workers, queue=queue)
    cap_request_bodies(max_request_bytes)
    caps = app.caps
    print(f"serving {caps['name']} {caps['version']} ({caps['device']}) at http://{host}:{port}/v1/ "
          f"with {workers} worker(s), {queue} waiting, {timeout_s:g} s timeout, "
          f"{max_request_bytes} bytes per request (Ctrl+C stops it)", flush=True)
    Server(application=app, endpoints=build_endpoint_description_strings(host=host, port=port),
           http_timeout=timeout_s + 30, application_close_timeout=5, verbosity=0).run()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m engine.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default=None, help="dotted path of the backend class (default: STUDIO_GENERATOR "
                                                        "or engine.neural.NeuralGenerator)")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="keyword argument for the backend, e.g. device=cuda (repeatable)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default=None, help=f"bearer token (default: ${P.TOKEN_ENV})")
    parser.add_argument("--workers", type=int, default=1, help="generations at once (default 1)")
    parser.add_argument("--queue", type=int, default=4, help="requests that may wait for a worker (default 4)")
    parser.add_argument("--timeout", type=float, default=P.DEFAULT_TIMEOUT_S, help="seconds per generation")
    parser.add_argument("--max-request-bytes", type=int, default=P.DEFAULT_MAX_REQUEST_BYTES)
    parser.add_argument("--no-warm-up", action="store_true", help="skip the warm-up generation")
    args = parser.parse_args(argv)
    if args.workers < 1 or args.queue < 0 or args.timeout <= 0 or args.max_request_bytes < 1024:
        parser.error("need --workers >= 1, --queue >= 0, --timeout > 0, --max-request-bytes >= 1024")
    if not (args.token or os.environ.get(P.TOKEN_ENV)):
        parser.error(f"no token: pass --token or set {P.TOKEN_ENV}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    import engine

    started = time.perf_counter()
    generator = engine.load_generator(args.backend, **parse_options(args.option))
    print(f"loaded {type(generator).__name__} in {time.perf_counter() - started:.1f} s", flush=True)
    serve(generator, host=args.host, port=args.port, token=args.token, workers=args.workers, queue=args.queue,
          timeout_s=args.timeout, max_request_bytes=args.max_request_bytes, warm=not args.no_warm_up)


if __name__ == "__main__":
    sys.exit(main())
