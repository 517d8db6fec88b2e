"""
A request as the grid model sees it, and the way back.

Three mappings, each exact and each with its own module, turn what people write into what the
model knows: the piece's meter onto 4/4 or 3/4 (meters.py), its tracks onto four monophonic voice
slots (track_slots.py), and its pitches into five octaves (registers.py). The answer is mapped
back in the reverse order, and every mapping's warnings travel with it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from engine import meters, registers, track_slots
from engine.probes import bar_ticks


@dataclass
class ModelView:
    request: object            # the request on the model's meter, slots and octaves
    caps: object               # the capabilities as the model sees them (its meter, four slots)
    in_meter: object           # the request on the model's meter only (the chords operation)
    meter: meters.Mapping
    origin: dict | None = None
    octaves: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    def back(self, notes):
        """Candidate notes on the piece's own tracks, octaves and meter."""
        notes = track_slots.from_slots(registers.unfold(notes, self.octaves), self.origin, self.in_meter)
        return meters.from_model(notes, self.meter)


def meter_view(req, caps):
    """Only the meter mapped (what the chords operation needs)."""
    meter = meters.mapping(req.piece.time_signature)
    in_meter = meters.to_model(req, meter)
    model_caps = dataclasses.replace(caps, limits=meters.model_limits(caps.limits, meter))
    return ModelView(request=in_meter, caps=model_caps, in_meter=in_meter, meter=meter,
                     warnings=meters.warnings(req, meter))


def model_view(req, caps):
    view = meter_view(req, caps)
    slotted, view.origin, slot_warnings = track_slots.to_slots(view.in_meter, bar_ticks(view.in_meter.piece.time_signature))
    view.request, view.octaves, register_warnings = registers.fold(slotted)
    view.caps = dataclasses.replace(view.caps, limits={**view.caps.limits, "max_tracks": track_slots.SLOTS})
    view.warnings += slot_warnings + register_warnings
    return view
