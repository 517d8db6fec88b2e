"""The shape of every op a client may send, checked before anything is applied.

Pure Python, no Django. Each op is a dict with an ``op`` name and a fixed set
of fields; unknown fields are refused (so nobody can forge provenance), ints
must be real ints (not floats, bools, NaN or strings) and within bounds.
"""
import re

from engine.picture.timecode import RATES as TIMECODE_RATES

from .errors import OpError  # noqa: F401 (its home is errors.py; callers import it from here too)
from .symbols import is_canonical_chord, normalize_chord, normalize_key

MAX_TICK = 10_000_000
ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
KEY_PATTERN = re.compile(r"^[A-G](#|b)? (major|minor)$")
# A name of one of the studio's models (STUDIO_MODELS, composer_ui/model_registry.py).
MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
MAX_AI_MODELS = 32
COLOUR_PATTERN = re.compile(r"^#[0-9a-f]{6}$")
FPS = tuple(TIMECODE_RATES)  # the timecode rates a piece may use (engine/picture/timecode.py names them)
CUE_KINDS = ("hit", "cadence", "start", "stop")
MAX_TIME_US = 86_400_000_000  # a day of picture time, in microseconds
DENOMINATORS = (1, 2, 4, 8, 16, 32)
MAX_USER_ID = 2**31 - 1  # django.contrib.auth's user ids are 32-bit; a larger one overflowed SQLite
# NUL and lone surrogates are refused by PostgreSQL (text and jsonb); no name needs a control character.
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _int(lo, hi):
    def check(value, name):
        if type(value) is not int or not lo <= value <= hi:
            raise OpError("invalid", f"{name} must be an integer from {lo} to {hi}")
    return check


def _text(max_len):
    def check(value, name):
        # The length is of the value as stored, padding included (the database column has a limit too).
        if not isinstance(value, str) or not value.strip() or len(value) > max_len:
            raise OpError("invalid", f"{name} must be text of 1 to {max_len} characters")
        if UNPRINTABLE.search(value):
            raise OpError("invalid", f"{name} must not contain control characters")
    return check


def _label(max_len):
    def check(value, name):  # may be empty (a cue needs no label)
        if not isinstance(value, str) or len(value) > max_len:
            raise OpError("invalid", f"{name} must be text of 0 to {max_len} characters")
        if UNPRINTABLE.search(value):
            raise OpError("invalid", f"{name} must not contain control characters")
    return check


def _colour(value, name):
    if not isinstance(value, str) or not COLOUR_PATTERN.fullmatch(value):
        raise OpError("invalid", f"{name} must be '#rrggbb' in lowercase hex, e.g. '#4e79a7'")


def _one_of(choices):
    def check(value, name):
        if not isinstance(value, str) or value not in choices:
            raise OpError("invalid", f"{name} must be one of {', '.join(repr(c) for c in choices)}")
    return check


def _chord_symbol(value, name):
    if not is_canonical_chord(value):
        raise OpError("invalid", f"{name} must be a chord symbol in its canonical spelling (e.g. 'F#m7', 'Bb7', "
                                 "'C/E', 'N.C.'); the server rewrites what people type with normalize_ops")


def _identifier(value, name):
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise OpError("invalid", f"{name} must be 1-64 letters, digits or _ . : -")


def _bool(value, name):
    if type(value) is not bool:
        raise OpError("invalid", f"{name} must be true or false")


def _owner(value, name):
    if value is not None and (type(value) is not int or not 1 <= value <= MAX_USER_ID):
        raise OpError("invalid", f"{name} must be a user id or null")


def _pitch_range(value, name):
    if (not isinstance(value, list) or len(value) != 2 or any(type(v) is not int for v in value)
            or not 0 <= value[0] <= value[1] <= 127):
        raise OpError("invalid", f"{name} must be [low, high] with 0 <= low <= high <= 127")


def _time_signature(value, name):
    if (not isinstance(value, list) or len(value) != 2 or any(type(v) is not int for v in value)
            or not 1 <= value[0] <= 32 or value[1] not in DENOMINATORS):
        raise OpError("invalid", f"{name} must be [beats, unit] with beats 1-32 and unit in {DENOMINATORS}")


def _key(value, name):
    if not isinstance(value, str) or not KEY_PATTERN.fullmatch(value):
        raise OpError("invalid", f"{name} must look like 'C major', 'F# minor' or 'Bb major'")


AI_MODES = ("free", "alternate", "teacher_approves")
AI_OPERATIONS = ("continue", "infill", "harmonize", "vary")


def _ai_mode(value, name):
    if value not in AI_MODES:
        raise OpError("invalid", f"{name} must be one of {', '.join(AI_MODES)}")


def _ai_operations(value, name):
    if not isinstance(value, list) or len(value) > len(AI_OPERATIONS) or any(v not in AI_OPERATIONS for v in value):
        raise OpError("invalid", f"{name} must be a list drawn from {', '.join(AI_OPERATIONS)}")


def _ai_models(value, name):
    """ "all", or a list of distinct model names (names the studio does not have simply match nothing)."""
    if value == "all":
        return
    if (not isinstance(value, list) or len(value) > MAX_AI_MODELS or len(set(map(str, value))) != len(value)
            or any(not isinstance(v, str) or not MODEL_NAME.fullmatch(v) for v in value)):
        raise OpError("invalid", f"{name} must be \"all\" or a list of at most {MAX_AI_MODELS} distinct model names")


def _provenance(value, name):
    if not isinstance(value, dict):
        raise OpError("invalid", f"{name} must be an object")


TICK = _int(0, MAX_TICK)
DURATION = _int(1, MAX_TICK)
PITCH = _int(0, 127)
VELOCITY = _int(1, 127)
BAR_INDEX = _int(0, 10_000)
BAR_COUNT = _int(1, 1_000)
TRACK_INDEX = _int(0, 10_000)  # against the number of tracks in the fold
LEVEL = _int(0, 127)  # MIDI CC 7 (volume) and CC 10 (pan, 64 = centre)
TIME_US = _int(0, MAX_TIME_US)
TRACK_FIELDS = {"name": _text(80), "program": _int(0, 127), "pitch_range": _pitch_range, "owner": _owner,
                "channel": _int(0, 15), "colour": _colour, "volume": LEVEL, "pan": LEVEL}

# op name -> (required fields, optional fields), each field -> checker
SCHEMA = {
    "note.add": ({"track": _identifier, "start": TICK, "duration": DURATION, "pitch": PITCH},
                 {"id": _identifier, "velocity": VELOCITY, "provenance": _provenance}),
    "note.update": ({"id": _identifier},
                    {"start": TICK, "duration": DURATION, "pitch": PITCH, "velocity": VELOCITY, "track": _identifier}),
    "note.delete": ({"id": _identifier}, {}),
    "track.add": ({"name": _text(80)},
                  {"id": _identifier, **{k: v for k, v in TRACK_FIELDS.items() if k != "name"}, "index": TRACK_INDEX}),
    "track.update": ({"id": _identifier}, TRACK_FIELDS),
    "track.move": ({"id": _identifier, "index": TRACK_INDEX}, {}),
    "track.delete": ({"id": _identifier}, {}),
    "piece.update": ({}, {"title": _text(200), "tempo": _int(20, 400), "time_signature": _time_signature,
                          "key": _key, "bars": _int(1, 1_000), "own_tracks_only": _bool,
                          "ai_enabled": _bool, "ai_mode": _ai_mode, "ai_operations": _ai_operations,
                          "ai_quota_per_hour": _int(0, 1_000), "ai_models": _ai_models, "fps": _one_of(FPS),
                          "start_offset_us": TIME_US}),
    "bars.insert": ({"at": BAR_INDEX}, {"count": BAR_COUNT}),
    "bars.delete": ({"at": BAR_INDEX}, {"count": BAR_COUNT}),
    "chord.add": ({"start": TICK, "duration": DURATION, "symbol": _chord_symbol},
                  {"id": _identifier, "provenance": _provenance}),
    "chord.update": ({"id": _identifier}, {"start": TICK, "duration": DURATION, "symbol": _chord_symbol}),
    "chord.delete": ({"id": _identifier}, {}),
    "cue.add": ({"time_us": TIME_US, "kind": _one_of(CUE_KINDS)},
                {"id": _identifier, "label": _label(80), "provenance": _provenance}),
    "cue.update": ({"id": _identifier}, {"time_us": TIME_US, "label": _label(80), "kind": _one_of(CUE_KINDS)}),
    "cue.delete": ({"id": _identifier}, {}),
    "tempo.set": ({"bar": _int(1, 10_000), "tempo": _int(20, 400)}, {"provenance": _provenance}),
    "tempo.delete": ({"bar": _int(1, 10_000)}, {}),
}
# Classroom policy fields of piece.update: only the owner sets them.
OWNER_ONLY_FIELDS = ("own_tracks_only", "ai_enabled", "ai_mode", "ai_operations", "ai_quota_per_hour",
                     "ai_models")
# Fields only the server may write (accepted AI proposals, imports).
TRUSTED_ONLY = {"provenance"}
# Ops whose id the server fills in when a client leaves it out, with the prefix of the ids it makes.
ID_PREFIX = {"note.add": "n", "track.add": "t", "chord.add": "c", "cue.add": "q"}
ID_FILLED = set(ID_PREFIX)
# Updates with nothing to change are refused (an empty piece.update says nothing).
NEEDS_A_FIELD = ("piece.update",)


def normalize_ops(ops):
    """The ops with what people type rewritten to canonical text: ``piece.update`` ``key`` by
    normalize_key, ``chord.add``/``chord.update`` ``symbol`` by normalize_chord. Anything else is returned
    as it is (validate_ops judges it). Raise OpError, with the op's index, for a key or symbol no parser
    reads: the whole message is refused, as by validate_ops."""
    if not isinstance(ops, list):
        return ops
    out = []
    for index, op in enumerate(ops):
        try:
            out.append(_normalized(op))
        except OpError as error:
            error.index = index
            error.message = f"op {index}: {error.message}"
            raise
    return out


def _normalized(op):
    if not isinstance(op, dict):
        return op
    if op.get("op") == "piece.update" and "key" in op:
        return {**op, "key": normalize_key(op["key"])}
    if op.get("op") in ("chord.add", "chord.update") and "symbol" in op:
        return {**op, "symbol": normalize_chord(op["symbol"])}
    return op


def validate_ops(ops, *, trusted: bool = False, max_ops: int | None = None) -> None:
    """Raise OpError unless ``ops`` is a non-empty list of well-formed ops."""
    if not isinstance(ops, list) or not ops:
        raise OpError("invalid", "ops must be a non-empty list")
    if max_ops is not None and len(ops) > max_ops:
        raise OpError("too_large", f"at most {max_ops} ops per message")
    for index, op in enumerate(ops):
        try:
            validate_op(op, trusted=trusted)
        except OpError as error:
            error.index = index
            error.message = f"op {index}: {error.message}"
            raise


def validate_op(op, *, trusted: bool = False) -> None:
    if not isinstance(op, dict) or not isinstance(op.get("op"), str):
        raise OpError("invalid", "each op must be an object with an 'op' name")
    if op["op"] not in SCHEMA:
        raise OpError("invalid", f"unknown op {op['op'][:40]!r}; known: {', '.join(SCHEMA)}")
    required, optional = SCHEMA[op["op"]]
    fields = set(op) - {"op"}
    unknown = fields - set(required) - set(optional)
    if not trusted:
        unknown |= fields & TRUSTED_ONLY
    if unknown:
        raise OpError("invalid", f"{op['op']} does not take {', '.join(sorted(map(str, unknown)))[:200]}")
    missing = set(required) - fields
    if missing:
        raise OpError("invalid", f"{op['op']} needs {', '.join(sorted(missing))}")
    if op["op"] in NEEDS_A_FIELD and not fields:
        raise OpError("invalid", "piece.update needs at least one field")
    for name, value in op.items():
        if name != "op":
            (required.get(name) or optional[name])(value, name)


def with_ids(ops: list, seq: int) -> list:
    """Fill in missing ids deterministically, so the stored op says exactly what happened."""
    filled = []
    for index, op in enumerate(ops):
        if op["op"] in ID_FILLED and "id" not in op:
            op = {**op, "id": f"{ID_PREFIX[op['op']]}{seq}-{index}"}
        filled.append(op)
    return filled
