"""Text people type for keys and chord symbols: one parser each, canonical text out. Pure.

``normalize_key("b-flat major") == "Bb major"``, ``normalize_chord("CΔ7") == "Cmaj7"``. The server
rewrites ops to the canonical text before it validates them (op_schema.normalize_ops), so the log holds
one spelling; static/js/core/symbols.js is an exact port, checked on tests/js/fixtures/symbols.json.

Case matters only where musicians make it matter: "m" is minor and "M" major; words ("maj", "Minor",
"SUS", "flat") are read in any case. Whitespace anywhere in a chord symbol is ignored.
"""
import re
from dataclasses import dataclass

from .errors import OpError

MAX_LENGTH = 40
# Spelled out (not \s) so that Python and JavaScript agree on every character.
WHITESPACE = "[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]"
_SPACES = re.compile(WHITESPACE + "+")
LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
ALTER = {"": 0, "#": 1, "b": -1}
# Typographic characters -> the ASCII (or table) spelling they stand for.
GLYPHS = (("♭", "b"), ("♯", "#"), ("−", "-"), ("△", "Δ"), ("∆", "Δ"), ("Ø", "ø"), ("º", "°"), ("˚", "°"))

KEY_FORMS = "'G', 'e minor', 'Em', 'Bb', 'B♭ major', 'b-flat major', 'F# minor', 'f sharp minor', 'Cmaj'"
_KEY_ACCIDENTAL_WORD = re.compile(r"[ -]?(flat|sharp)(?= |$)", re.IGNORECASE | re.ASCII)
_MODES = {"": "major", "M": "major", "m": "minor"}
_MODE_WORDS = {"major": "major", "maj": "major", "minor": "minor", "min": "minor"}

# Canonical quality -> semitones above the root, root first (the order pitch_classes keeps).
QUALITIES = {
    "": (0, 4, 7), "m": (0, 3, 7), "7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11), "m7": (0, 3, 7, 10),
    "m7b5": (0, 3, 6, 10), "dim": (0, 3, 6), "dim7": (0, 3, 6, 9), "aug": (0, 4, 8), "sus2": (0, 2, 7),
    "sus4": (0, 5, 7), "6": (0, 4, 7, 9), "m6": (0, 3, 7, 9), "9": (0, 4, 7, 10, 2), "maj9": (0, 4, 7, 11, 2),
    "m9": (0, 3, 7, 10, 2), "add9": (0, 4, 7, 2),
    "11": (0, 7, 10, 2, 5),  # the third is left out: it clashes with the eleventh
    "m11": (0, 3, 7, 10, 2, 5), "13": (0, 4, 7, 10, 2, 9), "7b9": (0, 4, 7, 10, 1), "7#9": (0, 4, 7, 10, 3),
    "6/9": (0, 4, 7, 9, 2), "7sus4": (0, 5, 7, 10), "m(maj7)": (0, 3, 7, 11), "7#5": (0, 4, 8, 10),
    "7b5": (0, 4, 6, 10), "5": (0, 7),  # a power chord: root and fifth
}
# Other spellings people write -> the canonical quality.
ALIASES = {
    **{q: q for q in QUALITIES},
    "M": "", "maj": "", "major": "", "min": "m", "minor": "m", "mi": "m", "-": "m",
    "dom7": "7", "M7": "maj7", "Δ": "maj7", "Δ7": "maj7", "ma7": "maj7", "major7": "maj7",
    "min7": "m7", "mi7": "m7", "-7": "m7", "minor7": "m7",
    "ø": "m7b5", "ø7": "m7b5", "min7b5": "m7b5", "mi7b5": "m7b5", "-7b5": "m7b5",
    "°": "dim", "o": "dim", "°7": "dim7", "o7": "dim7", "+": "aug", "+5": "aug", "#5": "aug",
    "sus": "sus4", "min6": "m6", "-6": "m6", "M9": "maj9", "Δ9": "maj9", "min9": "m9", "-9": "m9",
    "add2": "add9", "min11": "m11", "-11": "m11", "69": "6/9", "6add9": "6/9", "7sus": "7sus4",
    "mmaj7": "m(maj7)", "mM7": "m(maj7)", "minmaj7": "m(maj7)", "-maj7": "m(maj7)", "mΔ7": "m(maj7)",
    "-Δ7": "m(maj7)",
    "aug7": "7#5", "+7": "7#5", "7+": "7#5", "7+5": "7#5", "7-5": "7b5", "m7-5": "m7b5",
}
NO_CHORD = "N.C."
_NO_CHORD = re.compile(r"[Nn]\.?[Cc]\.?")
_ROOT = re.compile(r"([A-Ga-g])([#b]?)")
_BASS = re.compile(r"/([A-Ga-g])([#b]?)$")
_WORDS = re.compile(r"major|minor|maj|min|dim|aug|sus|add", re.IGNORECASE | re.ASCII)
CHORD_FORMS = "'C', 'Cm', 'C7', 'Cmaj7', 'Cm7b5', 'Cdim7', 'Csus4', 'C6', 'C9', 'C/E', 'F#m', 'Bb7' or 'N.C.'"


def _invalid(message: str):
    raise OpError("invalid", message)


def _glyphs(text: str) -> str:
    for glyph, ascii_form in GLYPHS:
        text = text.replace(glyph, ascii_form)
    return text


def _checked(text, what: str) -> str:
    if not isinstance(text, str):
        _invalid(f"{what} must be text")
    if len(text) > MAX_LENGTH:
        _invalid(f"{what} must be at most {MAX_LENGTH} characters")
    return text


def normalize_key(text) -> str:
    """"b-flat major" -> "Bb major"; raise OpError("invalid") naming the accepted forms."""
    text = _glyphs(_SPACES.sub(" ", _checked(text, "key")).strip(" "))
    refused = f"key {text[:MAX_LENGTH]!r} is not a key I can read; write e.g. {KEY_FORMS}"
    root = _ROOT.match(text)
    if not root:
        _invalid(refused)
    rest, accidental = text[root.end():], root.group(2)
    if not accidental:
        word = _KEY_ACCIDENTAL_WORD.match(rest)
        if word:
            accidental = "b" if word.group(1).lower() == "flat" else "#"
            rest = rest[word.end():]
    mode_text = rest.strip(" ")
    mode = _MODES.get(mode_text) or (_MODE_WORDS.get(mode_text.lower()) if mode_text.isascii() else None)
    if mode is None:
        _invalid(refused)
    return f"{root.group(1).upper()}{accidental} {mode}"


@dataclass(frozen=True)
class Chord:
    """A parsed chord symbol. No-chord ("N.C.") has no root, quality "N.C." and no pitch classes."""
    symbol: str  # canonical text
    root: int | None  # pitch class 0-11
    root_name: str | None  # "Bb"
    quality: str  # a key of QUALITIES, or "N.C."
    pitch_classes: tuple  # the chord's tones as pitch classes, root first (the bass is separate)
    bass: int | None  # pitch class of the lowest note: the slash bass, else the root
    bass_name: str | None  # the slash bass as written ("E" of "C/E"), None without one

    @property
    def is_no_chord(self) -> bool:
        return self.root is None


def _pc(letter: str, accidental: str) -> int:
    return (LETTER_PC[letter.upper()] + ALTER[accidental]) % 12


def _quality(text: str) -> str | None:
    text = _WORDS.sub(lambda m: m.group(0).lower(), text)
    # "C7(b9)", "Cm(maj7)", "C(add9)": one pair of brackets around the alterations is decoration.
    if text.count("(") == 1 and text.count(")") == 1 and text.index("(") < text.index(")"):
        text = text.replace("(", "").replace(")", "")
    return ALIASES.get(text)


def parse_chord(text) -> Chord:
    """"f#m7/e" -> Chord("F#m7/E", ...); raise OpError("invalid") naming the accepted forms."""
    compact = _glyphs(_SPACES.sub("", _checked(text, "chord symbol")))
    refused = f"chord symbol {compact[:MAX_LENGTH]!r} is not one I can read; write e.g. {CHORD_FORMS}"
    if _NO_CHORD.fullmatch(compact):
        return Chord(NO_CHORD, None, None, NO_CHORD, (), None, None)
    root = _ROOT.match(compact)
    if not root:
        _invalid(refused)
    rest, bass_name, bass = compact[root.end():], None, None
    slash = _BASS.search(rest)
    if slash:
        rest = rest[:slash.start()]
        bass_name, bass = slash.group(1).upper() + slash.group(2), _pc(slash.group(1), slash.group(2))
    quality = _quality(rest)
    if quality is None:
        _invalid(refused)
    root_name, root_pc = root.group(1).upper() + root.group(2), _pc(root.group(1), root.group(2))
    if bass == root_pc:  # "C/C" is just C
        bass_name = None
    symbol = root_name + quality + (f"/{bass_name}" if bass_name else "")
    tones = tuple((root_pc + step) % 12 for step in QUALITIES[quality])
    return Chord(symbol, root_pc, root_name, quality, tones, root_pc if bass is None else bass, bass_name)


def normalize_chord(text) -> str:
    """"CΔ7" -> "Cmaj7", "nc" -> "N.C."; raise OpError("invalid") naming the accepted forms."""
    return parse_chord(text).symbol


def is_canonical_key(value) -> bool:
    try:
        return normalize_key(value) == value
    except OpError:
        return False


def is_canonical_chord(value) -> bool:
    try:
        return normalize_chord(value) == value
    except OpError:
        return False
