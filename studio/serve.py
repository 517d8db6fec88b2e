"""Serve the studio with daphne and the studio's transport limits: ``python -m studio.serve``.

One place for the server's flags, used by `make run`, the browser tests and the
benchmarks. The transport refuses frames over 128 KiB from clients outright; the
room itself answers frames over 64 KiB with a clear `too_large` error. What the
server sends (a big piece's welcome) is not held to that limit.
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


def limit_what_clients_send_only() -> None:
    """daphne hands its one message-size limit to autobahn, which applies it to what the server sends
    too: a welcome over 128 KiB (a piece of a thousand-odd notes) failed with PayloadExceededError
    and the piece could no longer be opened. What the server sends is bounded by the piece's own
    limits, so lift the limit for sends only; frames from clients are still cut at the transport."""
    from daphne.ws_protocol import WebSocketProtocol

    send = WebSocketProtocol.sendMessage
    if getattr(send, "studio_unlimited", False):
        return

    def send_message(self, payload, *args, **kwargs):
        limit, self.maxMessagePayloadSize = self.maxMessagePayloadSize, 0
        try:
            return send(self, payload, *args, **kwargs)
        finally:
            self.maxMessagePayloadSize = limit

    send_message.studio_unlimited = True
    WebSocketProtocol.sendMessage = send_message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    from daphne.cli import CommandLineInterface

    limit_what_clients_send_only()
    print(f"\n  The studio is at http://{args.host}:{args.port}/  (Ctrl+C stops it)\n", flush=True)
    sys.argv = daphne_argv(args.host, args.port)
    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
