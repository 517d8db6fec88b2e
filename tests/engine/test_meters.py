"""engine/meters.py: every meter people use is served by mapping it exactly onto the model's."""
from fractions import Fraction

import pytest

from engine import meters
from engine.api import GenerateRequest, Note, Piece, Region, Track, UnsupportedRequest
from engine.probes import bar_ticks

PEOPLE_USE = ["2/4", "3/4", "4/4", "2/2", "3/2", "4/2", "6/8", "9/8", "12/8", "3/8", "6/4"]
ODD = ["5/4", "7/8"]


def test_every_common_meter_is_served():
    assert set(PEOPLE_USE) <= set(meters.SERVED)


@pytest.mark.parametrize("meter", PEOPLE_USE)
def test_a_bar_is_a_whole_number_of_model_bars(meter):
    m = meters.mapping(meter)
    assert bar_ticks(meter) * m.scale == m.bars * bar_ticks(m.model_meter)


@pytest.mark.parametrize("meter", ODD)
def test_an_odd_bar_is_padded_by_one_model_beat(meter):
    m = meters.mapping(meter)
    assert m.bars * bar_ticks(m.model_meter) - bar_ticks(meter) * m.scale == 480
    assert m.from_model(m.span - 240) is None                    # inside the padding
    assert m.from_model(m.span) == bar_ticks(meter)              # the next bar line


@pytest.mark.parametrize("meter", PEOPLE_USE + ODD)
def test_notes_and_regions_map_to_the_model_and_back_exactly(meter):
    m = meters.mapping(meter)
    grid = int(120 / m.scale) if m.scale < 1 else 120      # the finest note the model's grid holds
    bar = bar_ticks(meter)
    notes = [Note("t", start, dur, 60 + i % 12, 80)
             for i, (start, dur) in enumerate([(0, grid), (grid, 3 * grid), (bar, bar), (2 * bar + grid, grid)])]
    req = GenerateRequest("infill", Piece([Track("t")], notes, meter, bars=4), Region(["t"], 1, 3), keep=[notes[2]])
    inner = meters.to_model(req, m)
    assert inner.piece.time_signature == m.model_meter
    assert (inner.region.start_bar, inner.region.end_bar) == (m.bars, 3 * m.bars)
    assert inner.piece.bars == 4 * m.bars
    model_bar = bar_ticks(m.model_meter)
    assert inner.keep[0].start == m.bars * model_bar and inner.keep[0].duration == m.bars * model_bar  # held through any padding
    assert all(n.start % 120 == 0 and n.duration % 120 == 0 for n in inner.piece.notes)
    assert meters.from_model(inner.piece.notes, m) == notes


@pytest.mark.parametrize("meter", ["11/8", "5/8", "13/16"])
def test_other_meters_are_refused_and_the_message_says_what_is_served(meter):
    with pytest.raises(UnsupportedRequest, match="5/4 and 7/8 padded; supported: 4/4, 3/4"):
        meters.mapping(meter)


@pytest.mark.parametrize("meter", PEOPLE_USE + ODD)
def test_generate_in_every_meter_writes_inside_the_region_in_the_pieces_ticks(ngram_gen, meter):
    bar = bar_ticks(meter)
    beat = bar // {"2/4": 2, "3/4": 3, "4/4": 4, "2/2": 2, "3/2": 3, "4/2": 4, "6/8": 2, "9/8": 3,
                   "12/8": 4, "3/8": 1, "6/4": 2, "5/4": 5, "7/8": 7}[meter]
    melody = [67, 69, 71, 72, 74, 72, 71, 69, 67, 71, 74, 79, 78, 76, 74, 72]
    notes = [Note("m", i * beat // 2, beat // 2, p, 80) for i, p in enumerate(melody * 4) if i * beat // 2 < 4 * bar]
    piece = Piece([Track("m"), Track("b")], notes, meter, "G major", bars=8)
    res = ngram_gen.generate(GenerateRequest("continue", piece, Region(["m", "b"], 4, 6), num_candidates=2, seed=3))
    assert res.candidates
    for cand in res.candidates:
        for n in cand.notes:
            assert 4 * bar <= n.start and n.start + n.duration <= 6 * bar
    if meter not in ("4/4", "3/4"):
        assert any(meter in w for w in res.warnings)


def test_the_scale_is_exact_for_fine_notes():
    m = meters.mapping("6/8")
    assert m.scale == Fraction(2) and m.bars == 2
    sixteenth = Note("t", 120, 120, 60, 80)
    assert meters.from_model(meters.to_model(
        GenerateRequest("infill", Piece([Track("t")], [sixteenth], "6/8"), Region(["t"], 0, 1)), m).piece.notes, m) == [sixteenth]


@pytest.mark.parametrize("meter", ["6/8", "2/4", "3/2"])
def test_chords_come_back_inside_the_region_in_the_pieces_ticks(ngram_gen, meter):
    bar = bar_ticks(meter)
    eighth = 240
    melody = [67, 71, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67]
    notes = [Note("m", i * eighth, eighth, melody[i % 12], 80) for i in range(4 * bar // eighth)]
    req = GenerateRequest("chords", Piece([Track("m")], notes, meter, "G major", bars=4), Region(["m"], 1, 3),
                          num_candidates=2, seed=5)
    res = ngram_gen.generate(req)
    for cand in res.candidates:
        assert cand.chords and not cand.notes
        assert cand.chords[0].start == bar and cand.chords[-1].start + cand.chords[-1].duration == 3 * bar
        assert all(a.start + a.duration == b.start for a, b in zip(cand.chords, cand.chords[1:]))
    assert any(meter in w for w in res.warnings)


def test_cue_targets_are_scaled_with_the_meter(ngram_gen):
    from engine.api import Controls
    bar = bar_ticks("6/8")
    notes = [Note("s", i * 240, 240, [67, 71, 74, 71, 67, 71][i % 6], 80) for i in range(12)]
    piece = Piece([Track("s"), Track("b")], notes + [Note("b", 0, 2 * bar, 43, 80)], "6/8", "G major", bars=4)
    controls = Controls(cue_targets=[{"kind": "cadence", "tick": 4 * bar - bar}, {"kind": "hit", "tick": 2 * bar + 240}])
    res = ngram_gen.generate(GenerateRequest("continue", piece, Region(["s", "b"], 2, 4), controls=controls,
                                             num_candidates=2, seed=1))
    for cand in res.candidates:
        bass = {n.start: n.pitch for n in cand.notes if n.track == "b"}
        assert bass[3 * bar] % 12 == 7                 # G: the bass on the tonic at the cadence's downbeat
        assert {n.track for n in cand.notes if n.start == 2 * bar + 240} == {"s", "b"}   # the hit
