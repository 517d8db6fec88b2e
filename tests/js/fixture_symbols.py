"""Inputs for tests/js/fixtures/symbols.json: keys and chord symbols as people type them, and junk.

Each input goes through composer_ui/symbols.py; the fixture keeps the canonical text (and, for chords,
the parsed Chord) or the error code, and tests/js/symbols.test.mjs asks the JS port for the same.
"""
import itertools
import random

from composer_ui.op_schema import OpError, normalize_ops
from composer_ui.symbols import ALIASES, parse_chord, normalize_key

KEY_EXAMPLES = ["G", "g", "e minor", "E min", "em", "Em", "Bb", "B♭ major", "b-flat major", "B flat", "F# minor",
                "F♯m", "f sharp minor", "C major", "cmaj", "CM", "H major", "X", "", "C majorr", "C" * 41,
                " " * 41, "  G  ", "\tg\u00a0minor\u3000", "B FLAT MAJOR", "f-Sharp Minor", "Bbm", "bbm", "bb",
                "b", "bm", "Cb major", "E# minor", "Fb", "B#m", "Bb  minor", "Bbminor", "Bflat", "B-flat",
                "B- flat", "Bb flat", "C##", "Cbb major", "C♮ major", "c MAJ", "c Maj", "C mAjOr", "C M", "C m",
                "Cmi", "C minor key", "Amin", "A MIN", "a minor\n", "\ufeffD major", "D major\u200b", "D\u2003major",
                "Dmajor", "D ma", "D mino", "Ｇ major", "G ｍajor", "ſ", "C ſharp", "C \u212aey", "G-sharp", "G sharp",
                "Gsharp", "G-", "G minor minor", "minor", "major", "#", "b major", "Ab", "ab", "AB", "aB", "A b",
                "c\x00", "C\u0301 major", "C\ud800", "\u0130", "Ⅽ major", "C mİnor", "E\u2009min", None, 5, [], {}]


def _key_inputs(rng):
    inputs = list(KEY_EXAMPLES)
    letters = ["C", "d", "E", "f", "G", "a", "B"]
    accidentals = ["", "#", "b", "♯", "♭", " sharp", "-flat", " Flat", "sharp", "x"]
    modes = ["", " major", " minor", "m", "M", " Maj", " min", "maj", " MINOR", " mode"]
    combos = [f"{l}{a}{m}" for l, a, m in itertools.product(letters, accidentals, modes)]
    inputs += rng.sample(combos, 260)
    return inputs


CHORD_EXAMPLES = ["C", "Cm", "C7", "Cmaj7", "Cm7b5", "Cdim7", "Csus4", "C6", "C9", "C/E", "F#m", "Bb7", "N.C.",
                  "Cmin", "C-", "CM7", "CΔ7", "Cø7", "C°", "Cdim", "Caug", "C+", "Csus2", "Cadd9", "C11", "C13",
                  "C7b9", "C7#9", "Cm6", "Cm9", "C6/9", "NC", "N.C", "n.c.", "nc", "N. C.", "N.C.C", "NCC",
                  "C7(b9)", "C7(#9)", "Cm(maj7)", "C(add9)", "C7((b9))", "C7(b9", "C7)b9(", "CMAJ7", "CMaj7",
                  "cMIN7", "C Sus 4", "c m 7 / e", "C/C", "C/B#", "C6/9/E", "C/E/G", "C/", "/E", "C/H", "C/e",
                  "C/bb", "C/B♭", "C♭", "B♯7", "E♭m7", "F♯ø", "AΔ", "A△7", "A∆9", "AØ7", "Aº7", "A˚", "A−7",
                  "H7", "X", "", " ", "C" * 41, "Cmaj7" + " " * 36, "C maj 7", "C\tm7", "\u00a0Dm7\u3000",
                  "D\u200bm7", "\ufeffG7", "Gmaj13", "G7sus4", "G7sus", "Gsus", "Gm11", "Gmin11", "G-11",
                  "Gaug7", "G+7", "G7+", "G7#5", "G7b5", "G7-5", "Gm7-5", "Gmi", "Gmi7", "Gma7", "GmM7",
                  "Gminmaj7", "G-maj7", "G-Δ7", "Gdom7", "G69", "G6add9", "G2", "Gadd2", "Go", "Go7", "GO7",
                  "Gmajor", "GMAJOR", "Gminor", "Gmajor7", "Gminor7", "GM9", "GΔ", "G-7b5", "Gmin7b5",
                  "Gmi7b5", "C7b9#9", "C7alt", "Cmaj7#11", "C5", "Cm7b5/Gb", "Cm/Eb", "Dm7/C", "G7/B", "C/G",
                  "Am/G#", "F#m7b5/E", "Cb/Fb", "E#/B#", "CSUS4", "CSus2", "CADD9", "CDim", "CAUG", "Cſus4",
                  "C\u212aey", "C7\x00", "C\ud800", "Ｃ", "C𝄫", "C𝄪", "C♮", "Cb5", "C#5", "C+5", "Cmaj", "CM",
                  "Cdim7/A", "c", "bb", "bbm7", "b", "b7", "f#", "F#", "Gb", "A#", "E", None, 7, ["C"], {"C": 1}]


def _chord_inputs(rng):
    inputs = list(CHORD_EXAMPLES)
    roots = ["C", "c", "F#", "Bb", "bb", "B♭", "F♯", "Eb", "ab", "G#", "Cb", "E#", "D", "a"]
    spellings = sorted(ALIASES) + ["Maj7", "MAJ7", "Min", "MIN7", "m(maj7)", "7(b9)", "7(#9)", "(add9)", "m(add9)",
                                   "mmaj9", "maj7#5", "q", "7b13", "M-", "-M", "sus3", "add4", "dim9"]
    basses = ["", "", "", "/E", "/bb", "/G#", "/B♭", "/x", "/C"]
    combos = [f"{r}{q}{b}" for r, q, b in itertools.product(roots, spellings, basses)]
    inputs += rng.sample(combos, 420)
    return inputs


def _outcome(function, value):
    try:
        return {"input": value, **function(value)}
    except OpError as error:
        return {"input": value, "error": error.code}


def _chord(value) -> dict:
    chord = parse_chord(value)
    return {"symbol": chord.symbol, "root": chord.root, "root_name": chord.root_name, "quality": chord.quality,
            "pitch_classes": list(chord.pitch_classes), "bass": chord.bass, "bass_name": chord.bass_name}


NORMALIZE_CASES = [
    [{"op": "piece.update", "key": "e minor", "title": "x"}],
    [{"op": "piece.update", "title": "no key"}],
    [{"op": "chord.add", "start": 0, "duration": 480, "symbol": " am7 "},
     {"op": "chord.update", "id": "c1", "symbol": "BbΔ7/d"}, {"op": "chord.update", "id": "c1", "start": 3}],
    [{"op": "chord.add", "start": 0, "duration": 480, "symbol": "Am7"},
     {"op": "piece.update", "key": "H major"}],
    [{"op": "chord.update", "id": "c1", "symbol": "Hm7"}],
    [{"op": "chord.add", "symbol": None}],
    [{"op": "piece.update", "key": 5}],
    [{"op": "note.add", "symbol": "Am"}, "junk", None, {"op": "cue.add", "label": "Am"}],
    [{"op": "piece.update", "key": "Bb"}, {"op": "piece.update", "key": "b flat minor"}],
    "not a list",
]


def _normalized(ops):
    try:
        return {"ops": ops, "result": normalize_ops(ops)}
    except OpError as error:
        return {"ops": ops, "error": {"code": error.code, "index": error.index}}


def symbol_fixtures() -> dict:
    rng = random.Random(20261127)
    return {"keys": [_outcome(lambda v: {"key": normalize_key(v)}, v) for v in _key_inputs(rng)],
            "chords": [_outcome(_chord, v) for v in _chord_inputs(rng)],
            "normalize_ops": [_normalized(ops) for ops in NORMALIZE_CASES]}
