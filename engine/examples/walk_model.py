"""
A stand-in for an outside model with a "MIDI in, MIDI out" interface, the kind
a model maker already has: it reads a MIDI file and writes new notes for one
instrument (by name; a new one if the file has none of that name: pretty_midi
drops instruments without notes) between two times. This one is a seeded random walk on the pitches
the instrument already plays (or a C major scale), one note per beat. It only
exists so engine/examples/midi_adapter.py has something real to wrap.
"""
import io
import random

import pretty_midi


def walk_model(midi: bytes, *, instrument: str, start_s: float, end_s: float, beat_s: float,
               temperature: float = 1.0, seed: int = 0) -> bytes:
    pm = pretty_midi.PrettyMIDI(io.BytesIO(midi))
    inst = next((i for i in pm.instruments if i.name == instrument), None)
    if inst is None:
        inst = pretty_midi.Instrument(program=0, name=instrument)
        pm.instruments.append(inst)
    own = sorted({n.pitch for n in inst.notes}) or [60, 62, 64, 65, 67, 69, 71, 72]
    rng = random.Random(seed)
    i, t = rng.randrange(len(own)), start_s
    while t + beat_s <= end_s + 1e-9:
        i = min(max(i + round(rng.gauss(0, 1.5 * temperature)), 0), len(own) - 1)
        inst.notes.append(pretty_midi.Note(velocity=72, pitch=own[i], start=t, end=t + beat_s))
        t += beat_s
    out = io.BytesIO()
    pm.write(out)
    return out.getvalue()
