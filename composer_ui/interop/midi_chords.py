"""Chord symbols in MIDI files: text events the studio writes in a track named "Chords". Pure.

midi_export.chord_events writes them; the reader (in the sandbox) gives back the text events it met,
and ``chord_texts`` keeps those that are chord symbols, in the parser's canonical spelling.
"""
from ..errors import OpError
from ..symbols import normalize_chord

CHORD_TRACK_NAMES = {"chords", "chord symbols"}


def chord_texts(texts: list, names: dict, fmt: int) -> tuple[list, int]:
    """([[tick, canonical symbol]], how many could not be read) from text events: in a type 1 file those of
    a track named "Chords" (as the studio writes them); in a type 0 file, text events that are nothing
    but a chord symbol."""
    chords, unread = [], 0
    for number, tick, text in texts:
        in_chord_track = fmt == 1 and names.get(number, "").strip().lower() in CHORD_TRACK_NAMES
        if not in_chord_track and fmt == 1:
            continue
        try:
            chords.append([tick, normalize_chord(text)])
        except OpError:
            unread += in_chord_track
    return sorted(chords, key=lambda c: c[0]), unread
