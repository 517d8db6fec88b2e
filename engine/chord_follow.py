"""
Follow the chord track: harmonize, infill and continue sound the piece's chord
symbols (Piece.chords) unless the control follow_chords is off.

Within each chord's span, for every voice being written:
- at the chord's first cell: a new note (no tie from before), and a chord
  tone; the bass (slot B) takes the named bass note (the root, or the note
  after the slash);
- at every other beat: an onset must be a chord tone;
- elsewhere: chord tones get a logit bonus, passing notes stay possible.
A constraint that would leave a voice no pitch in its range is left out (a
warning says so). N.C. asks nothing. Called by one line in build_problem.
"""
from __future__ import annotations

import numpy as np

from engine import grid as G
from engine.api import CHORD_VOCABULARIES, HARMONIC_RHYTHMS, InvalidRequest
from engine.chord_symbols import parse

OPERATIONS = ("harmonize", "infill", "continue")
TONE_BONUS = 1.5      # logit bonus on chord tones off the beat
REST_COST = 2.0       # logit cost of a rest where a chord starts
BASS_SLOT = G.VOICES.index("B")


def check_controls(c):
    """The chord controls, checked for every operation (a bad value is refused even where unused)."""
    if c.harmonic_rhythm not in HARMONIC_RHYTHMS:
        raise InvalidRequest(f"control harmonic_rhythm must be one of {', '.join(HARMONIC_RHYTHMS)}, got {c.harmonic_rhythm!r}")
    if c.chord_vocabulary not in CHORD_VOCABULARIES:
        raise InvalidRequest(f"control chord_vocabulary must be one of {', '.join(CHORD_VOCABULARIES)}, got {c.chord_vocabulary!r}")


def chord_cells(piece):
    """[(first cell, end cell, tones (pcs), bass pc)] of the piece's chords (N.C. left out)."""
    out = []
    for c in piece.chords:
        if not (isinstance(c.start, int) and isinstance(c.duration, int) and c.start >= 0 and c.duration > 0):
            raise InvalidRequest(f"chord {c}: need integer start >= 0 and duration > 0")
        parsed = parse(c.symbol)
        if parsed is None:
            continue
        s = c.start // G.STEP
        out.append((s, max(s + 1, -(-(c.start + c.duration) // G.STEP)), set(parsed[1]), parsed[2]))
    return out


def apply(req, allowed, bias, free, f0, slots, shift):
    """Tighten `allowed` and add to `bias` ((4, F, V), frames from f0) for the chords. Returns warnings."""
    check_controls(req.controls)
    spans = chord_cells(req.piece)       # validated whatever the operation
    if not spans or not req.controls.follow_chords or req.operation not in OPERATIONS:
        return []
    F = allowed.shape[1]
    pcs = (np.arange(G.PITCH_LO, G.PITCH_HI + 1) - shift) % 12
    skipped = 0
    for s, e, tones, bass in spans:
        tone = np.zeros(G.VOCAB, bool)
        tone[G.N_SPECIAL:] = np.isin(pcs, list(tones))
        bass_tone = np.zeros(G.VOCAB, bool)
        bass_tone[G.N_SPECIAL:] = pcs == bass
        for v in sorted(set(slots.values())):
            for t in range(max(s, f0), min(e, f0 + F)):
                if not free[v, t]:
                    continue
                i = t - f0
                if t == s or t % 4 == 0:
                    want = bass_tone if (t == s and v == BASS_SLOT) else tone
                    onsets = allowed[v, i] & want
                    if onsets.any():
                        allowed[v, i, G.N_SPECIAL:] = onsets[G.N_SPECIAL:]
                    else:
                        skipped += 1
                    if t == s:
                        allowed[v, i, G.HOLD] = False
                        bias[v, i, G.REST] -= REST_COST
                else:
                    bias[v, i] += TONE_BONUS * tone
    return [f"{skipped} chord constraint(s) left out: no chord tone in the voice's range"] if skipped else []
