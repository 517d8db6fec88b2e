"""Clefs and staves by range (interop/staves.py): the rules the MusicXML export and the notation pane share."""
import pytest

from composer_ui.interop.staves import plan_for_compass, plan_for_pitches, plan_for_track
from composer_ui.piece_templates import TEMPLATES


@pytest.mark.parametrize("pitches,clefs", [
    ([60, 64, 67, 72, 79], ["treble"]),                 # a melody
    ([55, 62, 67, 74, 84], ["treble"]),                 # from G3 up
    (list(range(33, 56)), ["bass"]),                    # a bass line, A1-G3
    ([36, 43, 48, 55, 60, 62], ["bass"]),               # a cello line up to D4
    ([48, 52, 55, 57, 60, 64, 67], ["treble-8"]),       # a tenor line, C3-G4
    ([50, 55, 57, 59, 60, 62, 64], ["treble-8"]),       # a tenor line that bass would also hold
    ([45, 48, 50, 52, 53, 55, 70], ["treble-8"]),       # low, but it climbs above the bass staff
    ([36, 84], ["treble", "bass"]),                     # C2-C6: a grand staff
    (list(range(40, 90, 3)), ["treble", "bass"]),       # a piano part
    ([], ["treble"]),
])
def test_clefs_by_range(pitches, clefs):
    assert plan_for_pitches(pitches).names == clefs


def test_a_grand_staff_puts_middle_c_and_above_on_the_upper_staff():
    plan = plan_for_pitches([36, 84])
    assert plan.staves == 2 and plan.split == 60
    assert [plan.staff_of(p) for p in (59, 60, 84, 36)] == [2, 1, 1, 2]
    assert plan_for_pitches([60, 72]).staff_of(30) == 1  # one staff: everything on it


def test_drums_get_the_percussion_clef_and_empty_tracks_their_declared_range():
    assert plan_for_track({"channel": 9, "pitch_range": [35, 81]}, [{"pitch": 36}]).names == ["percussion"]
    assert plan_for_track({"channel": 0, "pitch_range": [0, 127]}, []).names == ["treble"]
    assert plan_for_track({"channel": 0, "pitch_range": [28, 55]}, [{"pitch": 72}]).names == ["treble"]  # notes win
    assert plan_for_compass(36, 84).names == ["treble", "bass"]


def test_every_template_track_starts_in_the_clef_musicians_expect():
    found = {(key, t["name"]): plan_for_track(t, []).names for key, (_, _, tracks) in TEMPLATES.items() for t in tracks}
    assert found[("satb", "Soprano")] == ["treble"] and found[("satb", "Alto")] == ["treble"]
    assert found[("satb", "Tenor")] == ["treble-8"] and found[("satb", "Bass")] == ["bass"]
    assert found[("piano", "Right hand")] == ["treble"] and found[("piano", "Left hand")] == ["bass"]
    assert found[("string_quartet", "Cello")] == ["bass"] and found[("melody_bass", "Bass")] == ["bass"]
    assert found[("band", "Piano")] == ["treble", "bass"] and found[("band", "Drums")] == ["percussion"]
    assert found[("lead_sheet", "Melody")] == ["treble"]
