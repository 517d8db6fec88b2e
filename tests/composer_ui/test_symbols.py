"""Keys and chord symbols as people type them: one parser each, canonical text out."""
import pytest

from composer_ui.errors import OpError
from composer_ui.op_schema import KEY_PATTERN
from composer_ui.symbols import NO_CHORD, QUALITIES, normalize_chord, normalize_key, parse_chord

KEYS = {"G": "G major", "g": "G major", "e minor": "E minor", "E min": "E minor", "em": "E minor", "Em": "E minor",
        "Bb": "Bb major", "B♭ major": "Bb major", "b-flat major": "Bb major", "B flat": "Bb major",
        "F# minor": "F# minor", "F♯m": "F# minor", "f sharp minor": "F# minor", "C major": "C major",
        "cmaj": "C major", "CM": "C major", "  \tD  MINOR\u00a0": "D minor", "bbm": "Bb minor", "bb": "Bb major",
        "b": "B major", "Cb major": "Cb major", "f-Sharp Minor": "F# minor", "Bflat": "Bb major", "A MIN": "A minor"}


@pytest.mark.parametrize("typed, canonical", KEYS.items())
def test_every_spelling_of_a_key(typed, canonical):
    assert normalize_key(typed) == canonical
    assert KEY_PATTERN.fullmatch(canonical)
    assert normalize_key(canonical) == canonical


@pytest.mark.parametrize("junk", ["H major", "X", "", "C majorr", "C" * 41, "   ", "C##", "Cmi", "G minor minor",
                                  "major", "Ｇ major", "C ſharp", "c\x00", "A b", None, 5, ["G"]])
def test_junk_keys_are_refused_naming_the_forms(junk):
    with pytest.raises(OpError) as caught:
        normalize_key(junk)
    assert caught.value.code == "invalid"
    if isinstance(junk, str) and len(junk) <= 40:
        assert "'e minor'" in caught.value.message and "Bb" in caught.value.message


CHORDS = {"C": "C", "Cm": "Cm", "C7": "C7", "Cmaj7": "Cmaj7", "Cm7b5": "Cm7b5", "Cdim7": "Cdim7", "Csus4": "Csus4",
          "C6": "C6", "C9": "C9", "C/E": "C/E", "F#m": "F#m", "Bb7": "Bb7", "N.C.": "N.C.", "Cmin": "Cm", "C-": "Cm",
          "CM7": "Cmaj7", "CΔ7": "Cmaj7", "Cø7": "Cm7b5", "C°": "Cdim", "Cdim": "Cdim", "Caug": "Caug", "C+": "Caug",
          "Csus2": "Csus2", "Cadd9": "Cadd9", "C11": "C11", "C13": "C13", "C7b9": "C7b9", "C7#9": "C7#9",
          "Cm6": "Cm6", "Cm9": "Cm9", "C6/9": "C6/9", "NC": "N.C.", "N.C": "N.C.", "n.c.": "N.C.",
          "CΔ": "Cmaj7", "C°7": "Cdim7", "Cø": "Cm7b5", "CMaj7": "Cmaj7", "CMAJ7": "Cmaj7", "cm7": "Cm7",
          "C7(b9)": "C7b9", "Cm(maj7)": "Cm(maj7)", "CmMaj7": "Cm(maj7)", "C maj 7": "Cmaj7", "B♭7": "Bb7",
          "F♯m7♭5": "F#m7b5", "E♭−7": "Ebm7", "A△7": "Amaj7", "G7sus4": "G7sus4", "Gsus": "Gsus4",
          "c m7 / e": "Cm7/E", "C/C": "C", "C6/9/E": "C6/9/E", "Dm7/c": "Dm7/C", "Bb/D": "Bb/D", "C5": "C5",
          "\ufeffG7\u200b": "G7", "C69": "C6/9", "Cadd2": "Cadd9", "C7#5": "C7#5", "Caug7": "C7#5"}


@pytest.mark.parametrize("typed, canonical", CHORDS.items())
def test_every_spelling_of_a_chord(typed, canonical):
    assert normalize_chord(typed) == canonical
    assert normalize_chord(canonical) == canonical


@pytest.mark.parametrize("junk", ["H7", "X", "", " ", "C" * 41, "C/H", "C/E/G", "/E", "C/", "Cmaj7#11", "C7alt",
                                  "C7((b9))", "C7(b9", "N.C.C", "Cſus4", "Ｃ", "C♮", "C7\x00", "C\ud800",
                                  "constructor", None, 7, ["C"], {"C": 1}])
def test_junk_chords_are_refused_naming_the_forms(junk):
    with pytest.raises(OpError) as caught:
        normalize_chord(junk)
    assert caught.value.code == "invalid"


def test_a_chord_gives_root_quality_pitch_classes_and_bass():
    chord = parse_chord("F#m7b5/E")
    assert (chord.symbol, chord.root, chord.root_name, chord.quality) == ("F#m7b5/E", 6, "F#", "m7b5")
    assert chord.pitch_classes == (6, 9, 0, 4) and chord.bass == 4 and chord.bass_name == "E"
    plain = parse_chord("Bb7")
    assert plain.pitch_classes == (10, 2, 5, 8) and plain.bass == 10 and plain.bass_name is None
    assert parse_chord("Cb").root == 11 and parse_chord("B#").root == 0
    none = parse_chord("nc")
    assert none.symbol == NO_CHORD and none.is_no_chord and none.pitch_classes == () and none.bass is None


def test_every_quality_has_a_root_first_spelling_that_reads_back():
    for quality, steps in QUALITIES.items():
        chord = parse_chord("D" + quality)
        assert chord.quality == quality and chord.pitch_classes[0] == 2 and steps[0] == 0
        assert len(set(chord.pitch_classes)) == len(steps)
