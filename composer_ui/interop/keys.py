"""Keys and pitch spelling: "F# minor" <-> key signatures, MIDI numbers -> note names. Pure."""
import re

LETTER_FIFTHS = {"F": -1, "C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5}
LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
LETTERS = "CDEFGAB"
SHARP_ORDER, FLAT_ORDER = "FCGDAEB", "BEADGCF"
# Key signature (fifths) -> tonic name, as mido and most programs write them.
MAJOR_BY_FIFTHS = {-7: "Cb", -6: "Gb", -5: "Db", -4: "Ab", -3: "Eb", -2: "Bb", -1: "F", 0: "C", 1: "G", 2: "D",
                   3: "A", 4: "E", 5: "B", 6: "F#", 7: "C#"}
MINOR_BY_FIFTHS = {-7: "Ab", -6: "Eb", -5: "Bb", -4: "F", -3: "C", -2: "G", -1: "D", 0: "A", 1: "E", 2: "B",
                   3: "F#", 4: "C#", 5: "G#", 6: "D#", 7: "A#"}
_KEY = re.compile(r"^([A-G])(#|b)? (major|minor)$")


def parse_key(key: str) -> tuple[str, int, str]:
    """"F# minor" -> ("F", 1, "minor"); anything unreadable is C major."""
    match = _KEY.fullmatch(key or "")
    if not match:
        return "C", 0, "major"
    return match.group(1), {"#": 1, "b": -1, None: 0}[match.group(2)], match.group(3)


def key_fifths(key: str) -> int:
    """Sharps (+) or flats (-) of the key's signature, enharmonically folded into -7..7."""
    letter, alter, mode = parse_key(key)
    fifths = LETTER_FIFTHS[letter] + 7 * alter - (3 if mode == "minor" else 0)
    while fifths > 7:
        fifths -= 12
    while fifths < -7:
        fifths += 12
    return fifths


def key_mode(key: str) -> str:
    return parse_key(key)[2]


def key_name(fifths: int, mode: str) -> str:
    """(2, "major") -> "D major"; the studio's spelling of a key signature."""
    table = MINOR_BY_FIFTHS if mode == "minor" else MAJOR_BY_FIFTHS
    return f"{table[max(-7, min(7, fifths))]} {'minor' if mode == 'minor' else 'major'}"


def midi_key(key: str) -> str:
    """The studio's key as a MIDI key signature name (mido's spelling: "Bb", "F#m")."""
    fifths, mode = key_fifths(key), key_mode(key)
    return MINOR_BY_FIFTHS[fifths] + "m" if mode == "minor" else MAJOR_BY_FIFTHS[fifths]


def signature_alters(fifths: int) -> dict:
    """{letter: alter} of a key signature."""
    alters = dict.fromkeys(LETTERS, 0)
    for letter in (SHARP_ORDER[:fifths] if fifths > 0 else FLAT_ORDER[:-fifths]):
        alters[letter] = 1 if fifths > 0 else -1
    return alters


def spell(midi: int, key: str) -> tuple[str, int, int]:
    """(step, alter, octave) for a MIDI number in ``key``: diatonic notes as the key writes them,
    others as sharps in sharp keys and flats in flat keys; in minor keys the raised sixth and
    seventh are written as raised letters (G# in A minor, C# in D minor)."""
    fifths = key_fifths(key)
    letter, alter, mode = parse_key(key)
    alters = signature_alters(fifths)
    pc = midi % 12
    choice = None
    for step in LETTERS:  # the key's own spelling
        if (LETTER_PC[step] + alters[step]) % 12 == pc:
            choice = (step, alters[step])
            break
    if choice is None and mode == "minor":
        tonic_pc = (LETTER_PC[letter] + alter) % 12
        tonic_index = LETTERS.index(letter)
        for degree, semitones in ((6, 11), (5, 9)):  # raised seventh, raised sixth
            if (tonic_pc + semitones) % 12 == pc:
                step = LETTERS[(tonic_index + degree) % 7]
                choice = (step, (pc - LETTER_PC[step] + 6) % 12 - 6)
                break
    if choice is None:  # chromatic: a natural if one fits, else a sharp in sharp keys, a flat in flat keys
        direction = 1 if fifths > 0 else -1 if fifths < 0 else (-1 if pc in (3, 10) else 1)
        candidates = [(step, a) for step in LETTERS for a in (0, direction, -direction)
                      if (LETTER_PC[step] + a) % 12 == pc]
        choice = min(candidates, key=lambda c: (c[1] != 0, c[1] != direction))
    step, alter = choice
    octave = (midi - LETTER_PC[step] - alter) // 12 - 1
    return step, alter, octave
