"""
The 16th-note voice grid shared by every backend.

A piece is a (4, T) array of tokens: one row per voice slot (S, A, T, B), one
column per 16th note. A cell holds PAD (voice absent), MASK (unknown, to be
filled), REST, HOLD (the note started earlier goes on) or an onset pitch.
Ticks are at 480 per quarter, so one cell is 120 ticks.
"""
from __future__ import annotations

import numpy as np

PPQ = 480                       # ticks per quarter note (the studio's timebase)
STEP = PPQ // 4                 # ticks per 16th-note cell
PAD, MASK, REST, HOLD = 0, 1, 2, 3
PITCH_LO, PITCH_HI = 30, 89     # onset pitches the model knows (inclusive)
N_SPECIAL = 4
VOCAB = N_SPECIAL + PITCH_HI - PITCH_LO + 1   # 64
VOICES = ("S", "A", "T", "B")
# Bach's own voice ranges in the music21 chorales (MIDI, inclusive)
BACH_RANGES = {"S": (57, 81), "A": (53, 74), "T": (48, 69), "B": (36, 64)}
METERS = {"4/4": 16, "3/4": 12}  # supported time signatures -> cells per bar
POS_OFFSET = {16: 0, 12: 16}     # position-in-bar embedding index = offset + step in bar
N_POS = 28


def pitch_token(pitch):
    return pitch - PITCH_LO + N_SPECIAL


def token_pitch(tok):
    return tok - N_SPECIAL + PITCH_LO


def is_onset(tok):
    return tok >= N_SPECIAL


def positions(n_steps, spb, start=0):
    """Position-in-bar index of each cell (also encodes the meter)."""
    return POS_OFFSET[spb] + (np.arange(start, start + n_steps) % spb)


def voice_to_cells(notes, n_steps):
    """Monophonic notes [(start_step, dur_steps, pitch)] -> token row.

    Overlaps are resolved in favour of the later onset (the earlier note is
    cut); two onsets on one cell keep the higher pitch. Returns (row, n_fixed)
    where n_fixed counts the notes that had to be cut or dropped.
    """
    row = np.full(n_steps, REST, dtype=np.int64)
    fixed = 0
    for start, dur, pitch in sorted(notes, key=lambda n: (n[0], -n[2])):
        if start >= n_steps:
            continue
        if row[start] >= N_SPECIAL:     # a higher note already starts here
            fixed += 1
            continue
        if row[start] == HOLD:
            fixed += 1
        end = min(start + max(dur, 1), n_steps)
        row[start] = pitch_token(pitch)
        row[start + 1:end] = HOLD
    return row, fixed


def cells_to_voice(row, start=0):
    """Token row -> notes [(start_step, dur_steps, pitch)]. A HOLD that does not
    follow a note is read as a rest."""
    notes, cur = [], None
    for t, tok in enumerate(row.tolist()):
        if tok >= N_SPECIAL:
            if cur:
                notes.append(tuple(cur))
            cur = [start + t, 1, token_pitch(tok)]
        elif tok == HOLD and cur:
            cur[1] += 1
        else:
            if cur:
                notes.append(tuple(cur))
            cur = None
    if cur:
        notes.append(tuple(cur))
    return notes


def transpose(grid, shift):
    """Transpose onset tokens by `shift` semitones (caller checks the range)."""
    out = grid.copy()
    on = out >= N_SPECIAL
    out[on] += shift
    return out


def pitch_bounds(grid):
    on = grid[grid >= N_SPECIAL]
    if on.size == 0:
        return None
    return int(token_pitch(on.min())), int(token_pitch(on.max()))


def raster(grid):
    """(4, T) -> flat stream in raster order: S A T B of step 0, then step 1..."""
    return np.ascontiguousarray(grid.T).reshape(-1)
