"""
Chord symbols as the engine reads and writes them: "C", "F#m7", "Bb7/D",
"N.C.". Pure and small: the engine must not import the studio, so this is the
engine's own reader of the canonical spellings the studio sends
(composer_ui/symbols.py rewrites what people type into these before any op is
stored). The quality table matches that parser's canonical qualities.
"""
from __future__ import annotations

import re

from engine.api import InvalidRequest

NO_CHORD = "N.C."
# canonical quality -> semitones above the root (same as composer_ui/symbols.py QUALITIES)
QUALITIES = {
    "": (0, 4, 7), "m": (0, 3, 7), "7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11), "m7": (0, 3, 7, 10),
    "m7b5": (0, 3, 6, 10), "dim": (0, 3, 6), "dim7": (0, 3, 6, 9), "aug": (0, 4, 8), "sus2": (0, 2, 7),
    "sus4": (0, 5, 7), "6": (0, 4, 7, 9), "m6": (0, 3, 7, 9), "9": (0, 4, 7, 10, 2), "maj9": (0, 4, 7, 11, 2),
    "m9": (0, 3, 7, 10, 2), "add9": (0, 4, 7, 2), "11": (0, 7, 10, 2, 5), "m11": (0, 3, 7, 10, 2, 5),
    "13": (0, 4, 7, 10, 2, 9), "7b9": (0, 4, 7, 10, 1), "7#9": (0, 4, 7, 10, 3), "6/9": (0, 4, 7, 9, 2),
    "7sus4": (0, 5, 7, 10), "m(maj7)": (0, 3, 7, 11), "7#5": (0, 4, 8, 10), "7b5": (0, 4, 6, 10), "5": (0, 7),
}
_LETTER = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_SYMBOL = re.compile(r"([A-G])([#b]?)(.*?)(?:/([A-G])([#b]?))?")
SHARP_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
FLAT_NAMES = ["C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"]
# keys (tonic pc, mode) spelled with flats: F, Bb, Eb, Ab, Db, Gb major and their relative minors
_FLAT_MAJOR = {5, 10, 3, 8, 1, 6}


def parse(symbol):
    """'Bb7/D' -> (root pc, tones (pcs, root first), bass pc); 'N.C.' -> None.
    Raise InvalidRequest for anything else."""
    if symbol == NO_CHORD:
        return None
    m = _SYMBOL.fullmatch(symbol) if isinstance(symbol, str) else None
    if not m or m.group(3) not in QUALITIES:
        raise InvalidRequest(f"chord symbol {symbol!r} is not a canonical symbol such as 'C', 'F#m7', 'Bb7/D' or 'N.C.'")
    root = (_LETTER[m.group(1)] + {"": 0, "#": 1, "b": -1}[m.group(2)]) % 12
    tones = tuple((root + s) % 12 for s in QUALITIES[m.group(3)])
    bass = root if m.group(4) is None else (_LETTER[m.group(4)] + {"": 0, "#": 1, "b": -1}[m.group(5)]) % 12
    return root, tones, bass


def pc_name(pc, key):
    """Spell a pitch class the way the key does (flats in flat keys)."""
    tonic, mode = key
    major_tonic = tonic if mode == "major" else (tonic + 3) % 12
    return (FLAT_NAMES if major_tonic in _FLAT_MAJOR else SHARP_NAMES)[pc % 12]


def symbol(root, quality, key, bass=None):
    """(root pc, canonical quality, key) -> 'Bbmaj7'; bass: a pc other than the root adds '/E'."""
    assert quality in QUALITIES, quality
    text = pc_name(root, key) + quality
    return text if bass is None or bass == root else f"{text}/{pc_name(bass, key)}"
