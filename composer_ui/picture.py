"""The studio's side of scoring to picture, pure (no Django): a fit request checked and handed to the tempo
solver (engine/picture/solver.py) over a piece's cues, its answer as JSON; a cue sheet's cues as ops.

What the studio stores is whole BPM (piece.update tempo, tempo.set), so the solver always runs on the
whole-BPM grid; its solutions are applied by the page as one message of ops (static/js/core/picture.js).
"""
from engine.picture.solver import solve
from engine.picture.timecode import frame_us

from .errors import StudioError
from .op_schema import DENOMINATORS

LIMITS = {"tempo": (20, 400), "max_changes": (0, 8), "tolerance_frames": (0.1, 4.0)}


def _number(value, name: str, lo, hi, *, whole: bool = True):
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not lo <= value <= hi:
        raise StudioError("invalid", f"{name} must be {'a whole number' if whole else 'a number'} from {lo} to {hi}")
    return value


def fit_options(body: dict, piece: dict) -> dict:
    """The solver's options from a request body: tempo_range [slowest, fastest] (default 60-180 BPM),
    time_signature (default the piece's), tolerance_frames (default 1), max_changes (default 4)."""
    if set(body) - {"tempo_range", "time_signature", "tolerance_frames", "max_changes"}:
        raise StudioError("invalid", "a fit takes tempo_range, time_signature, tolerance_frames and max_changes")
    tempo_range = body.get("tempo_range", [60, 180])
    if not isinstance(tempo_range, list) or len(tempo_range) != 2:
        raise StudioError("invalid", "tempo_range is [slowest, fastest] in beats per minute")
    low, high = (_number(v, name, *LIMITS["tempo"]) for v, name in zip(tempo_range, ("the slowest tempo",
                                                                                      "the fastest tempo")))
    if low > high:
        raise StudioError("invalid", "the slowest tempo must not be above the fastest")
    meter = body.get("time_signature", piece["time_signature"])
    if not (isinstance(meter, list) and len(meter) == 2 and all(type(v) is int for v in meter)
            and 1 <= meter[0] <= 32 and meter[1] in DENOMINATORS):
        raise StudioError("invalid", "time_signature is [beats, unit], e.g. [4, 4] or [6, 8]")
    return {"tempo_range": (low, high), "time_signature": meter,
            "tolerance_frames": _number(body.get("tolerance_frames", 1), "tolerance_frames",
                                        *LIMITS["tolerance_frames"], whole=False),
            "max_changes": _number(body.get("max_changes", 4), "max_changes", *LIMITS["max_changes"])}


def fit_piece(state: dict, options: dict) -> dict:
    """The best fits of the piece's cues, as the page lists them: each solution's tempo, start offset, tempo
    changes and bars, and every cue's beat and error in milliseconds and frames."""
    fps = state["piece"]["fps"]
    cues = sorted(state["cues"].values(), key=lambda c: (c["time_us"], c["id"]))
    try:
        result = solve([(c["time_us"], c["kind"]) for c in cues], tuple(options["time_signature"]), fps=fps,
                       tempo_range=options["tempo_range"], tolerance_us=options["tolerance_frames"] * frame_us(fps),
                       tempo_step=1, max_changes=options["max_changes"])
    except ValueError as error:
        raise StudioError("invalid", str(error)) from None
    return {
        "fps": fps, "time_signature": options["time_signature"], "tempo_range": list(options["tempo_range"]),
        "complete": result.complete,
        "too_close": [[cues[i]["id"], cues[j]["id"]] for i, j in result.too_close],
        "solutions": [{
            "tempo": round(s.tempo), "start_offset_us": s.start_offset_us,
            "tempo_changes": [{"bar": c["bar"], "tempo": round(c["tempo"])} for c in s.tempo_changes],
            "bars": s.bars, "tolerance_ms": round(s.tolerance_us / 1000, 3),
            "max_error_ms": round(s.max_error_us / 1000, 3),
            "max_error_frames": round(s.max_error_us / frame_us(fps), 3),
            "cues": [{"id": cues[f.index]["id"], "kind": f.kind, "target": f.target, "bar": f.bar, "beat": f.beat,
                      "error_ms": f.error_ms, "error_frames": f.error_frames} for f in s.cues],
        } for s in result.solutions],
    }


def cue_sheet_ops(cues, *, author: dict, record: dict, replace_ids=()) -> list[dict]:
    """cue.add ops for every cue of a sheet (after cue.delete of ``replace_ids``), with the import's record."""
    provenance = {"author": author, "import": record}
    ops = [{"op": "cue.delete", "id": cue_id} for cue_id in replace_ids]
    return ops + [{"op": "cue.add", "time_us": c.time_us, "kind": c.kind, "label": c.label, "provenance": provenance}
                  for c in cues]
