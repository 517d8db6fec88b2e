"""Hypothesis strategies for room messages: the op grammar of docs/protocol.md, then mutations of it.

Valid messages use the ids a fuzzed piece really has (FUZZ_TRACKS, a small pool of note ids), so a
good share of them commit and later ops find something to update or delete. Mutations then break
one thing at a time: a wrong type, a huge or negative number, a missing or forged field, an unknown
op, deep nesting, a 10k-element list, or the JSON text itself (NaN, Infinity, truncation).

A job id is written as JOB_MARKER + k: the harness swaps in the k-th job this test has seen (jobs
exist only at run time), so `decide`, `cancel` and `regenerate` reach real jobs, not just 404s.
"""
import json
import string

from hypothesis import strategies as st

ID_CHARS = string.ascii_letters + string.digits + "_.:-"
FIRST_TRACK = "t1-1"  # the track piece_create adds: event 1, op 1
FUZZ_TRACKS = (FIRST_TRACK, "fz-bass", "fz-drums")
NOTE_IDS = tuple(f"fz{i}" for i in range(24))
JOB_MARKER = "@job:"

# Fields a client might try to forge: provenance and ordering belong to the server.
FORGED_OP_FIELDS = ("author", "provenance", "seq", "actor", "user", "accepted_by", "job", "candidate",
                    "last_editor", "human_edited", "created_at", "piece_id", "kind")
FORGED_MESSAGE_FIELDS = ("seq", "actor", "author", "user", "user_id", "piece_id", "kind", "role", "at",
                         "duplicate", "event")

small_id = st.text(ID_CHARS, min_size=1, max_size=10)
note_id = st.sampled_from(NOTE_IDS) | small_id
track_id = st.sampled_from(FUZZ_TRACKS) | small_id
tick = st.integers(0, 4 * 1920) | st.sampled_from([0, 1919, 1920, 15359, 10_000_000])
duration = st.integers(1, 1920) | st.sampled_from([1, 10_000_000])

# Values that are wrong almost anywhere: each one must be refused with a clear error, never crash.
deep_list = st.integers(1_000, 20_000).map(lambda depth: {"__deep__": depth})  # see encode()
junk = st.one_of(
    st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([2**70, -2**70, 2**63, 2**63 - 1, 2**31, -1, -2**63 - 1, 0, 1.5, -0.0, 1e308, 10**40]),
    st.integers(), st.text(max_size=30),
    st.sampled_from(["", " ", "\x00", "\ud800", "\u202e", "NaN", "Infinity", "null", "\x00" * 20, "a" * 500,
                     "<script>alert(1)</script>", "'; DROP TABLE composer_ui_event; --"]),
    st.lists(st.integers(), max_size=4), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.sampled_from([[0] * 10_000, [{}] * 5_000, ["fz0"] * 3_000]),
    deep_list,
)


# Strings a database or a terminal may choke on: NUL (PostgreSQL text and jsonb refuse it), a lone
# surrogate (not UTF-8), control and bidi characters, padding that hides a long value from strip().
HOSTILE_STRINGS = ["a\x00b", "\x00", "\ud800", "x\udfff", "\x1b[31mred", "\u202egnp.exe", "line\nbreak", "\x7f",
                   " " * 300 + "t", "t" + "\u3000" * 100, "\ufeffname", "𝄞" * 81, "%s%n", "{{ 7*7 }}"]
EXTREME_INTS = [2**70, -2**70, 2**63, 2**63 - 1, -2**63 - 1, 2**31, 2**31 - 1, -1, 0, 10**18]
free_text = st.text(min_size=1, max_size=30) | st.sampled_from(HOSTILE_STRINGS)


def _op(name, required, optional):
    return st.fixed_dictionaries({"op": st.just(name), **required}, optional=optional)


piece_fields = {"title": free_text, "tempo": st.integers(20, 400),
                "time_signature": st.sampled_from([[4, 4], [3, 4], [6, 8], [2, 2], [5, 4]]),
                "key": st.sampled_from(["C major", "F# minor", "Bb major", "E minor", "e min", "B♭", "H major"]),
                "bars": st.integers(1, 40), "own_tracks_only": st.booleans(), "ai_enabled": st.booleans(),
                "ai_mode": st.sampled_from(["free", "alternate", "teacher_approves"]),
                "ai_operations": st.lists(st.sampled_from(["continue", "infill", "harmonize", "vary"]), unique=True),
                "ai_quota_per_hour": st.integers(0, 1_000), "fps": st.sampled_from(["24", "25", "29.97df", "30"]),
                "start_offset_us": st.integers(0, 86_400_000_000)}
track_fields = {"program": st.integers(0, 127), "channel": st.integers(0, 15),
                "owner": st.none() | st.integers(1, 8) | st.sampled_from(EXTREME_INTS),
                "pitch_range": st.tuples(st.integers(0, 60), st.integers(61, 127)).map(list),
                "colour": st.sampled_from(["#4e79a7", "#000000", "#FFFFFF"]), "volume": st.integers(0, 127),
                "pan": st.integers(0, 127)}
# Chord symbols as people type them, some the parser refuses, and hostile text.
chord_symbol = st.sampled_from(["C", "am7", "B♭Δ7/d", "F#m7b5", "N.C.", "nc", "H7", "C/"]) | free_text
cue_kind = st.sampled_from(["hit", "cadence", "start", "stop"])

valid_op = st.one_of(
    _op("note.add", {"track": track_id, "start": tick, "duration": duration, "pitch": st.integers(0, 127)},
        {"id": note_id, "velocity": st.integers(1, 127)}),
    _op("note.update", {"id": note_id}, {"start": tick, "duration": duration, "pitch": st.integers(0, 127),
                                         "velocity": st.integers(1, 127), "track": track_id}),
    _op("note.delete", {"id": note_id}, {}),
    _op("track.add", {"name": free_text}, {"id": track_id, **track_fields}),
    _op("track.update", {"id": track_id}, {"name": free_text, **track_fields}),
    _op("track.delete", {"id": track_id}, {}),
    _op("piece.update", {}, piece_fields).filter(lambda op: len(op) > 1),
    _op("bars.insert", {"at": st.integers(0, 10)}, {"count": st.integers(1, 4)}),
    _op("bars.delete", {"at": st.integers(0, 10)}, {"count": st.integers(1, 4)}),
    _op("track.move", {"id": track_id, "index": st.integers(0, 5)}, {}),
    _op("chord.add", {"start": tick, "duration": duration, "symbol": chord_symbol}, {"id": note_id}),
    _op("chord.update", {"id": note_id}, {"start": tick, "duration": duration, "symbol": chord_symbol}),
    _op("chord.delete", {"id": note_id}, {}),
    _op("cue.add", {"time_us": st.integers(0, 86_400_000_000), "kind": cue_kind}, {"id": note_id, "label": free_text}),
    _op("cue.update", {"id": note_id}, {"time_us": st.integers(0, 86_400_000_000), "label": free_text, "kind": cue_kind}),
    _op("cue.delete", {"id": note_id}, {}),
    _op("tempo.set", {"bar": st.integers(1, 12), "tempo": st.integers(20, 400)}, {}),
    _op("tempo.delete", {"bar": st.integers(1, 12)}, {}),
)
client_op_id = st.text(ID_CHARS, min_size=1, max_size=16)
valid_op_message = st.fixed_dictionaries(
    {"type": st.just("op"), "client_op_id": client_op_id, "ops": st.lists(valid_op, min_size=1, max_size=4)},
    optional={"base_seq": st.integers(0, 100)})

job_ref = st.integers(0, 3).map(lambda k: f"{JOB_MARKER}{k}") | st.integers(1, 5)
sync_message = st.fixed_dictionaries({"type": st.just("sync"), "since": st.integers(0, 30)})
presence_message = st.fixed_dictionaries({"type": st.just("presence")}, optional={
    "cursor": st.none() | st.fixed_dictionaries({"tick": st.integers(0, 10**7), "pitch": st.integers(0, 127)}),
    "selection": st.none() | st.lists(note_id, max_size=5), "playhead": st.none() | st.integers(0, 10**7)})
generate_message = st.fixed_dictionaries(
    {"type": st.just("generate"), "operation": st.sampled_from(["continue", "infill", "harmonize", "vary"]),
     "tracks": st.lists(track_id, min_size=1, max_size=2, unique=True),
     "bars": st.tuples(st.integers(0, 8), st.integers(1, 3)).map(lambda b: [b[0], b[0] + b[1]])},
    optional={"request_id": client_op_id, "candidates": st.integers(1, 4), "seed": st.integers(0, 2**31 - 1),
              "controls": st.fixed_dictionaries({}, optional={
                  "temperature": st.floats(0.1, 1.5), "stay_in_key": st.booleans(),
                  "pitch_range": st.dictionaries(track_id | st.sampled_from(HOSTILE_STRINGS),
                                                 st.just([40, 80]), max_size=2),
                  "cue_targets": st.lists(st.fixed_dictionaries(
                      {"kind": st.sampled_from(["cadence", "hit", "swell"]), "tick": st.integers(-1, 40_000)}),
                      max_size=3)})})
decide_message = st.fixed_dictionaries({"type": st.just("decide"), "job_id": job_ref},
                                       optional={"auditioned": st.lists(st.integers(0, 3), max_size=4)}).flatmap(
    lambda m: st.sampled_from([{**m, "reject": True}, {**m, "accept": 0}, {**m, "accept": 1, "force": True}]))
regenerate_message = st.fixed_dictionaries({"type": st.just("regenerate"), "job_id": job_ref},
                                           optional={"request_id": client_op_id})
cancel_message = st.fixed_dictionaries({"type": st.just("cancel"), "job_id": job_ref})
ai_message = st.one_of(generate_message, decide_message, regenerate_message)
valid_other_message = st.one_of(sync_message, presence_message, st.just({"type": "ping"}), ai_message, cancel_message)


# -- mutations of a valid message (as a dict) -------------------------------------------------

def _ops_of(message):
    return message.get("ops") if isinstance(message.get("ops"), list) else []


@st.composite
def mutated_message(draw, base=st.one_of(valid_op_message, valid_other_message)):
    message = dict(draw(base))
    if "ops" in message:
        message["ops"] = [dict(op) for op in message["ops"]]
    kind = draw(st.sampled_from(["op_value", "op_extreme", "msg_extreme", "op_missing", "op_forged", "op_unknown", "msg_value", "msg_missing",
                                 "msg_forged", "type", "ops_shape"]))
    ops = _ops_of(message)
    if kind.startswith("op_") and not ops:
        kind = "msg_" + kind[3:] if kind != "op_unknown" else "type"
    if kind == "op_value":
        op = draw(st.sampled_from(ops))
        op[draw(st.sampled_from(sorted(op)))] = draw(junk)
    elif kind in ("op_extreme", "msg_extreme"):
        target = draw(st.sampled_from(ops)) if kind == "op_extreme" else message
        numeric = sorted(k for k, v in target.items() if type(v) is int) or sorted(target)
        target[draw(st.sampled_from(numeric))] = draw(st.sampled_from(EXTREME_INTS))
    elif kind == "op_missing":
        op = draw(st.sampled_from(ops))
        op.pop(draw(st.sampled_from(sorted(op))))
    elif kind == "op_forged":
        draw(st.sampled_from(ops))[draw(st.sampled_from(FORGED_OP_FIELDS))] = draw(
            junk | st.just({"kind": "model", "name": "forged@1"}) | st.just({"kind": "user", "id": 1}))
    elif kind == "op_unknown":
        draw(st.sampled_from(ops))["op"] = draw(st.sampled_from(["note.move", "piece.delete", "NOTE.ADD", "", "__class__"])
                                                | junk)
    elif kind == "msg_value":
        message[draw(st.sampled_from(sorted(message)))] = draw(junk)
    elif kind == "msg_missing":
        message.pop(draw(st.sampled_from(sorted(message))))
    elif kind == "msg_forged":
        message[draw(st.sampled_from(FORGED_MESSAGE_FIELDS))] = draw(junk | st.integers(0, 10**6))
    elif kind == "type":
        message["type"] = draw(st.sampled_from(["Op", "ops", "welcome", "event", "ack", "error", "members.changed",
                                                "room.message", "deliver", "__init__", "_welcome", "send"]) | junk)
    else:
        message["ops"] = draw(st.sampled_from([[], {}, "ops", None, [None], [[]], [{}] * 10_000, ops * 200]))
    return message


# -- the JSON text itself ----------------------------------------------------------------------

def encode(message) -> str:
    """JSON text for a message; a `{"__deep__": n}` stands for n levels of nested lists."""
    text = json.dumps(message, separators=(",", ":"))
    while '{"__deep__":' in text:
        start = text.index('{"__deep__":')
        end = text.index("}", start) + 1
        depth = int(text[start + 12:end - 1])
        text = text[:start] + "[" * depth + "]" * depth + text[end:]
    return text


@st.composite
def mangled_text(draw):
    text = encode(draw(valid_op_message | valid_other_message))
    how = draw(st.sampled_from(["constant", "truncate", "garbage", "deep", "number", "duplicate_key", "bom"]))
    if how == "constant":
        spots = [i for i, c in enumerate(text) if c.isdigit() and text[i - 1] in ":,["]
        constant = draw(st.sampled_from(["NaN", "Infinity", "-Infinity"]))
        if spots:
            at = draw(st.sampled_from(spots))
            end = at
            while end < len(text) and text[end].isdigit():
                end += 1
            return text[:at] + constant + text[end:]
        return text[:-1] + ',"x":' + constant + "}"
    if how == "truncate":
        return text[:draw(st.integers(0, max(0, len(text) - 1)))]
    if how == "garbage":
        return text + draw(st.sampled_from(["}", "]", ",", "\x00", "{}", " x"]))
    if how == "deep":
        depth = draw(st.integers(500, 30_000))
        return draw(st.sampled_from(["[" * depth + "]" * depth, '{"type":"op","ops":' + "[" * depth,
                                     '{"type":"ping","x":' + '{"a":' * depth + "1" + "}" * depth + "}"]))
    if how == "number":
        literal = draw(st.sampled_from(["1e999", "-1e999", "1" * 5_000, "2" * 4_400, "0." + "0" * 4_000 + "1",
                                        "1E400", "-0", "01", "1.", ".5"]))
        return text[:-1] + ',"n":' + literal + "}"
    if how == "duplicate_key":
        return text[:-1] + ',"type":"' + draw(st.sampled_from(["ping", "op", "welcome", "x"])) + '"}'
    return "\ufeff" + text


def any_hostile_text():
    """The mix the fuzz test sends: mostly grammar-valid, mostly-valid, and broken text."""
    return st.one_of(valid_op_message.map(encode), valid_other_message.map(encode),
                     mutated_message().map(encode), mutated_message().map(encode), mangled_text())
