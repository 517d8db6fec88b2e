"""The cue_targets control (issue 16, part 4): cadences and hits land where the picture's cues are,
on both backends, and bad targets are refused with a clear message."""
import pytest

from engine import cue_targets as CT
from engine.api import Controls, GenerateRequest, InvalidRequest, Note, Piece, Region, Track
from engine.music import parse_key
from engine.testing import melody_notes, satb_piece

BAR = 1920
G_MAJOR = parse_key("G major")


def satb_request(targets, op="infill", seed=0, k=4):
    piece = satb_piece(4)
    piece.key = "G major"
    region = Region([0, 1, 2, 3], 1, 3) if op == "infill" else Region([0, 1, 2, 3], 4, 6)
    return GenerateRequest(op, piece, region, controls=Controls(cue_targets=targets), num_candidates=k, seed=seed)


def sounding(notes, tick):
    return sorted(n.pitch for n in notes if n.start <= tick < n.start + n.duration)


@pytest.mark.parametrize("op", ["infill", "continue"])
def test_a_cadence_puts_the_bass_on_the_tonic_at_the_downbeat_after_the_dominant(gen, op):
    req = satb_request([], op)
    cue = (req.region.end_bar - 1) * BAR
    req.controls.cue_targets = [{"kind": "cadence", "tick": cue}]
    res = gen.generate(req)
    for c in res.candidates:
        heard = CT.heard(req.piece, req.region, c.notes)
        arrival, before = sounding(heard, cue), sounding(heard, cue - 480)
        assert arrival[0] % 12 == 7, arrival                          # G in the bass
        assert {p % 12 for p in arrival} <= {7, 11, 2}, arrival       # G B D above it
        assert before[0] % 12 == 2, before                            # D, the dominant, on the beat before
        assert {p % 12 for p in before} <= {2, 6, 9, 0}, before       # D F# A C
        assert {n.track for n in c.notes if n.start == cue} == {0, 1, 2, 3}   # every voice arrives
        assert CT.met({"kind": "cadence", "tick": cue}, heard, c.notes, {"0", "1", "2", "3"}, G_MAJOR)


def test_a_hit_is_an_onset_in_every_written_voice_and_louder(gen):
    hit = BAR + 480 * 2
    res = gen.generate(satb_request([{"kind": "hit", "tick": hit}], seed=5))
    for c in res.candidates:
        at = [n for n in c.notes if n.start == hit]
        assert {n.track for n in at} == {0, 1, 2, 3}
        assert all(n.velocity == 80 + CT.HIT_ACCENT for n in at)
        assert all(n.velocity == 80 for n in c.notes if n.start != hit)


def test_a_lone_melody_lands_on_the_tonic(gen):
    piece = Piece([Track("m", "Melody")], melody_notes("m")[:8], key="G major")
    req = GenerateRequest("continue", piece, Region(["m"], 2, 4), num_candidates=4, seed=2,
                          controls=Controls(cue_targets=[{"kind": "cadence", "tick": 3 * BAR},
                                                         {"kind": "hit", "tick": 2 * BAR + 480}]))
    for c in gen.generate(req).candidates:
        heard = CT.heard(piece, req.region, c.notes)
        assert [p % 12 for p in sounding(heard, 3 * BAR)] == [7]          # on G
        assert all(CT.met(t, heard, c.notes, {"m"}, G_MAJOR) for t in req.controls.cue_targets)


def test_without_targets_nothing_changes(ngram_gen):
    a = ngram_gen.generate(satb_request([], seed=9)).candidates
    b = ngram_gen.generate(GenerateRequest.from_dict({**satb_request([], seed=9).to_dict(),
                                                      "controls": {}})).candidates
    assert [c.notes for c in a] == [c.notes for c in b]


def test_capabilities_list_the_control(gen):
    spec = gen.capabilities().controls["cue_targets"]
    assert spec["type"] == "cue_targets" and spec["kinds"] == ["cadence", "hit"] and spec["default"] == []


@pytest.mark.parametrize("targets,message", [
    ("cadence at bar 2", "must be a list"),
    ([{"kind": "fanfare", "tick": BAR}], "kind must be one of cadence, hit"),
    ([{"kind": "cadence", "tick": 3 * BAR}], "outside the region"),
    ([{"kind": "hit", "tick": 0}], "outside the region"),
    ([{"kind": "cadence", "tick": BAR + 480}], "a cadence lands on a downbeat"),
    ([{"kind": "hit", "tick": BAR + 120}], "a hit lands on a beat"),
    ([{"kind": "hit", "tick": "1920"}], "tick must be an integer"),
    ([{"kind": "hit", "tick": True}], "tick must be an integer"),
    ([{"kind": "hit", "tick": BAR, "bar": 1}], "exactly kind and tick"),
    ([{"kind": "hit", "tick": BAR}, {"kind": "hit", "tick": BAR}], "two hit targets at tick 1920"),
    ([{"kind": "hit", "tick": BAR}] * 40, "at most 32"),
])
def test_bad_targets_are_refused_by_name(ngram_gen, targets, message):
    with pytest.raises(InvalidRequest, match="cue_targets") as e:
        ngram_gen.generate(satb_request(targets))
    assert message in str(e.value)


def test_a_range_without_the_chord_warns_and_still_answers(ngram_gen):
    req = satb_request([{"kind": "cadence", "tick": 2 * BAR}])
    req.controls.pitch_range = {"3": [44, 45]}            # no G anywhere in the bass's range
    res = ngram_gen.generate(req)
    assert any("cue_targets" in w and "voice B" in w for w in res.warnings)


def test_met_checks_what_is_heard():
    notes = [Note("b", 0, 480, 50), Note("s", 0, 480, 66), Note("b", 480, 960, 43), Note("s", 480, 960, 71)]
    assert CT.met({"kind": "cadence", "tick": 480}, notes, notes, {"b", "s"}, G_MAJOR)
    wrong = notes[:2] + [Note("b", 480, 960, 47), Note("s", 480, 960, 67)]   # B in the bass: not a root arrival
    assert not CT.met({"kind": "cadence", "tick": 480}, wrong, wrong, {"b", "s"}, G_MAJOR)
