"""States and pieces for the interop tests: deterministic, with people's and AI-accepted notes."""
import random

from composer_ui.state import apply_ops, bar_ticks, empty_state

MODEL = {"kind": "model", "name": "gridcoco@1.0.0+20261126"}


def state_ops(seed=0, *, tracks=3, notes=60, bars=8, time_signature=(4, 4), key="G major", tempo=96,
              quantized=False, user_ids=(1, 2), job=31):
    """Ops that build a piece; notes never overlap another note of the same pitch on the same track
    (MIDI cannot tell such notes apart)."""
    rng = random.Random(seed)
    piece = {"op": "piece.update", "title": f"Piece {seed}", "tempo": tempo, "time_signature": list(time_signature),
             "key": key, "bars": bars}
    ops = [piece]
    names = ["Soprano", "Alto", "Tenor", "Bass", "Piano", "Drums"]
    for index in range(tracks):
        channel = 9 if names[index % len(names)] == "Drums" else index
        ops.append({"op": "track.add", "id": f"t{index}", "name": names[index % len(names)],
                    "program": rng.randrange(128), "channel": channel})
    end = bar_ticks({"time_signature": list(time_signature)}) * bars
    busy = {}
    for index in range(notes * 3):
        if sum(1 for op in ops if op["op"] == "note.add") >= notes:
            break
        track = f"t{rng.randrange(tracks)}"
        if quantized:
            grid = 120
            start = rng.randrange(0, end // grid) * grid
            duration = grid * rng.randint(1, 8)
        else:
            start = rng.randrange(0, end - 1)
            duration = rng.randint(1, 1500)
        duration = min(duration, end - start)
        pitch = rng.randint(28, 100)
        if any(s < start + duration and start < e for s, e in busy.get((track, pitch), [])):
            continue
        busy.setdefault((track, pitch), []).append((start, start + duration))
        op = {"op": "note.add", "id": f"n{index}", "track": track, "start": start, "duration": duration,
              "pitch": pitch, "velocity": rng.randint(1, 127)}
        if rng.random() < 0.25:
            op["provenance"] = {"author": MODEL, "job": job, "candidate": 2,
                                "accepted_by": {"kind": "user", "id": user_ids[0]}}
        elif rng.random() < 0.3 and len(user_ids) > 1:
            op["provenance"] = {"author": {"kind": "user", "id": user_ids[1]}}
        ops.append(op)
    return ops


def make_state(seed=0, **kwargs):
    user_ids = kwargs.get("user_ids", (1, 2))
    return apply_ops(empty_state(), state_ops(seed, **kwargs), {"kind": "user", "id": user_ids[0]},
                     limits={"notes_per_piece": 10**9, "tracks_per_piece": 10**9, "bars_per_piece": 10**9})


def fill_piece(piece, seed=0, **kwargs):
    """Write a random piece's settings, tracks and notes into ``piece`` (one trusted event)."""
    from composer_ui import selectors, services

    owner = piece.owner
    _, before = selectors.piece_state(piece_id=piece.pk)
    ops = [{"op": "track.delete", "id": t["id"]} for t in before["tracks"]]
    ops += state_ops(seed, **{"user_ids": (owner.pk, owner.pk), **kwargs})
    return services.ops_apply(piece_id=piece.pk, user=owner, ops=ops, client_op_id=None, kind="accept",
                              trusted=True)


def notes_by_track(state):
    """{track position: sorted [(start, duration, pitch, velocity)]} — what a round trip must keep."""
    order = {t["id"]: i for i, t in enumerate(state["tracks"])}
    found = {}
    for note in state["notes"].values():
        found.setdefault(order[note["track"]], []).append((note["start"], note["duration"], note["pitch"],
                                                           note["velocity"]))
    return {k: sorted(v) for k, v in found.items()}


def piece_data_ops(user_id, tracks=("t0", "t1")):
    """Piece model v2 data for a piece of at least 4 bars in 4/4 with ``tracks``: colours, levels and order,
    a chord lane (one chord accepted from the AI, one a person changed), cues and a tempo map."""
    person = {"kind": "user", "id": user_id}
    return [
        {"op": "track.update", "id": tracks[0], "colour": "#000000", "volume": 90, "pan": 20},
        {"op": "track.update", "id": tracks[1], "volume": 0, "pan": 127},
        {"op": "track.move", "id": tracks[1], "index": 0},
        {"op": "piece.update", "fps": "29.97df", "start_offset_us": 3_600_000_000},
        {"op": "chord.add", "id": "ch1", "start": 0, "duration": 1920, "symbol": "Em"},
        {"op": "chord.add", "id": "ch2", "start": 1920, "duration": 960, "symbol": "Am7/G",
         "provenance": {"author": MODEL, "job": 31, "candidate": 1, "accepted_by": person}},
        {"op": "chord.add", "id": "ch3", "start": 2880, "duration": 960, "symbol": "B7",
         "provenance": {"author": MODEL, "job": 31, "candidate": 1, "accepted_by": person, "human_edited": True,
                        "last_editor": person}},
        {"op": "cue.add", "id": "q1", "time_us": 3_612_200_000, "kind": "hit", "label": "door slam"},
        {"op": "cue.add", "id": "q2", "time_us": 3_630_000_000, "kind": "cadence"},
        {"op": "tempo.set", "bar": 2, "tempo": 96}, {"op": "tempo.set", "bar": 3, "tempo": 72},
    ]
