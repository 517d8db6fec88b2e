"""
MIDI <-> Piece with pretty_midi. Ticks are rescaled to 480 per quarter; one
track per non-drum instrument.
"""
from __future__ import annotations

from engine.api import Note, Piece, Track
from engine.grid import PPQ


def read_midi(path):
    import pretty_midi
    pm = pretty_midi.PrettyMIDI(path)
    scale = PPQ / pm.resolution
    tracks, notes = [], []
    for inst in pm.instruments:
        if inst.is_drum or not inst.notes:
            continue
        tid = len(tracks)
        tracks.append(Track(tid, inst.name or f"track {tid + 1}"))
        for n in inst.notes:
            s = int(round(pm.time_to_tick(n.start) * scale))
            e = int(round(pm.time_to_tick(n.end) * scale))
            notes.append(Note(tid, s, max(1, e - s), int(n.pitch), int(n.velocity) or 80))
    ts = "4/4"
    if pm.time_signature_changes:
        t = pm.time_signature_changes[0]
        ts = f"{t.numerator}/{t.denominator}"
    times, tempi = pm.get_tempo_changes()
    tempo = float(tempi[0]) if len(tempi) else 120.0
    return Piece(tracks=tracks, notes=notes, time_signature=ts, tempo=tempo)


def write_midi(piece, path, extra_notes=()):
    """Write the piece (plus `extra_notes`, e.g. a candidate) as a type-1 MIDI file."""
    import pretty_midi
    pm = pretty_midi.PrettyMIDI(resolution=PPQ, initial_tempo=piece.tempo)
    num, den = (int(x) for x in piece.time_signature.split("/"))
    pm.time_signature_changes.append(pretty_midi.TimeSignature(num, den, 0.0))
    sec = 60.0 / piece.tempo / PPQ
    insts = {}
    for i, t in enumerate(piece.tracks):
        insts[str(t.id)] = pretty_midi.Instrument(program=0, name=t.name or f"track {t.id}")
        pm.instruments.append(insts[str(t.id)])
    for n in list(piece.notes) + list(extra_notes):
        insts[str(n.track)].notes.append(pretty_midi.Note(velocity=n.velocity, pitch=n.pitch,
                                                          start=n.start * sec, end=(n.start + n.duration) * sec))
    pm.write(path)
