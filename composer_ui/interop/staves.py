"""How a track is notated: which clef, and one staff or a grand staff. Pure.

The one home of these rules: the MusicXML export writes them, and the studio's notation pane renders
that export, so a score printed from the page and the file opened in MuseScore agree.

A clef is chosen by the track's range (its notes; a track without notes by its declared pitch range)
so that the music sits on the staff with at most a few ledger lines:

- treble (G clef) when everything lies from G3 up;
- treble-8 (G clef sounding an octave lower, the tenor's clef) for a line around middle C that dips
  below G3 but stays within A2-C5 and mostly above G3's neighbourhood (median from G3);
- bass (F clef) when everything lies from E1 to E4;
- treble-8 for the rest of what fits A2-C5;
- otherwise, when the range needs both clefs, a grand staff: treble above, bass below, notes from
  middle C (60) up on the upper staff;
- a drum track (MIDI channel 10) gets the percussion clef.

A track with no notes yet is notated by its declared pitch range (the instrument's or voice's whole
compass, wider than any line): the clef whose comfortable range overlaps it most (ties: treble, then
bass), or a grand staff for a keyboard-wide compass (below C3 and above G5).
"""
from dataclasses import dataclass

TREBLE = {"sign": "G", "line": 2, "octave_change": 0, "name": "treble"}
TREBLE_8 = {"sign": "G", "line": 2, "octave_change": -1, "name": "treble-8"}
BASS = {"sign": "F", "line": 4, "octave_change": 0, "name": "bass"}
PERCUSSION = {"sign": "percussion", "line": None, "octave_change": 0, "name": "percussion"}

# Pitches (MIDI) each clef reads comfortably: up to about three ledger lines either side.
TREBLE_RANGE = (55, 91)     # G3 - G6
TREBLE_8_RANGE = (45, 72)   # A2 - C5 sounding
BASS_RANGE = (28, 64)       # E1 - E4
TENOR_MEDIAN = 55           # a line centred from G3 up reads better in treble-8 than in bass
SPLIT = 60                  # on a grand staff, middle C and above go on the upper staff
DRUM_CHANNEL = 9
KEYBOARD_COMPASS = (48, 76)  # a declared range reaching below the first and above the second: grand staff


@dataclass(frozen=True)
class StaffPlan:
    clefs: tuple  # one clef per staff, top first
    split: int | None = None  # grand staff: pitches >= split on staff 1, the rest on staff 2

    @property
    def staves(self) -> int:
        return len(self.clefs)

    def staff_of(self, pitch: int) -> int:
        """1-based staff a pitch is written on."""
        return 1 if self.split is None or pitch >= self.split else 2

    @property
    def names(self) -> list[str]:
        return [clef["name"] for clef in self.clefs]


def _within(low: int, high: int, bounds: tuple) -> bool:
    return bounds[0] <= low and high <= bounds[1]


def plan_for_pitches(pitches, *, drums: bool = False) -> StaffPlan:
    """The clef(s) for a line with these pitches (any iterable of MIDI numbers; empty: treble)."""
    if drums:
        return StaffPlan((PERCUSSION,))
    ordered = sorted(pitches)
    if not ordered:
        return StaffPlan((TREBLE,))
    low, high, median = ordered[0], ordered[-1], ordered[len(ordered) // 2]
    if _within(low, high, TREBLE_RANGE):
        return StaffPlan((TREBLE,))
    if _within(low, high, TREBLE_8_RANGE) and median >= TENOR_MEDIAN:
        return StaffPlan((TREBLE_8,))
    if _within(low, high, BASS_RANGE):
        return StaffPlan((BASS,))
    if _within(low, high, TREBLE_8_RANGE):
        return StaffPlan((TREBLE_8,))
    if low < TREBLE_RANGE[0] and high > BASS_RANGE[1]:
        return StaffPlan((TREBLE, BASS), split=SPLIT)
    return StaffPlan((BASS,)) if high <= BASS_RANGE[1] else StaffPlan((TREBLE,))


def plan_for_compass(low: int, high: int) -> StaffPlan:
    """The clef(s) for an instrument's declared compass, before it has notes."""
    if low < KEYBOARD_COMPASS[0] and high > KEYBOARD_COMPASS[1]:
        return StaffPlan((TREBLE, BASS), split=SPLIT)

    def overlap(bounds):
        return min(high, bounds[1]) - max(low, bounds[0])
    candidates = [(TREBLE, TREBLE_RANGE), (BASS, BASS_RANGE), (TREBLE_8, TREBLE_8_RANGE)]
    best = max(candidates, key=lambda c: overlap(c[1]))  # max keeps the first of equals
    return StaffPlan((best[0],))


def plan_for_track(track: dict, notes) -> StaffPlan:
    """The staff plan of a studio track: by its notes' pitches, else by its declared pitch range."""
    if track.get("channel") == DRUM_CHANNEL:
        return StaffPlan((PERCUSSION,))
    pitches = [note["pitch"] for note in notes]
    declared = track.get("pitch_range")
    if not pitches and declared and list(declared) != [0, 127]:
        return plan_for_compass(declared[0], declared[1])
    return plan_for_pitches(pitches)
