"""engine.adapter and the worked MIDI adapter, in process (the kit runs against it as a server in
test_conformance.py)."""
import pytest

from engine.adapter import check_request, clip_to_region
from engine.api import Controls, GenerateRequest, InvalidRequest, Note, Piece, Region, UnsupportedRequest
from engine.examples.midi_adapter import CAPABILITIES, MidiAdapter
from engine.testing import satb_piece


def req(op="infill", region=Region([0], 1, 2), **kw):
    return GenerateRequest(op, kw.pop("piece", satb_piece()), region, seed=1, **kw)


@pytest.mark.parametrize("request_,error,words", [
    (req("vary"), UnsupportedRequest, "supported: continue, infill, harmonize"),
    (req(piece=Piece(satb_piece().tracks, [], "6/8")), UnsupportedRequest, "supported: 4/4, 3/4"),
    (req(region=Region([9], 1, 2)), InvalidRequest, "region.tracks must name tracks"),
    (req(region=Region([0], 0, 40)), UnsupportedRequest, "at most 16 bars"),
    (req(num_candidates=9), InvalidRequest, "num_candidates must be 1..4"),
    (req(controls=Controls(temperature=3.0)), InvalidRequest, "temperature must be a number in [0.1, 2.0]"),
    (req(keep=[Note(0, 0, 480, 60)]), InvalidRequest, "inside the region"),
])
def test_check_request_names_what_the_model_supports(request_, error, words):
    with pytest.raises(error) as e:
        check_request(request_, CAPABILITIES)
    assert words in str(e.value)


def test_clip_to_region_keeps_the_regions_tracks_and_bars():
    notes = [Note(0, 1800, 480, 60), Note(0, 1920, 480, 62), Note(0, 3600, 480, 64), Note(1, 1920, 480, 65)]
    assert clip_to_region(notes, req()) == [Note(0, 1920, 480, 62), Note(0, 3600, 240, 64)]


def test_the_adapter_answers_in_process_like_any_backend():
    res = MidiAdapter().generate(req("harmonize", Region([1, 2], 0, 2), num_candidates=3, keep=[Note(1, 0, 480, 62)]))
    assert len(res.candidates) == 3 and res.provenance.model == "midi-walk" and res.provenance.seed == 1
    for c in res.candidates:
        assert Note(1, 0, 480, 62) in c.notes
        assert {n.track for n in c.notes} <= {1, 2} and all(0 <= n.start and n.start + n.duration <= 3840 for n in c.notes)
    again = MidiAdapter().generate(req("harmonize", Region([1, 2], 0, 2), num_candidates=3, keep=[Note(1, 0, 480, 62)]))
    assert again.candidates == res.candidates
