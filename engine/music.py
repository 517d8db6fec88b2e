"""
Small pure music helpers: keys (parse, estimate, scale), and mapping a piece's
tracks onto the model's four voice slots.
"""
from __future__ import annotations

import itertools
import re

import numpy as np

from engine.grid import BACH_RANGES, VOICES

NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
_LETTER = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
MAJOR = {0, 2, 4, 5, 7, 9, 11}
MINOR = {0, 2, 3, 5, 7, 8, 10, 9, 11}   # natural minor + raised 6th and 7th
# Krumhansl-Kessler key profiles
KK_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
KK_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def parse_key(text):
    """'G major', 'f# minor', 'Bb', 'e' (lower case = minor) -> (tonic pc, mode)."""
    m = re.fullmatch(r"\s*([A-Ga-g])([#b\-]*)\s*(major|minor|maj|min|m)?\s*", text or "")
    if not m:
        return None
    letter, acc, mode = m.groups()
    pc = (_LETTER[letter.upper()] + acc.count("#") - acc.count("b") - acc.count("-")) % 12
    if mode is None:
        mode = "minor" if letter.islower() else "major"
    mode = "major" if mode in ("major", "maj") else "minor"
    return pc, mode


def key_name(key):
    pc, mode = key
    return f"{NAMES[pc]} {mode}"


def estimate_key(notes):
    """Krumhansl-Schmuckler on a duration-weighted pitch-class histogram.
    notes: iterable of (pitch, weight). Returns (tonic pc, mode); C major if empty."""
    hist = np.zeros(12)
    for pitch, w in notes:
        hist[pitch % 12] += w
    if hist.sum() == 0:
        return 0, "major"
    best, best_r = (0, "major"), -2.0
    for mode, prof in (("major", KK_MAJOR), ("minor", KK_MINOR)):
        for pc in range(12):
            r = np.corrcoef(hist, np.roll(prof, pc))[0, 1]
            if r > best_r:
                best, best_r = (pc, mode), r
    return best


def scale_pcs(key):
    pc, mode = key
    return {(pc + s) % 12 for s in (MAJOR if mode == "major" else MINOR)}


CENTERS = {v: (lo + hi) / 2 for v, (lo, hi) in BACH_RANGES.items()}
DEFAULT_SETS = {1: ("S",), 2: ("S", "B"), 3: ("S", "A", "B"), 4: VOICES}


def assign_voices(tracks, hints, centers):
    """Map tracks to voice slots.

    tracks: list of track ids in score order; hints: {id: 'S'|'A'|'T'|'B'};
    centers: {id: typical pitch or None}. Explicit hints win; the rest is the
    cheapest injective map where a track's typical pitch sits near the slot's
    Bach range, higher tracks take higher slots, tracks with no notes follow
    score order, and the usual voicings (S; S+B; S+A+B; SATB) are preferred.
    """
    out = {t: hints[t] for t in tracks if hints.get(t)}
    rest = [t for t in tracks if t not in out]
    free = [v for v in VOICES if v not in out.values()]
    best, best_cost = None, None
    for slots in itertools.permutations(free, len(rest)):
        cost = 0.0
        a = dict(zip(rest, slots))
        for t in rest:
            if centers.get(t) is not None:
                cost += abs(centers[t] - CENTERS[a[t]]) / 12
        for i, j in itertools.combinations(rest, 2):   # i comes before j in score order
            ci, cj = centers.get(i), centers.get(j)
            vi, vj = VOICES.index(a[i]), VOICES.index(a[j])
            if ci is not None and cj is not None:
                if (ci - cj) * (vi - vj) > 0 and abs(ci - cj) > 1:
                    cost += 5.0           # higher track in a lower voice
            elif vi > vj:
                cost += 0.5               # keep score order for empty tracks
        chosen = tuple(v for v in VOICES if v in set(slots) | set(out.values()))
        if chosen != DEFAULT_SETS.get(len(tracks)):
            cost += 1.0
        if best_cost is None or cost < best_cost - 1e-9:
            best, best_cost = a, cost
    out.update(best or {})
    return out
