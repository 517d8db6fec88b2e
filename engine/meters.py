"""
The meters people write in, served on the two the model learned (4/4 and 3/4 chorales).

Each meter is written at a time scale where one of its bars is a whole number of the model's
bars, with its beats where the model's strong beats are:

- 2/2 is 4/4 as it is (half-note beats on 1 and 3);
- 2/4 and 3/8 at double time are 4/4 and 3/4 (an eighth becomes a quarter);
- 4/2 and 3/2 at half time are 4/4 and 3/4 (a half note becomes a quarter, as Palestrina's
  breves become Bach's quarters in modern editions);
- compound meters are groups of triple bars: 6/4 is two bars of 3/4, and 6/8, 9/8 and 12/8 at
  double time are two, three and four bars of 3/4 (each dotted beat a bar, its three eighths
  the bar's three quarters);
- odd meters are read as context, padded: 5/4 is 3 + 2 beats on two bars of 3/4 whose last beat
  is left empty, 7/8 at double time is 2 + 2 + 3 eighths on two bars of 4/4, the last quarter
  empty. Nothing is written in the padding, and a note held across it is held across the bar line.

Requests are mapped onto the model's meter, notes and regions exactly, and the answer mapped back.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction

from engine.api import UnsupportedRequest
from engine.probes import bar_ticks


@dataclass(frozen=True)
class Mapping:
    meter: str            # the piece's meter
    model_meter: str      # the meter the model writes in
    scale: Fraction       # model ticks = piece ticks * scale (within a bar)
    bars: int             # model bars per bar of the piece
    note: str             # what the mapping means, for the warnings

    @property
    def bar(self):        # a bar of the piece, in its ticks
        return bar_ticks(self.meter)

    @property
    def span(self):       # a bar of the piece, in the model's ticks (padding included)
        return self.bars * bar_ticks(self.model_meter)

    def to_model(self, tick):
        bar, offset = divmod(tick, self.bar)
        return bar * self.span + round(offset * self.scale)

    def from_model(self, tick):
        """The piece's tick of a model tick; None inside a bar's padding."""
        bar, offset = divmod(tick, self.span)
        offset = offset / self.scale
        return None if offset >= self.bar else bar * self.bar + round(offset)


def _m(meter, model, scale, bars, note=""):
    return Mapping(meter, model, Fraction(scale), bars, note)


MAPPINGS = {m.meter: m for m in [
    _m("4/4", "4/4", 1, 1),
    _m("3/4", "3/4", 1, 1),
    _m("2/2", "4/4", 1, 1, "2/2 is written as 4/4 (the half-note beats fall on 1 and 3)"),
    _m("2/4", "4/4", 2, 1, "2/4 is written as 4/4 at double time"),
    _m("3/8", "3/4", 2, 1, "3/8 is written as 3/4 at double time"),
    _m("4/2", "4/4", Fraction(1, 2), 1, "4/2 is written as 4/4 at half time"),
    _m("3/2", "3/4", Fraction(1, 2), 1, "3/2 is written as 3/4 at half time"),
    _m("6/4", "3/4", 1, 2, "6/4 is written as two bars of 3/4 (one per dotted-half beat)"),
    _m("6/8", "3/4", 2, 2, "6/8 is written as two bars of 3/4 at double time (one per dotted-quarter beat)"),
    _m("9/8", "3/4", 2, 3, "9/8 is written as three bars of 3/4 at double time (one per dotted-quarter beat)"),
    _m("12/8", "3/4", 2, 4, "12/8 is written as four bars of 3/4 at double time (one per dotted-quarter beat)"),
    _m("5/4", "3/4", 1, 2, "5/4 is read as 3 + 2 beats on two bars of 3/4, the last beat left empty: "
                           "the model knows no bar of five"),
    _m("7/8", "4/4", 2, 2, "7/8 is read as 2 + 2 + 3 eighths on two bars of 4/4 at double time, the last "
                           "quarter left empty: the model knows no bar of seven"),
]}
SERVED = list(MAPPINGS)


def mapping(meter: str) -> Mapping:
    if meter in MAPPINGS:
        return MAPPINGS[meter]
    raise UnsupportedRequest(f"time signature {meter!r} is not supported: the model reads bars of 2, 3 or 4 "
                             f"beats (simple or compound), and 5/4 and 7/8 padded; supported: {', '.join(SERVED)}")


def _to_model(n, m: Mapping):
    """A note or a chord symbol on the model's ticks (a note ending on a bar line holds through
    the padding: no rest appears that the piece does not have)."""
    start, end = m.to_model(n.start), m.to_model(n.start + n.duration)
    return dataclasses.replace(n, start=start, duration=max(1, end - start))


def _from_model(n, m: Mapping):
    """Back on the piece's ticks; None for a note that starts in a bar's padding."""
    start = m.from_model(n.start)
    if start is None:
        return None
    end_model = n.start + n.duration
    end = m.from_model(end_model)
    if end is None or end <= start:                  # ends in the padding: at the bar line
        end = (start // m.bar + 1) * m.bar
    return dataclasses.replace(n, start=start, duration=max(1, end - start))


def _identity(req, m):
    return m.scale == 1 and m.bars == 1 and m.model_meter == req.piece.time_signature


def to_model(req, m: Mapping):
    """The request in the model's meter: notes, chords, kept notes, cue ticks and bars, exactly."""
    if _identity(req, m):
        return req
    piece = req.piece
    bars = None if piece.bars is None else piece.bars * m.bars
    new_piece = dataclasses.replace(piece, time_signature=m.model_meter, bars=bars,
                                    notes=[_to_model(n, m) for n in piece.notes],
                                    chords=[_to_model(c, m) for c in piece.chords],
                                    tempo=piece.tempo * float(m.scale))
    targets = req.controls.cue_targets
    controls = dataclasses.replace(req.controls, cue_targets=[
        {**t, "tick": m.to_model(t["tick"])} if isinstance(t, dict) and type(t.get("tick")) is int else t
        for t in targets] if isinstance(targets, list) else targets)
    region = dataclasses.replace(req.region, start_bar=req.region.start_bar * m.bars,
                                 end_bar=req.region.end_bar * m.bars)
    return dataclasses.replace(req, piece=new_piece, region=region, controls=controls,
                               keep=[_to_model(n, m) for n in req.keep])


def from_model(notes, m: Mapping):
    """The model's notes back in the piece's meter (notes the model put in a padding are dropped)."""
    if m.scale == 1 and m.bars == 1:
        return notes
    back = (_from_model(n, m) for n in notes)
    return [n for n in back if n is not None]


def chords_from_model(res, req, m: Mapping):
    """A `chords` answer back in the piece's meter. In a compound meter the model's bar is a dotted
    beat, so "per bar" comes back per dotted beat (a repeated symbol is held on, written once)."""
    if m.scale == 1 and m.bars == 1:
        return res
    for cand in res.candidates:
        merged = []
        for c in from_model(cand.chords, m):
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
