"""
The styles a checkpoint can know, and their data on the model's grid.

A style is a name, what it covers, and a committed cache with a grouped split: the chorales'
come from engine/data.py, the others from engine/style_data.py. A checkpoint lists the styles
it was trained on (its meta "styles", in embedding order); the 1.0 checkpoints know only the
chorales. No music21 here: loading reads the committed caches.
"""
from __future__ import annotations

import os

from engine import data as chorale_data

STYLES = {
    "chorale": "Bach's four-part chorales",
    "folk": "folk and dance melodies (Essen, O'Neill's 1850, Ryan's Mammoth): one voice",
    "renaissance": "Renaissance polyphony (Palestrina's masses, Monteverdi's madrigals): four voices",
    "quartet": "classical string quartets (Haydn, Mozart, Beethoven): four voices",
}
# What the corpus says about each style's encodings (music21/corpus/license.txt and the files).
LICENCES = {
    "chorale": "Bach chorale encodings: public domain",
    "folk": "Essen folk songs: permission for non-commercial distribution and use (essenFolksong/license.txt); "
            "O'Neill's and Ryan's ABC transcriptions: contributed to music21",
    "renaissance": "Palestrina encodings: Copyright 2000 John Miller, 'refer to licensing agreement'; "
                   "Monteverdi madrigals: distributed with music21",
    "quartet": "Haydn, Mozart and Beethoven quartet encodings: distributed with music21",
}
ONE_VOICE = {"folk"}          # styles whose data is a melody alone
HERE = os.path.dirname(os.path.abspath(__file__))
CACHE_DIR = os.path.join(HERE, "data", "styles")
SPLITS = os.path.join(HERE, "data", "splits")

_loaded = {}


def available():
    """The styles whose data is on disk, chorales first."""
    return ["chorale"] + [s for s in STYLES if s != "chorale" and os.path.exists(os.path.join(CACHE_DIR, f"{s}.npz"))]


def _all(style):
    if style not in _loaded:
        _loaded[style] = chorale_data.read_cache(os.path.join(CACHE_DIR, f"{style}.npz"))
    return _loaded[style]


def split_names(style, split):
    with open(os.path.join(SPLITS, style, f"{split}.txt")) as f:
        return [line.strip() for line in f if line.strip()]


def load_split(style, split):
    """[(grid (4, T) int64, cells per bar)] of one style's split, in list order."""
    if style == "chorale":
        return chorale_data.load_split(split)
    pieces = _all(style)
    return [pieces[n] for n in split_names(style, split) if n in pieces]
