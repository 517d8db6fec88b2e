"""Errors a client can be told about. Pure Python: the engine-free core uses them too."""

# The protocol's error codes (docs/protocol.md), each with its meaning.
CODES = {
    "bad_json": "the frame is not a JSON object",
    "unknown_type": "the message type is not one the server knows",
    "invalid": "the message or an op in it is malformed or out of bounds",
    "forbidden": "your role does not allow this",
    "too_large": "a size limit was exceeded",
    "rate_limited": "too many messages; wait retry_after seconds",
    "conflict": "the op refers to something that no longer exists or already exists",
    "not_found": "no such piece, member or invite",
    "unavailable": "the server could not commit right now; nothing was applied, send it again",
}


class StudioError(Exception):
    def __init__(self, code: str, message: str, **extra):
        assert code in CODES, code
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, **self.extra}


class OpError(StudioError):
    """An op that cannot apply. ``index`` says which op of the message failed."""

    def __init__(self, code: str, message: str, index: int | None = None):
        super().__init__(code, message)
        self.index = index
