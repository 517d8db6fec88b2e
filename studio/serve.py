"""Serve the studio with daphne and the studio's transport limits: ``python -m studio.serve``.

One place for the server's flags, used by `make run`, the browser tests and the
benchmarks. The transport refuses frames over 128 KiB outright; the room
itself answers frames over 64 KiB with a clear `too_large` error.
"""
import argparse
import os
import sys

TRANSPORT_MAX_BYTES = 128 * 1024


def daphne_argv(host: str, port: int) -> list[str]:
    return ["daphne", "-b", host, "-p", str(port),
            "--websocket-max-message-size", str(TRANSPORT_MAX_BYTES),
            "--websocket-max-frame-size", str(TRANSPORT_MAX_BYTES),
            "--application-close-timeout", "5",
            # daphne's CLI default is 5 s: in a reconnect storm (a class after a restart) handshakes then
            # time out while queued, retry, and never converge (bench.load c4); queued, they all get in.
            "--websocket_connect_timeout", "30",
            "studio.asgi:application"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    from daphne.cli import CommandLineInterface

    print(f"\n  The studio is at http://{args.host}:{args.port}/  (Ctrl+C stops it)\n", flush=True)
    sys.argv = daphne_argv(args.host, args.port)
    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
