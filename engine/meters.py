"""
The meters people write in, served on the two the model learned (4/4 and 3/4 chorales).

Each served meter is written at a time scale where one of its bars is a whole number of the
model's bars, with its beats where the model's strong beats are:

- 2/2 is 4/4 as it is (half-note beats on 1 and 3);
- 2/4 and 3/8 at double time are 4/4 and 3/4 (an eighth becomes a quarter);
- 4/2 and 3/2 at half time are 4/4 and 3/4 (a half note becomes a quarter, as Palestrina's
  breves become Bach's quarters in modern editions);
- compound meters are groups of triple bars: 6/4 is two bars of 3/4, and 6/8, 9/8 and 12/8 at
  double time are two, three and four bars of 3/4 (each dotted beat a bar, its three eighths
  the bar's three quarters).

Requests are mapped onto the model's meter, notes and regions scaled exactly, and the answer
mapped back. 5/4 and 7/8 have no such mapping and are refused with a message that says so.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction

from engine.api import UnsupportedRequest


@dataclass(frozen=True)
class Mapping:
    model_meter: str      # the meter the model writes in
    scale: Fraction       # model ticks = piece ticks * scale
    bars: int             # model bars per bar of the piece
    note: str             # what the mapping means, for the warnings


def _m(meter, scale, bars, note=""):
    return Mapping(meter, Fraction(scale), bars, note)


MAPPINGS = {
    "4/4": _m("4/4", 1, 1),
    "3/4": _m("3/4", 1, 1),
    "2/2": _m("4/4", 1, 1, "2/2 is written as 4/4 (the half-note beats fall on 1 and 3)"),
    "2/4": _m("4/4", 2, 1, "2/4 is written as 4/4 at double time"),
    "3/8": _m("3/4", 2, 1, "3/8 is written as 3/4 at double time"),
    "4/2": _m("4/4", Fraction(1, 2), 1, "4/2 is written as 4/4 at half time"),
    "3/2": _m("3/4", Fraction(1, 2), 1, "3/2 is written as 3/4 at half time"),
    "6/4": _m("3/4", 1, 2, "6/4 is written as two bars of 3/4 (one per dotted-half beat)"),
    "6/8": _m("3/4", 2, 2, "6/8 is written as two bars of 3/4 at double time (one per dotted-quarter beat)"),
    "9/8": _m("3/4", 2, 3, "9/8 is written as three bars of 3/4 at double time (one per dotted-quarter beat)"),
    "12/8": _m("3/4", 2, 4, "12/8 is written as four bars of 3/4 at double time (one per dotted-quarter beat)"),
}
SERVED = list(MAPPINGS)


def mapping(meter: str) -> Mapping:
    if meter in MAPPINGS:
        return MAPPINGS[meter]
    raise UnsupportedRequest(f"time signature {meter!r} is not supported: the model's bars have 2, 3 or 4 "
                             f"beats (simple or compound), and an odd meter has no such mapping; supported: "
                             f"{', '.join(SERVED)}")


def _scaled(n, s: Fraction):
    """A note or a chord symbol with its ticks scaled (rounded to whole ticks)."""
    start, end = n.start * s, (n.start + n.duration) * s
    start_i, end_i = round(start), round(end)
    return dataclasses.replace(n, start=start_i, duration=max(1, end_i - start_i))


def to_model(req, m: Mapping):
    """The request in the model's meter: notes, chords, kept notes, cue ticks and bars scaled exactly."""
    if m.scale == 1 and m.bars == 1 and m.model_meter == req.piece.time_signature:
        return req
    piece = req.piece
    bars = None if piece.bars is None else piece.bars * m.bars
    new_piece = dataclasses.replace(piece, time_signature=m.model_meter, bars=bars,
                                    notes=[_scaled(n, m.scale) for n in piece.notes],
                                    chords=[_scaled(c, m.scale) for c in piece.chords],
                                    tempo=piece.tempo * float(m.scale))
    controls = dataclasses.replace(req.controls, cue_targets=[
        {**t, "tick": round(t["tick"] * m.scale)} if isinstance(t, dict) and isinstance(t.get("tick"), int) else t
        for t in req.controls.cue_targets] if isinstance(req.controls.cue_targets, list) else req.controls.cue_targets)
    region = dataclasses.replace(req.region, start_bar=req.region.start_bar * m.bars,
                                 end_bar=req.region.end_bar * m.bars)
    return dataclasses.replace(req, piece=new_piece, region=region, controls=controls,
                               keep=[_scaled(n, m.scale) for n in req.keep])


def from_model(notes, m: Mapping):
    """The model's notes back in the piece's meter (exact: model ticks are whole 16ths)."""
    if m.scale == 1:
        return notes
    return [_scaled(n, 1 / m.scale) for n in notes]


def chords_from_model(res, req, m: Mapping):
    """A `chords` answer back in the piece's meter. In a compound meter the model's bar is a dotted
    beat, so "per bar" comes back per dotted beat (a repeated symbol is held on, written once)."""
    if m.scale == 1 and m.bars == 1:
        return res
    for cand in res.candidates:
        merged = []
        for c in (_scaled(c, 1 / m.scale) for c in cand.chords):
            if merged and merged[-1].symbol == c.symbol and merged[-1].start + merged[-1].duration == c.start:
                merged[-1] = dataclasses.replace(merged[-1], duration=merged[-1].duration + c.duration)
            else:
                merged.append(c)
        cand.chords = merged
    res.warnings = warnings(req, m) + list(res.warnings)
    return res


def model_limits(limits: dict, m: Mapping) -> dict:
    """The limits as the model sees them: a bar of the piece is `bars` of the model's."""
    return {**limits, "time_signatures": [m.model_meter],
            "max_region_bars": limits["max_region_bars"] * m.bars,
            "max_piece_bars": limits["max_piece_bars"] * m.bars}


def warnings(req, m: Mapping) -> list[str]:
    out = [m.note] if m.note else []
    if m.scale < 1:
        fine = sum(1 for n in req.piece.notes + req.keep if (n.start * m.scale) % 120 or (n.duration * m.scale) % 120)
        if fine:
            out.append(f"{fine} note(s) shorter than the model's grid in {req.piece.time_signature} "
                       f"(an eighth note) were quantized")
    return out
