"""Write tests/js/fixtures/fold.json (random op sequences folded by the server's own apply_ops) and
tests/js/fixtures/symbols.json (keys and chord symbols through composer_ui/symbols.py, fixture_symbols.py).

    .venv/bin/python tests/js/make_fixtures.py

tests/js/fold.test.mjs replays every case with the JS applyOps (static/js/core/state.js) and asserts the
same final state and, step by step, the same error code and op index. Deterministic (fixed seed), so the
committed JSON only changes when the generator or the Python fold does. Each case starts from
empty_state(); a step is {"actor", "ops", "error": null | {"code", "index"}}; "final" is the state after
all steps (failed steps change nothing). Some cases set small "limits" to reach too_large.
"""
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from composer_ui.op_schema import OpError  # noqa: E402
from composer_ui.state import apply_ops, empty_state, piece_ticks  # noqa: E402
from fixture_piece_data import PIECE_DATA_WEIGHTS, odd_piece_data_op, piece_data_op  # noqa: E402
from fixture_symbols import symbol_fixtures  # noqa: E402

OUT = ROOT / "tests" / "js" / "fixtures" / "fold.json"
SYMBOLS_OUT = ROOT / "tests" / "js" / "fixtures" / "symbols.json"
CASES = 200
KEYS = ["C major", "G major", "F# minor", "Bb major", "E minor", "H major", "c major", "C  major", "Db minor\n"]
SIGNATURES = [[4, 4], [3, 4], [6, 8], [5, 8], [2, 2], [7, 16], [12, 8], [3, 32], [1, 1]]
# Values the schema refuses (or, for the trailing-newline id, that Python's `$` quietly accepts).
BAD_INTS = [-1, True, False, None, "3", 1.5, [1], {"x": 1}, 10_000_001]
WEIRD_IDS = ["", "a b", "x" * 65, "ok\n", "é", "n/1", 7, None, "__proto__", "constructor", "12", "a.b:c-d_e"]
WEIRD_TEXT = ["", "   ", "\x1c\x1d", "\ufeffname", "\x85", "a" * 81, "  ok  ", "\u3000x\u3000", 5, None, "𝄞" * 80]


class Gen:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.counter = 0

    def fresh(self, prefix):
        self.counter += 1
        return self.rng.choice([f"{prefix}{self.counter}", f"{prefix}-{self.counter}.x", f"{self.counter}"])

    def existing_note(self, state):
        return self.rng.choice(sorted(state["notes"])) if state["notes"] else self.fresh("gone")

    def existing_track(self, state):
        return self.rng.choice([t["id"] for t in state["tracks"]]) if state["tracks"] else self.fresh("nt")

    # -- one op that usually applies -----------------------------------------------------
    def op(self, state):
        r = self.rng
        end = piece_ticks(state["piece"])
        kinds = {"note.add": 45, "note.update": 20, "note.delete": 6, "track.add": 4, "track.update": 4,
                 "track.delete": 1, "track.move": 2, "piece.update": 6, "bars.insert": 5, "bars.delete": 4,
                 **PIECE_DATA_WEIGHTS}
        kind = r.choices(list(kinds), list(kinds.values()))[0]
        if kind in PIECE_DATA_WEIGHTS:
            return piece_data_op(self, state, kind)
        if kind == "note.add" or (kind.startswith("note") and not state["notes"]):
            duration = r.choice([1, 60, 120, 240, 480, 960, 1500, 2000])
            start = r.randrange(0, max(1, end - duration + (r.random() < 0.05) * 500))
            if r.random() < 0.5:  # on the grid: notes start exactly on bar lines, where cuts land
                start -= start % 240
            op = {"op": "note.add", "id": self.fresh("n"), "track": self.existing_track(state), "start": start,
                  "duration": duration, "pitch": r.randrange(0, 128)}
            if r.random() < 0.6:
                op["velocity"] = r.randrange(1, 128)
            if r.random() < 0.1:
                op["provenance"] = r.choice([
                    {"author": {"kind": "model", "name": "gridcoco@1.0"}, "job": r.randrange(1, 50),
                     "candidate": r.randrange(0, 4), "accepted_by": {"kind": "user", "id": 2}},
                    {}, {"job": 3}])
            if r.random() < 0.05 and state["notes"]:
                op["id"] = self.existing_note(state)  # conflict: the id exists
            return op
        if kind == "note.update":
            op = {"op": "note.update", "id": self.existing_note(state) if r.random() < 0.93 else self.fresh("gone")}
            for field, values in (("start", lambda: r.randrange(0, end)),
                                  ("duration", lambda: r.choice([1, 120, 480, 900])),
                                  ("pitch", lambda: r.randrange(0, 128)), ("velocity", lambda: r.randrange(1, 128)),
                                  ("track", lambda: self.existing_track(state))):
                if r.random() < 0.35:
                    op[field] = values()
            return op
        if kind == "note.delete":
            return {"op": "note.delete", "id": self.existing_note(state) if r.random() < 0.9 else self.fresh("gone")}
        if kind == "track.add":
            op = {"op": "track.add", "id": self.fresh("t"), "name": r.choice(["Soprano", "Alto", " Bass ", "Pad"])}
            for field, value in (("program", r.randrange(0, 128)),
                                 ("pitch_range", sorted([r.randrange(128), r.randrange(128)])),
                                 ("owner", r.choice([None, 1, 2, 3])), ("channel", r.randrange(0, 16)),
                                 ("colour", r.choice(["#4e79a7", "#000000", "#abcdef"])),
                                 ("volume", r.randrange(0, 128)), ("pan", r.randrange(0, 128)),
                                 ("index", r.randrange(0, len(state["tracks"]) + 2))):
                if r.random() < 0.3:
                    op[field] = value
            if r.random() < 0.05 and state["tracks"]:
                op["id"] = self.existing_track(state)
            return op
        if kind == "track.update":
            op = {"op": "track.update", "id": self.existing_track(state)}
            for field, value in (("name", "Renamed"), ("program", r.randrange(0, 128)), ("owner", r.choice([None, 2])),
                                 ("channel", r.randrange(0, 16)), ("pitch_range", [40, 80]),
                                 ("colour", r.choice(["#e15759", "#123456"])), ("volume", r.randrange(0, 128)),
                                 ("pan", r.choice([0, 64, 127]))):
                if r.random() < 0.4:
                    op[field] = value
            return op
        if kind == "track.delete":
            return {"op": "track.delete", "id": self.existing_track(state)}
        if kind == "track.move":
            return {"op": "track.move", "id": self.existing_track(state),
                    "index": r.randrange(0, len(state["tracks"]) + 1)}
        if kind == "piece.update":
            op = {"op": "piece.update"}
            choices = {"title": lambda: r.choice(["Chorale", "  Étude  ", "x" * 200]),
                       "tempo": lambda: r.randrange(20, 401),
                       "time_signature": lambda: r.choice(SIGNATURES), "key": lambda: r.choice(KEYS[:5]),
                       "bars": lambda: r.randrange(1, 40), "own_tracks_only": lambda: r.random() < 0.5,
                       "ai_enabled": lambda: r.random() < 0.5,
                       "ai_mode": lambda: r.choice(["free", "alternate", "teacher_approves"]),
                       "ai_operations": lambda: r.sample(["continue", "infill", "harmonize", "vary"],
                                                         r.randrange(0, 5)),
                       "ai_quota_per_hour": lambda: r.randrange(0, 1001),
                       "ai_models": lambda: r.choice(["all", [], ["gridcoco"], ["gridcoco", "walk-2.gpu"]]),
                       "fps": lambda: r.choice(["24", "25", "29.97df", "30"]),
                       "start_offset_us": lambda: r.choice([0, 3_600_000_000, r.randrange(0, 86_400_000_001)])}
            for field in r.sample(sorted(choices), r.randrange(1, 4)):
                op[field] = choices[field]()
            return op
        bars = state["piece"]["bars"]
        op = {"op": kind, "at": r.randrange(0, bars + 2)}
        if r.random() < 0.7:
            op["count"] = r.choice([1, 1, 2, 3, bars])
        return op

    # -- one op the schema refuses (or a corner the two sides must agree on) ----------------
    def odd_op(self, state):
        r = self.rng
        op = self.op(state)
        twist = r.randrange(10)
        fields = [k for k in op if k != "op"]
        if twist == 0 and fields:
            op[r.choice(fields)] = r.choice(BAD_INTS)
        elif twist == 1:
            field = r.choice(["colour", "author", "provenance", "last_editor", "human_edited"])
            op[field] = r.choice([1, {"kind": "user"}])
        elif twist == 2 and fields:
            del op[r.choice(fields)]  # a missing field, or note.add/track.add without id
        elif twist == 3:
            op["op"] = r.choice(["note.move", "", 5, None, "Note.add"])
        elif twist == 4 and ("id" in op or "track" in op):
            op["id" if "id" in op else "track"] = r.choice(WEIRD_IDS)
        elif twist == 5:
            op = {"op": "track.add", "id": self.fresh("t"), "name": r.choice(WEIRD_TEXT)}
        elif twist == 6:
            op = {"op": "piece.update", r.choice(["key", "time_signature", "title", "ai_mode", "ai_operations",
                                                  "ai_models", "pitch_range"]):
                  r.choice(KEYS + [[4, 3], [0, 4], [33, 4], [4, 4, 4], "free", ["vary", "vary"], ["x"], "   ", "",
                                   "All", ["a", "a"], ["-x"], ["x" * 41], [1], ["ok\n"], ["é"]])}
        elif twist == 7:
            op = {"op": "piece.update"} if r.random() < 0.5 else r.choice([[], "op", None, {"nop": 1}])
        elif twist == 9:
            op = odd_piece_data_op(self, state)
        else:
            op = {"op": r.choice(["track.add", "track.update"]), "id": self.fresh("t"), "name": "P",
                  "pitch_range": r.choice([[60, 50], [0, 128], [1], [1, 2, 3], [-1, 5], [5, True]])}
        return op


def case(rng: random.Random, number: int) -> dict:
    gen = Gen(rng)
    state = empty_state()
    limits = None
    if number % 10 == 9:
        limits = {"notes_per_piece": rng.randrange(2, 8), "tracks_per_piece": rng.randrange(1, 4),
                  "bars_per_piece": rng.randrange(8, 14), "chords_per_piece": rng.randrange(1, 4),
                  "cues_per_piece": rng.randrange(1, 3)}
    steps = []
    first = [{"op": "piece.update", "title": "Case %d" % number, "bars": rng.randrange(2, 10)},
             {"op": "track.add", "id": "t0", "name": "Melody"}]
    if number % 10 == 3:  # enough tracks to run past channel 9 and out of free channels
        first += [{"op": "track.add", "id": f"t0-{i}", "name": f"Voice {i}"} for i in range(rng.randrange(9, 18))]
    for index in range(rng.randrange(4, 20)):
        actor = rng.choice([{"kind": "user", "id": 1}, {"kind": "user", "id": 2}, {"kind": "user", "id": 3},
                            {"kind": "model", "name": "gridcoco@1.0"}, None, {}])
        if index == 0:
            ops = first
        elif rng.random() < 0.02:
            ops = rng.choice([[], None, "ops"])
        else:
            scratch, ops = state, []
            for _ in range(rng.choice([1, 1, 1, 2, 3, 5])):
                op = gen.odd_op(scratch) if rng.random() < 0.08 else gen.op(scratch)
                ops.append(op)
                try:
                    scratch = apply_ops(scratch, [op], actor, limits=limits)
                except OpError:
                    pass
        try:
            state = apply_ops(state, ops, actor, limits=limits)
            error = None
        except OpError as failure:
            error = {"code": failure.code, "index": failure.index}
        steps.append({"actor": actor, "ops": ops, "error": error})
    return {"name": f"case-{number}", "limits": limits, "steps": steps, "final": state}


def main():
    rng = random.Random(20261126)
    cases = [case(rng, number) for number in range(CASES)]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # One case per line: small diffs when the generator changes.
    lines = ",\n".join(json.dumps(c, sort_keys=True, separators=(",", ":")) for c in cases)
    OUT.write_text("[\n" + lines + "\n]\n")
    codes = {}
    for c in cases:
        for step in c["steps"]:
            code = step["error"]["code"] if step["error"] else "ok"
            codes[code] = codes.get(code, 0) + 1
    kinds = {}
    for c in cases:
        for step in c["steps"]:
            for op in step["ops"] if isinstance(step["ops"], list) else []:
                kind = op.get("op") if isinstance(op, dict) and isinstance(op.get("op"), str) else "?"
                kinds[kind] = kinds.get(kind, 0) + 1
    print(f"wrote {len(cases)} cases to {OUT.relative_to(ROOT)}: steps by outcome {codes}; ops by kind {kinds}")
    symbols = symbol_fixtures()
    SYMBOLS_OUT.write_text("{\n" + ",\n".join(
        f"{json.dumps(name)}: [\n" + ",\n".join(json.dumps(entry, sort_keys=True) for entry in entries) + "\n]"
        for name, entries in symbols.items()) + "\n}\n")
    print(f"wrote {', '.join(f'{len(v)} {k}' for k, v in symbols.items())} to {SYMBOLS_OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
