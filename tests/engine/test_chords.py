"""The AI and chords: the `chords` operation, the chord track that harmonize/infill/continue follow,
the chord model's labels and its agreement against the baseline."""
import dataclasses

import pytest

from engine import grid as G
from engine.api import (ChordSymbol, Controls, GenerateRequest, GenerateResponse, InvalidRequest, Piece,
                        Region, Track, UnsupportedRequest)
from engine.chord_labels import label_segment, sounding
from engine.chord_symbols import parse
from engine.problem import build_problem
from engine.testing import BASS, MELODY, melody_notes

import numpy as np

BAR = 1920


def melody_piece(bars=4, chords=()):
    notes = melody_notes(0, (MELODY * 2)[:bars * 4])
    return Piece([Track(0, "Melody"), Track(1, "Bass")], notes, key="G major",
                 chords=[ChordSymbol(*c) for c in chords])


def chords_request(seed=1, region=(1, 3), rhythm="beat", vocabulary="sevenths", k=4, **controls):
    return GenerateRequest("chords", melody_piece(4), Region([0], *region),
                           controls=Controls(harmonic_rhythm=rhythm, chord_vocabulary=vocabulary, **controls),
                           num_candidates=k, seed=seed)


def test_chords_is_an_operation_with_its_controls(gen):
    caps = gen.capabilities()
    assert "chords" in caps.operations
    assert caps.controls["harmonic_rhythm"]["options"] == ["bar", "half", "beat"]
    assert caps.controls["chord_vocabulary"]["options"] == ["triads", "sevenths", "jazz"]


@pytest.mark.parametrize("rhythm,cells", [("bar", 16), ("half", 8), ("beat", 4)])
def test_chords_lie_inside_the_region_on_the_harmonic_rhythm(gen, rhythm, cells):
    res = gen.generate(chords_request(rhythm=rhythm))
    assert len(res.candidates) == 4
    for cand in res.candidates:
        assert cand.notes == [] and cand.chords
        assert cand.chords[0].start == BAR and sum(c.duration for c in cand.chords) == 2 * BAR
        for a, b in zip(cand.chords, cand.chords[1:]):
            assert a.start + a.duration == b.start and a.symbol != b.symbol   # held chords are written once
        for c in cand.chords:
            assert BAR <= c.start and c.start + c.duration <= 3 * BAR
            assert c.start % (cells * G.STEP) == 0 and c.duration % (cells * G.STEP) == 0
            assert parse(c.symbol) is not None


def test_chords_are_determined_by_the_seed(gen):
    a, b = gen.generate(chords_request(seed=7)), gen.generate(chords_request(seed=7))
    assert [c.to_dict() for c in a.candidates] == [c.to_dict() for c in b.candidates]
    assert a.provenance.seed == 7 and a.provenance.operation == "chords"
    others = [gen.generate(chords_request(seed=s)).candidates for s in (8, 9, 10)]
    assert any([c.to_dict() for c in o] != [c.to_dict() for c in a.candidates] for o in others)


def test_chords_response_round_trips_as_json(gen):
    res = gen.generate(chords_request())
    back = GenerateResponse.from_dict(res.to_dict())
    assert back.candidates[0].chords == res.candidates[0].chords
    assert isinstance(back.candidates[0].chords[0], ChordSymbol)


def test_chord_controls_and_vocabularies(gen):
    triads = gen.generate(chords_request(vocabulary="triads", k=8))
    for cand in triads.candidates:
        assert all(len(parse(c.symbol)[1]) == 3 for c in cand.chords)
    key = gen.generate(chords_request(vocabulary="triads", stay_in_key=True, k=8, temperature=2.0))
    g_major = {7, 9, 11, 0, 2, 4, 6}
    for cand in key.candidates:
        assert all(set(parse(c.symbol)[1]) <= g_major for c in cand.chords)
    with pytest.raises(InvalidRequest, match="harmonic_rhythm"):
        gen.generate(chords_request(rhythm="fortnight"))
    with pytest.raises(InvalidRequest, match="chord_vocabulary"):
        gen.generate(chords_request(vocabulary="bebop"))
    with pytest.raises(UnsupportedRequest, match="melody"):
        gen.generate(GenerateRequest("chords", melody_piece(4), Region([1], 0, 2), seed=1))


def test_the_labeller_names_what_sounds():
    grid = np.full((4, 4), G.REST)
    for v, p in enumerate((67, 62, 59, 43)):            # G B D G: G major, root in the bass
        grid[v, 0] = G.pitch_token(p)
        grid[v, 1:] = G.HOLD
    assert label_segment(sounding(grid), 0, 4) == (7, "")
    grid[1, 0] = G.pitch_token(65)                      # F: G7
    assert label_segment(sounding(grid), 0, 4) == (7, "7")


# --- following the chord track ------------------------------------------------------

CHORDS = [(0, 960, "G"), (960, 960, "C/E"), (1920, 960, "Am"), (2880, 960, "D7")]


def harmonize(gen, chords=CHORDS, follow=True, seed=3):
    piece = melody_piece(2, chords)
    piece.tracks = [Track(0, "S", "S"), Track(1, "A", "A"), Track(2, "T", "T"), Track(3, "B", "B")]
    req = GenerateRequest("harmonize", piece, Region([1, 2, 3], 0, 2), num_candidates=3, seed=seed,
                          controls=Controls(follow_chords=follow))
    return req, gen.generate(req)


def test_harmonize_follows_the_chords_on_strong_beats(gen):
    _, res = harmonize(gen)
    spans = [(s, s + d, set(parse(sym)[1]), parse(sym)[2]) for s, d, sym in CHORDS]
    for cand in res.candidates:
        for n in cand.notes:
            s, e, tones, bass = next(x for x in spans if x[0] <= n.start < x[1])
            if n.start % 480 == 0:
                assert n.pitch % 12 in tones, (n, tones)
            if n.start == s and n.track == 3:
                assert n.pitch % 12 == bass, n          # C/E: E in the bass
        for s, e, tones, bass in spans:                 # every voice sounds a new note where a chord starts
            assert {n.track for n in cand.notes if n.start == s} == {1, 2, 3}


def test_follow_chords_off_and_no_chords_change_nothing(gen):
    req, _ = harmonize(gen, follow=False)
    plain = dataclasses.replace(req, piece=dataclasses.replace(req.piece, chords=[]))
    caps = gen.capabilities()
    off, none = build_problem(req, caps), build_problem(plain, caps)
    assert (off.allowed == none.allowed).all() and (off.bias == none.bias).all()
    on = build_problem(dataclasses.replace(req, controls=Controls()), caps)
    assert not (on.allowed == none.allowed).all()


def test_a_bad_chord_symbol_is_refused(gen):
    with pytest.raises(InvalidRequest, match="chord symbol"):
        harmonize(gen, chords=[(0, 960, "H7")])


def test_the_chord_model_beats_the_baseline_on_held_out_chorales():
    from engine.chord_eval import evaluate
    res, n = evaluate("test")
    assert n > 30
    for unit in ("beat", "bar"):
        assert res[unit]["model"] > res[unit]["baseline"] and res[unit]["gain"] > 2 * res[unit]["gain_se"], res[unit]


def test_chords_in_three_four_and_jazz_symbols(gen):
    piece = Piece([Track(0, "Melody")], melody_notes(0, MELODY[:12]), time_signature="3/4", key="G major")
    res = gen.generate(GenerateRequest("chords", piece, Region([0], 0, 4), num_candidates=3, seed=2,
                                       controls=Controls(harmonic_rhythm="half", chord_vocabulary="jazz")))
    for cand in res.candidates:
        assert sum(c.duration for c in cand.chords) == 4 * 1440
        assert all(c.start % 720 == 0 and parse(c.symbol) is not None for c in cand.chords)


def test_the_follow_measure_counts_what_sounds():
    from engine.chord_follow_eval import chord_track, measure
    grid = np.full((4, 16), G.REST)
    for v, p in enumerate((67, 62, 59, 43)):      # a bar of G major, root in the bass
        grid[v, 0], grid[v, 1:] = G.pitch_token(p), G.HOLD
    track = chord_track(grid, 16, 0, 16)
    assert [(c.start, c.duration, c.symbol) for c, _ in track] == [(0, 1920, "G")]
    assert list(measure(grid, track)) == [4, 4, 3, 3, 1, 1]


def test_the_chord_before_the_region_is_heard(gen):
    from engine.chord_suggest import previous_chord
    piece = melody_piece(4, [(0, BAR, "G"), (BAR, BAR, "D7")])
    req = GenerateRequest("chords", piece, Region([0], 2, 4), seed=1)
    assert previous_chord(req, 16, "sevenths") == (2, "7") and previous_chord(req, 16, "triads") == (2, "")
    assert previous_chord(dataclasses.replace(req, region=Region([0], 3, 4)), 16, "triads") is None
    res = gen.generate(req)
    assert all(2 * BAR <= c.start for cand in res.candidates for c in cand.chords)
