"""A file's chord symbols -> the chord.add ops of an import. Pure.

The readers give ``[[tick, canonical symbol]]`` (MusicXML ``<harmony>``, MIDI text events in a
"Chords" track); each chord lasts until the next one, the last until the end of the music. Chords
that would overlap the piece's own chord lane are left out and reported.
"""
from ..symbols import is_canonical_chord
from .midi_read import Refusal

GRID = 120  # a 16th note at 480 per quarter
MAX_CHORDS = 20_000


def check_chords(entries, max_tick: int) -> None:
    """Refuse chord entries the readers should never produce (the sandbox's output is not trusted)."""
    if not isinstance(entries, list) or len(entries) > MAX_CHORDS:
        raise Refusal("the file could not be read (chord symbols)")
    for entry in entries:
        if (not isinstance(entry, list) or len(entry) != 2 or type(entry[0]) is not int
                or not 0 <= entry[0] <= max_tick or not is_canonical_chord(entry[1])):
            raise Refusal("the file could not be read (a chord symbol)")


def plan_chords(entries, *, shift: int, quantize: bool, end: int, base_chords: dict, limit: int,
                provenance: dict, prefix: str) -> tuple[list, list]:
    """(chord.add ops, warnings) for ``entries`` moved by ``shift`` ticks, in a piece ``end`` ticks long."""
    starts = {}
    for tick, symbol in entries:
        start = tick + shift
        if quantize:
            start = (start + GRID // 2) // GRID * GRID
        if 0 <= start < end:
            starts.setdefault(start, symbol)  # two at one tick: the first is kept
    ordered = sorted(starts.items())
    taken = [(c["start"], c["start"] + c["duration"]) for c in base_chords.values()]
    ops, clashes = [], 0
    for index, (start, symbol) in enumerate(ordered):
        stop = ordered[index + 1][0] if index + 1 < len(ordered) else end
        if any(a < stop and start < b for a, b in taken):
            clashes += 1
            continue
        chord_id, suffix = f"{prefix}-c{index + 1}", 1
        while chord_id in base_chords:
            suffix += 1
            chord_id = f"{prefix}-c{index + 1}-{suffix}"
        ops.append({"op": "chord.add", "id": chord_id, "start": start, "duration": stop - start, "symbol": symbol,
                    "provenance": provenance})
    warnings = []
    if clashes:
        warnings.append(f"{clashes} chord symbol{'s' if clashes > 1 else ''} of the file would overlap the piece's "
                        "own chords and were left out")
    room = limit - len(base_chords)
    if len(ops) > room:
        raise Refusal(f"the file has {len(ops):,} chord symbols; this piece can take {max(0, room):,} more "
                      f"(a piece holds at most {limit:,})", "too_large")
    return ops, warnings
