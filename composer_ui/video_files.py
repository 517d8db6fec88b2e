"""A piece's video on disk: what the bytes are, where they live, which bytes a range asks for. No Django.

The studio never transcodes or parses a video: it looks at the first bytes to tell MP4 (ISO base media,
an ``ftyp`` box first) from WebM (an EBML header whose DocType is "webm") and refuses anything else, then
stores the bytes as they came, outside the static tree, and serves them back in byte ranges so the
browser can seek. What the picture shows is the browser's business.
"""
import re

HEAD_BYTES = 64  # enough for an ftyp box's brand or an EBML header's DocType
TYPES = {"mp4": "video/mp4", "webm": "video/webm"}
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
WEBM_DOCTYPE = b"\x42\x82"  # the DocType element's id; its value follows its size byte
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def sniff(head: bytes) -> str | None:
    """"mp4" or "webm" from a file's first bytes, or None when it is neither.

    MP4/MOV/3GP (ISO base media): a box of at least 8 bytes whose type is ``ftyp`` at offset 4 and a
    printable major brand. WebM: the EBML magic, then a DocType of "webm" inside the header (Matroska
    files that are not WebM are refused: browsers do not promise to play them)."""
    if len(head) >= 12 and head[4:8] == b"ftyp" and int.from_bytes(head[:4], "big") >= 8 \
            and all(32 <= b < 127 for b in head[8:12]):
        return "mp4"
    if head[:4] == EBML_MAGIC:
        at = head.find(WEBM_DOCTYPE, 4)
        if at != -1:
            size, value_at = _vint(head, at + 2)
            if size == 4 and head[value_at:value_at + 4] == b"webm":
                return "webm"
    return None


def _vint(data: bytes, at: int) -> tuple[int | None, int]:
    """An EBML variable-size integer at ``at``: (value, where the data after it starts); (None, at) if cut."""
    if at >= len(data) or data[at] == 0:
        return None, at
    length = 9 - data[at].bit_length()
    if at + length > len(data):
        return None, at
    value = data[at] & (0xFF >> length)
    for byte in data[at + 1:at + length]:
        value = value << 8 | byte
    return value, at + length


def stored_name(piece_id: int, token: str, kind: str) -> str:
    """The file's name in the video folder: nothing of the uploader's file name reaches the disk."""
    if not re.fullmatch(r"[0-9a-f]{16,64}", token) or kind not in TYPES:
        raise ValueError("a stored video is named by the piece, a hex token and its kind")
    return f"piece-{int(piece_id)}-{token}.{kind}"


def byte_range(header: str | None, size: int):
    """The one range a Range header asks of a file of ``size`` bytes: (first, last) inclusive, None to send
    the whole file (no header, several ranges, or a unit other than bytes: all allowed by RFC 9110 to be
    answered with 200), or "unsatisfiable" (416)."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        count = int(last)
        if count == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - count), size - 1
    start = int(first)
    if start >= size:
        return "unsatisfiable"
    end = min(int(last), size - 1) if last else size - 1
    if end < start:
        return None  # an invalid range is ignored, not refused
    return start, end
