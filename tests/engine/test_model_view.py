"""engine/model_view.py: the three mappings in order, and back in reverse."""
from engine.api import CONTROL_SCHEMA, OPERATIONS, Capabilities, GenerateRequest, Note, Piece, Region, Track
from engine.model_view import meter_view, model_view
from engine.problem import default_limits

CAPS = Capabilities(name="any", version="0", checksum="", training_data="", licence="",
                    operations=list(OPERATIONS), controls=CONTROL_SCHEMA, limits=default_limits(), device="cpu")


def test_a_six_eight_piano_piece_with_drums_maps_onto_the_model_and_back():
    tracks = [Track("rh", "Right hand"), Track("lh", "Left hand"), Track("dr", "Drums", drums=True)]
    notes = [Note("rh", i * 240, 240, p, 80) for i, p in enumerate([100, 103, 105] * 4)]
    notes += [Note("rh", i * 720, 720, 96, 80) for i in range(4)]           # a second line: chords
    notes += [Note("lh", i * 720, 720, 24, 80) for i in range(4)]
    notes += [Note("dr", i * 720, 120, 36, 100) for i in range(4)]
    req = GenerateRequest("infill", Piece(tracks, notes, "6/8", "C major", bars=4), Region(["rh"], 1, 2))
    view = model_view(req, CAPS)
    inner = view.request
    assert inner.piece.time_signature == "3/4" and (inner.region.start_bar, inner.region.end_bar) == (2, 4)
    assert {str(t.id) for t in inner.piece.tracks} == {"rh#1", "rh#2", "lh"}     # drums not heard
    assert view.caps.limits["max_tracks"] == 4 and view.warnings
    back = view.back([n for n in inner.piece.notes if str(n.track).startswith("rh")])
    kept = [n for n in notes if n.track == "rh" and not 1440 <= n.start < 2880]   # the region's notes are rewritten
    assert sorted((n.start, n.pitch) for n in back) == sorted((n.start, n.pitch) for n in kept)
    assert {n.track for n in back} == {"rh"}


def test_the_chords_operation_sees_only_the_meter_mapped():
    req = GenerateRequest("chords", Piece([Track("m")], [Note("m", 0, 240, 60, 80)], "2/4"), Region(["m"], 0, 1))
    view = meter_view(req, CAPS)
    assert view.request.piece.time_signature == "4/4" and view.request.piece.notes[0].duration == 480
