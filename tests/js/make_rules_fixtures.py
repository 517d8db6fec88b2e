"""Write tests/js/fixtures/rules.json: the server's own answers to the rules the page repeats.

    .venv/bin/python tests/js/make_rules_fixtures.py

static/js/core/rules.js ports two server rules; tests/js/rules.test.mjs checks it against these cases:
- "locks": a state (tracks with owners, own_tracks_only on or off), a role and a user id -> the tracks
  permissions.locked_tracks says that user may not edit;
- "stale": a state before a committed message, the message's ops and an AI region -> whether
  regions.region_touched counts the message as a change inside the region (note ops moved into, out of or
  deleted inside it, track deletes, bars ops before its end, meter and length changes);
- "models": a piece's ai_models and a model's name -> whether policy.model_allowed lets it be asked.
Deterministic (fixed seed).
"""
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from composer_ui.op_schema import OpError  # noqa: E402
from composer_ui.permissions import ROLES, locked_tracks  # noqa: E402
from composer_ui.policy import model_allowed  # noqa: E402
from composer_ui.regions import Region, region_touched  # noqa: E402
from composer_ui.state import apply_ops, bar_ticks, empty_state  # noqa: E402

OUT = ROOT / "tests" / "js" / "fixtures" / "rules.json"
USERS = [1, 2, 3]
USER = {"kind": "user", "id": 1}


def random_state(r: random.Random) -> dict:
    meter = r.choice([[4, 4], [3, 4], [6, 8], [2, 2]])
    state = apply_ops(empty_state(), [{"op": "piece.update", "time_signature": meter, "bars": r.randint(2, 8),
                                       "own_tracks_only": r.random() < 0.5}], USER)
    for t in range(r.randint(1, 4)):
        state = apply_ops(state, [{"op": "track.add", "id": f"t{t}", "name": f"Track {t}",
                                   "owner": r.choice([None, *USERS])}], USER)
    size = bar_ticks(state["piece"])
    for n in range(r.randint(0, 12)):
        start = r.randrange(0, state["piece"]["bars"] * size - 240, 120)
        state = apply_ops(state, [{"op": "note.add", "id": f"n{n}", "track": r.choice(state["tracks"])["id"],
                                   "start": start, "duration": 240, "pitch": r.randint(40, 80)}], USER)
    return state


def random_op(r: random.Random, state: dict) -> dict:
    size = bar_ticks(state["piece"])
    end = state["piece"]["bars"] * size
    notes = sorted(state["notes"])
    kind = r.choice(["add", "move", "retrack", "delete", "velocity", "track.delete", "bars.insert", "bars.delete",
                     "meter", "same-meter", "length", "title"])
    if kind == "add" or (kind in ("move", "retrack", "delete", "velocity") and not notes):
        return {"op": "note.add", "id": f"x{r.randrange(10**6)}", "track": r.choice(state["tracks"])["id"],
                "start": r.randrange(0, end - 120, 120), "duration": 120, "pitch": 60}
    if kind == "move":
        return {"op": "note.update", "id": r.choice(notes), "start": r.randrange(0, end - 240, 120)}
    if kind == "retrack":
        return {"op": "note.update", "id": r.choice(notes), "track": r.choice(state["tracks"])["id"]}
    if kind == "delete":
        return {"op": "note.delete", "id": r.choice(notes)}
    if kind == "velocity":
        return {"op": "note.update", "id": r.choice(notes), "velocity": r.randint(1, 127)}
    if kind == "track.delete":
        return {"op": "track.delete", "id": r.choice(state["tracks"])["id"]}
    if kind == "bars.insert":
        return {"op": "bars.insert", "at": r.randint(0, state["piece"]["bars"])}
    if kind == "bars.delete":
        return {"op": "bars.delete", "at": r.randint(0, state["piece"]["bars"] - 2)}
    if kind == "meter":
        return {"op": "piece.update", "time_signature": r.choice([[4, 4], [3, 4], [5, 4]])}
    if kind == "same-meter":
        return {"op": "piece.update", "time_signature": list(state["piece"]["time_signature"])}
    if kind == "length":
        return {"op": "piece.update", "bars": r.randint(1, state["piece"]["bars"] + 2)}
    return {"op": "piece.update", "title": "Renamed"}


def stale_case(r: random.Random) -> dict | None:
    state = random_state(r)
    bars = state["piece"]["bars"]
    first = r.randrange(0, bars)
    region = Region(tuple(sorted(r.sample([t["id"] for t in state["tracks"]], r.randint(1, len(state["tracks"]))))),
                    first, r.randint(first + 1, bars))
    ops = [random_op(r, state) for _ in range(r.choice([1, 1, 1, 2]))]
    try:
        apply_ops(state, ops, USER)
    except OpError:
        return None  # only committed messages are judged
    return {"state": _lean(state), "ops": ops, "region": {"tracks": list(region.tracks), "bars": [region.start_bar, region.end_bar]},
            "touched": region_touched(state, [(ops, USER)], region)}


def _lean(state: dict) -> dict:
    """What the rule reads: the piece's meter and length, track ids and where the notes are."""
    return {"piece": {k: state["piece"][k] for k in ("time_signature", "bars")},
            "tracks": [{"id": t["id"]} for t in state["tracks"]],
            "notes": {i: {k: n[k] for k in ("id", "track", "start", "duration", "pitch")} for i, n in state["notes"].items()}}


def lock_case(r: random.Random) -> dict:
    state = random_state(r)
    role, user = r.choice(ROLES), r.choice(USERS)
    return {"state": {"piece": {"own_tracks_only": state["piece"]["own_tracks_only"]},
                      "tracks": [{"id": t["id"], "owner": t["owner"]} for t in state["tracks"]]}, "role": role, "user": user,
            "locked": sorted(locked_tracks(state, user_id=user, role=role))}


def model_case(r: random.Random) -> dict:
    names = ["default", "gridcoco", "walk", "Walk", "walk-2.gpu"]
    piece = r.choice([{}, {"ai_models": "all"}, {"ai_models": r.sample(names, r.randint(0, 3))}])
    name = r.choice(names)
    return {"piece": piece, "model": name, "allowed": model_allowed(piece, name)}


def main():
    r = random.Random(20261204)
    stale = []
    while len(stale) < 300:
        case = stale_case(r)
        if case is not None:
            stale.append(case)
    locks = [lock_case(r) for _ in range(120)]
    models = [model_case(r) for _ in range(60)]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"stale": stale, "locks": locks, "models": models}, separators=(",", ":"),
                              sort_keys=True) + "\n")
    touched = sum(c["touched"] for c in stale)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(stale)} staleness cases ({touched} touched), {len(locks)} lock cases")


if __name__ == "__main__":
    main()
