"""Random chord, cue and tempo ops for tests/js/make_fixtures.py: mostly ones that apply, some that
conflict, and (odd_piece_data_op) ones the schema refuses."""
from composer_ui.state import bar_ticks, piece_ticks

PIECE_DATA_WEIGHTS = {"chord.add": 10, "chord.update": 4, "chord.delete": 2, "cue.add": 4, "cue.update": 2,
                      "cue.delete": 1, "tempo.set": 4, "tempo.delete": 2}
SYMBOLS = ["C", "Am7", "F#m7b5", "Bb7", "G/B", "N.C.", "Dm9", "Ebmaj7", "E7#9", "C6/9", "Gsus4", "Cm(maj7)"]
CUE_KINDS = ["hit", "cadence", "start", "stop"]
LABELS = ["", "door slam", "  Cut to black  ", "Ω" * 80, "scène 2"]
MODEL = {"author": {"kind": "model", "name": "gridcoco@1.0"}, "job": 9, "candidate": 1,
         "accepted_by": {"kind": "user", "id": 2}}


def _existing(gen, items, prefix):
    return gen.rng.choice(sorted(items)) if items and gen.rng.random() < 0.92 else gen.fresh(prefix)


def piece_data_op(gen, state, kind):
    r, end, size = gen.rng, piece_ticks(state["piece"]), bar_ticks(state["piece"])
    if kind == "chord.add" or (kind.startswith("chord") and not state["chords"]):
        duration = r.choice([240, 480, 960, size, 2 * size])
        start = r.randrange(0, max(1, end - duration + (r.random() < 0.05) * 500))
        start -= start % r.choice([1, 240, 480, size])  # mostly on beats and bar lines
        op = {"op": "chord.add", "id": gen.fresh("c"), "start": start, "duration": duration,
              "symbol": r.choice(SYMBOLS)}
        if r.random() < 0.1:
            op["provenance"] = r.choice([MODEL, {}, {"job": 4}])
        if r.random() < 0.05 and state["chords"]:
            op["id"] = _existing(gen, state["chords"], "c")  # conflict: the id exists
        return op
    if kind == "chord.update":
        op = {"op": "chord.update", "id": _existing(gen, state["chords"], "gone")}
        for field, value in (("start", lambda: r.randrange(0, end) // 240 * 240),
                             ("duration", lambda: r.choice([120, 480, size])), ("symbol", lambda: r.choice(SYMBOLS))):
            if r.random() < 0.45:
                op[field] = value()
        return op
    if kind == "chord.delete":
        return {"op": "chord.delete", "id": _existing(gen, state["chords"], "gone")}
    if kind == "cue.add" or (kind.startswith("cue") and not state["cues"]):
        op = {"op": "cue.add", "id": gen.fresh("q"), "time_us": r.choice([0, 12_200_000, r.randrange(0, 10**9)]),
              "kind": r.choice(CUE_KINDS)}
        if r.random() < 0.5:
            op["label"] = r.choice(LABELS)
        if r.random() < 0.05:
            op["provenance"] = {"author": {"kind": "user", "id": 3}}
        if r.random() < 0.05 and state["cues"]:
            op["id"] = _existing(gen, state["cues"], "q")
        return op
    if kind == "cue.update":
        op = {"op": "cue.update", "id": _existing(gen, state["cues"], "gone")}
        for field, value in (("time_us", lambda: r.randrange(0, 86_400_000_001)), ("label", lambda: r.choice(LABELS)),
                             ("kind", lambda: r.choice(CUE_KINDS))):
            if r.random() < 0.5:
                op[field] = value()
        return op
    if kind == "cue.delete":
        return {"op": "cue.delete", "id": _existing(gen, state["cues"], "gone")}
    bars = state["piece"]["bars"]
    changes = [c["bar"] for c in state["tempo_changes"]]
    if kind == "tempo.set" or not changes:
        bar = r.choice(changes) if changes and r.random() < 0.3 else r.randrange(1, max(2, bars + (r.random() < 0.15)))
        op = {"op": "tempo.set", "bar": bar, "tempo": r.randrange(20, 401)}
        if r.random() < 0.05:
            op["provenance"] = {"author": {"kind": "model", "name": "solver@1"}}
        return op
    return {"op": "tempo.delete", "bar": r.choice(changes) if r.random() < 0.85 else r.randrange(1, bars + 1)}


def odd_piece_data_op(gen, state):
    """An op of the new kinds the schema refuses, or a corner (a bound, a blank label) it must accept."""
    r = gen.rng
    choices = [
        {"op": "track.add", "id": gen.fresh("t"), "name": "P",
         "colour": r.choice(["#ABCDEF", "#fff", "red", "#12345g", "", None, "#1234567"])},
        {"op": "track.update", "id": "t0", r.choice(["volume", "pan"]): r.choice([-1, 128, 64.5, "64", True, 127, 0])},
        {"op": "track.add", "id": gen.fresh("t"), "name": "P", "index": r.choice([-1, 10_001, "0", None])},
        {"op": "track.move", "id": "t0", "index": r.choice([0, -1, 10_001, 40, None])},
        {"op": "track.move", "id": "t0"},
        {"op": "piece.update", "fps": r.choice(["23.976", "29.97", 25, "25 ", "29.97DF", "30"])},
        {"op": "piece.update", "start_offset_us": r.choice([-1, 86_400_000_001, 86_400_000_000, 1.5, "0"])},
        {"op": "chord.add", "id": gen.fresh("c"), "start": 0, "duration": 480,
         "symbol": r.choice(["am7", "Am7 ", "CΔ7", "H7", "", None, 7, "Cmin", "N.C", "Cm(maj7)", "C5"])},
        {"op": "chord.update", "id": _existing(gen, state["chords"], "gone"), "symbol": r.choice(["Bbm7", "Bb-7"])},
        {"op": "chord.add", "id": gen.fresh("c"), "start": 0, "duration": r.choice([0, -5, 10_000_001]), "symbol": "C"},
        {"op": "cue.add", "id": gen.fresh("q"), "time_us": r.choice([-1, 86_400_000_001, 86_400_000_000]),
         "kind": "hit"},
        {"op": "cue.add", "id": gen.fresh("q"), "time_us": 0, "kind": r.choice(["boom", "Hit", "", None])},
        {"op": "cue.add", "id": gen.fresh("q"), "time_us": 0, "kind": "stop",
         "label": r.choice(["x" * 81, "𝄞" * 80, "tab\there", "\x85", "", "   ", 5])},
        {"op": "cue.update", "id": _existing(gen, state["cues"], "gone"), "author": {"kind": "user", "id": 9}},
        {"op": "tempo.set", "bar": r.choice([0, -1, 10_001, 1]), "tempo": r.choice([19, 20, 400, 401, 120])},
        {"op": "tempo.delete", "bar": r.choice([0, 1, "1", None])},
        {"op": "tempo.set", "bar": 1},
    ]
    return r.choice(choices)
