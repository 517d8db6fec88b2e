"""The WebSocket Origin check: channels' AllowedHostsOriginValidator, minus one crash.

channels' OriginValidator lets urlparse's ValueError escape, so a handshake with an Origin such as
``http://[::1`` ("Invalid IPv6 URL") or ``http://host:99999`` raised inside the application and the
server logged an exception for it (found by tests/hostile/test_handshakes.py). Such an Origin comes
from no browser; it is refused like any other foreign Origin.
"""
from urllib.parse import urlparse

from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator, WebsocketDenier


def _parses(value: bytes) -> bool:
    try:
        urlparse(value.decode("latin1")).port  # .port raises for a port that is not a number 0-65535
    except ValueError:
        return False
    return True


class ParsedOriginValidator(OriginValidator):
    async def __call__(self, scope, receive, send):
        origins = [value for name, value in scope.get("headers", []) if name == b"origin"]
        if scope["type"] == "websocket" and not all(_parses(value) for value in origins):
            return await WebsocketDenier()(scope, receive, send)
        return await super().__call__(scope, receive, send)


def origin_checked(application):
    """As ``AllowedHostsOriginValidator(application)``: ALLOWED_HOSTS, with DEBUG's loopback default."""
    stock = AllowedHostsOriginValidator(application)
    return ParsedOriginValidator(stock.application, stock.allowed_origins)
