"""Chord symbols <-> MusicXML ``<harmony>``: one table, both ways. Pure.

A studio symbol is parsed by the one chord parser (composer_ui/symbols.py); its quality becomes a
MusicXML ``<kind>`` (with the studio's spelling as the kind's ``text``, so programs print what people
typed) plus ``<degree>`` elements for what the kind cannot say (add9, 7b9, 7#9, 6/9, 7sus4, 7b5). The
reader maps a kind and its degrees back through the same table; a kind the studio has no quality for
falls back to the nearest one the table names, and anything else is reported, never guessed.
"""
from ..errors import OpError
from ..symbols import LETTER_PC, NO_CHORD, parse_chord

# quality -> (MusicXML kind, degrees as (value, alter, type))
KINDS = {
    "": ("major", ()), "m": ("minor", ()), "7": ("dominant", ()), "maj7": ("major-seventh", ()),
    "m7": ("minor-seventh", ()), "m7b5": ("half-diminished", ()), "dim": ("diminished", ()),
    "dim7": ("diminished-seventh", ()), "aug": ("augmented", ()), "sus2": ("suspended-second", ()),
    "sus4": ("suspended-fourth", ()), "6": ("major-sixth", ()), "m6": ("minor-sixth", ()),
    "9": ("dominant-ninth", ()), "maj9": ("major-ninth", ()), "m9": ("minor-ninth", ()),
    "add9": ("major", ((9, 0, "add"),)), "11": ("dominant-11th", ()), "m11": ("minor-11th", ()),
    "13": ("dominant-13th", ()), "7b9": ("dominant", ((9, -1, "add"),)), "7#9": ("dominant", ((9, 1, "add"),)),
    "6/9": ("major-sixth", ((9, 0, "add"),)), "7sus4": ("suspended-fourth", ((7, -1, "add"),)),
    "m(maj7)": ("major-minor", ()), "7#5": ("augmented-seventh", ()), "7b5": ("dominant", ((5, -1, "alter"),)),
    "5": ("power", ()),
}
# The same kinds under music21's longer names.
KIND_ALIASES = {"dominant-seventh": "dominant", "half-diminished-seventh": "half-diminished",
                "minor-major-seventh": "major-minor"}
# Kinds the studio has no quality for -> the nearest quality (the chord loses its extra colour).
OTHER_KINDS = {
    "major-11th": "maj9", "major-13th": "maj9", "minor-13th": "m9", "augmented-ninth": "7#5",
    "suspended-fourth-seventh": "7sus4", "seventh-flat-five": "7b5", "augmented-major-seventh": "maj7",
    "pedal": "5", "Neapolitan": "", "Italian": "7", "French": "7", "German": "7", "Tristan": "m7b5",
}
_BY_KIND = {(kind, degrees): quality for quality, (kind, degrees) in KINDS.items()}
STEPS = ["C", "C", "D", "D", "E", "F", "F", "G", "G", "A", "A", "B"]


def _step_alter(name: str) -> tuple[str, int]:
    """"Bb" -> ("B", -1)."""
    return name[0], {"#": 1, "b": -1}.get(name[1:], 0)


def harmony_fields(symbol: str) -> dict:
    """What a ``<harmony>`` holds for a studio symbol: root step/alter, kind, its text, degrees, bass."""
    chord = parse_chord(symbol)
    if chord.is_no_chord:
        return {"root": ("C", 0), "kind": "none", "text": NO_CHORD, "degrees": (), "bass": None}
    kind, degrees = KINDS[chord.quality]
    return {"root": _step_alter(chord.root_name), "kind": kind, "text": chord.quality, "degrees": degrees,
            "bass": _step_alter(chord.bass_name) if chord.bass_name else None}


def _name(step: str, alter: int) -> str:
    return step.upper() + {1: "#", -1: "b", 2: "##", -2: "bb"}.get(alter, "")


def symbol_from_harmony(root: tuple[str, int] | None, kind: str, degrees=(), bass: tuple[str, int] | None = None,
                        ) -> str | None:
    """The studio's canonical symbol for a harmony, or None when it cannot be one.

    ``root`` and ``bass`` are (step, alter) with alter in semitones; ``degrees`` (value, alter, type).
    Double sharps and flats are respelled on the nearest natural step the parser reads ("F##" -> "G").
    """
    if kind == "none":
        return NO_CHORD
    if root is None:
        return None
    kind = KIND_ALIASES.get(kind, kind)
    key = (kind, tuple(sorted((int(v), int(a), str(t)) for v, a, t in degrees)))
    quality = _BY_KIND.get(key)
    if quality is None:
        quality = _BY_KIND.get((kind, ())) if kind in {k for k, _ in KINDS.values()} else OTHER_KINDS.get(kind)
    if quality is None:
        return None
    text = _spelled(*root) + quality
    if bass is not None:
        text += "/" + _spelled(*bass)
    try:
        return parse_chord(text).symbol
    except OpError:
        return None


def _spelled(step: str, alter: int) -> str:
    if alter in (-1, 0, 1):
        return _name(step, alter)
    pitch = (LETTER_PC[step.upper()] + alter) % 12
    natural = STEPS[pitch]
    return _name(natural, pitch - LETTER_PC[natural])
