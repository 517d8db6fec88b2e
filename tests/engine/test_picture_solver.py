"""engine/picture/solver.py: the tempo (or tempo map) and start offset that put cues on beats."""
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.picture import tempo_map as tm
from engine.picture.solver import evaluate, solve
from engine.picture.timecode import frame_us

METERS = [(4, 4), (3, 4), (2, 4), (6, 8), (5, 8), (7, 8), (12, 8), (2, 2)]
FAST = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])


def beat_us(tempo, meter=(4, 4)):
    return tm.beat_ticks(meter) * 125_000 / tempo


def check(result, cues, meter, fps="25", tempo_range=(60, 180)):
    """Everything a reported solution promises, checked independently of how it was found."""
    for s in result.solutions:
        assert isinstance(s.start_offset_us, int) and s.start_offset_us >= 0
        tempi = [s.tempo] + [c["tempo"] for c in s.tempo_changes]
        assert all(tempo_range[0] - 1e-9 <= t <= tempo_range[1] + 1e-9 for t in tempi)
        bars = [c["bar"] for c in s.tempo_changes]
        assert bars == sorted(set(bars)) and all(1 <= b < s.bars for b in bars)
        fits, needed = evaluate(cues, meter, s.tempo, s.tempo_changes, s.start_offset_us, fps=fps,
                                tolerance_us=s.tolerance_us)
        assert fits == s.cues and needed == s.bars
        for fit in fits:
            if fit.target:
                assert abs(fit.error_us) <= s.tolerance_us
                assert fit.bar >= 0 and (fit.target == "beat" or fit.beat == 0)
                assert fit.error_frames == round(fit.error_us / frame_us(fps), 3)
        assert max(abs(f.error_us) for f in fits if f.target) == s.max_error_us


def test_cues_on_a_120_bpm_grid():
    cues = [(2_000_000, "start"), (3_000_000, "hit"), (3_500_000, "hit"), (6_000_000, "cadence"), (9_000_000, "stop")]
    result = solve(cues, (4, 4), fps="25", prefer_tempo=120)
    check(result, cues, (4, 4))
    best = result.solutions[0]
    assert (best.tempo, best.start_offset_us, best.tempo_changes) == (pytest.approx(120), 2_000_000, ())
    assert [(f.bar, f.beat) for f in best.cues] == [(0, 0), (0, 2), (0, 3), (2, 0), (3, 2)]
    assert best.max_error_us < 1 and best.bars == 4  # the stop falls in bar 3
    assert result.complete


def test_jittered_cues_get_the_least_worst_error():
    tempo, offset = 97.3, 1_250_000
    tmap = tm.build((3, 4), tempo)
    jitter = [0, 21_000, -18_000, 9_000, -25_000, 14_000]
    beats = [0, 2, 3, 7, 9, 15]
    cues = [(round(tm.ticks_to_us(tmap, b * 480, offset)) + j, "cadence" if b % 3 == 0 else "hit")
            for b, j in zip(beats, jitter)]
    result = solve(cues, (3, 4), fps="24", prefer_tempo=97, tempo_step=None)
    check(result, cues, (3, 4), fps="24")
    best = result.solutions[0]
    assert best.tempo_changes == () and best.tempo == pytest.approx(tempo, abs=0.5)
    # it does no worse than the tempo the cues were made with
    assert best.max_error_us <= max(abs(j) for j in jitter) + 1


def test_whole_bpm_when_asked():
    cues = [(0, "start"), (1_500_000, "hit"), (4_000_000, "cadence")]
    result = solve(cues, (4, 4), tempo_step=1, prefer_tempo=100)
    check(result, cues, (4, 4))
    assert all(isinstance(s.tempo, int) for s in result.solutions)
    assert result.solutions[0].tempo == 120  # 80, 100 do not fit; 120 puts the cadence on bar 2


def test_a_tempo_change_when_no_constant_tempo_fits():
    # four bars of 4/4 at 100 BPM, then 140 BPM from bar 4: cadences on bars 2, 4, 6 and 8
    tmap = tm.build((4, 4), 100, [(4, 140)])
    cues = [(round(tm.ticks_to_us(tmap, bar * 1920, 500_000)), "cadence") for bar in (0, 2, 4, 6, 8)]
    cues += [(round(tm.ticks_to_us(tmap, 1920 * 5 + 480, 500_000)), "hit")]
    result = solve(cues, (4, 4), fps="30", tempo_step=None)
    check(result, cues, (4, 4), fps="30")
    assert result.solutions and all(len(s.tempo_changes) == 1 for s in result.solutions)
    # the smallest step comes first: 150 -> 140 BPM from bar 6 fits these cues as exactly as the map they
    # were made from (100 -> 140 from bar 4, a step of 40)
    steps = [abs(s.tempo - s.tempo_changes[0]["tempo"]) for s in result.solutions]
    best = result.solutions[0]
    assert steps[0] == min(steps) < 15 and best.max_error_us < 1_000
    assert best.start_offset_us == pytest.approx(500_000, abs=1_000)
    # in whole BPM (the default) both are exact
    whole = solve(cues, (4, 4), fps="30", max_solutions=10).solutions
    assert (whole[0].tempo, whole[0].tempo_changes) == (150, ({"bar": 6, "tempo": 140},))
    assert whole[0].max_error_us < 1  # the cues were rounded to whole microseconds
    assert any((s.tempo, s.tempo_changes) == (100, ({"bar": 4, "tempo": 140},)) for s in whole)
    assert all(isinstance(t, int) for s in whole for t in [s.tempo] + [c["tempo"] for c in s.tempo_changes])
    assert [s.bars for s in whole if s.tempo == 100] == [9]


def test_nothing_fits_says_so():
    # two hits 0.2 s apart: closer than a beat at 180 BPM, further than the tolerance; two cadences 1 s apart:
    # closer than a bar of 4/4 at 180 BPM
    cues = [(9_000_000, "cadence"), (1_000_000, "hit"), (1_200_000, "hit"), (10_000_000, "cadence"), (1, "stop")]
    result = solve(cues, (4, 4))
    assert result.solutions == () and result.complete and result.too_close == ((1, 2), (0, 3))
    assert solve(cues, (2, 4)).too_close == ((1, 2),)  # a bar of 2/4 at 180 BPM is 0.67 s
    # the search proves it too
    assert solve([(0, "hit"), (1_000_000, "hit"), (1_250_000, "hit"), (3_000_000, "hit")], (4, 4),
                 tempo_range=(100, 110), max_changes=2).solutions == ()


def test_a_search_cut_short_says_so():
    tmap = tm.build((4, 4), 100, [(4, 140), (9, 70)])
    cues = [(round(tm.ticks_to_us(tmap, beat * 480, 0)), "hit") for beat in range(0, 60, 3)]
    assert solve(cues, (4, 4)).solutions
    result = solve(cues, (4, 4), max_nodes=100)
    assert not result.complete
    check(result, cues, (4, 4))


@pytest.mark.parametrize("cues, kwargs, message", [
    ([(0, "stop")], {}, "at least one hit, cadence or start"),
    ([], {}, "at least one hit"),
    ([(0, "bang")], {}, "kind"),
    ([(-1, "hit")], {}, "time_us"),
    ([(1.5, "hit")], {}, "time_us"),
    ([(0, "hit")], {"tolerance_us": 200_000}, "half a beat"),
    ([(0, "hit")], {"tolerance_us": 1}, "above 2 us"),
    ([(0, "hit")], {"tempo_range": (120, 60)}, "tempo range"),
    ([(0, "hit")], {"tempo_step": 7, "tempo_range": (71, 76)}, "multiple of 7"),
    ([(0, "hit")], {"fps": "23.976"}, "frame rate"),
    ([(0, "hit")], {"time_signature": (0, 4)}, "time signature"),
])
def test_bad_requests_are_refused(cues, kwargs, message):
    with pytest.raises(ValueError, match=message):
        solve(cues, kwargs.pop("time_signature", (4, 4)), **kwargs)


# -- properties ----------------------------------------------------------------------------------------

@st.composite
def from_a_map(draw, max_changes, whole_bpm=False):
    """Cues made from a tempo map with up to max_changes changes (each tempo segment holding a cue),
    jittered by up to 0.9 of the tolerance; (cues, meter, fps, changes used)."""
    meter = draw(st.sampled_from(METERS))
    n = tm.bar_ticks(meter) // tm.beat_ticks(meter)
    fps = draw(st.sampled_from(["24", "25", "29.97df", "30"]))
    bpm = st.integers(60, 180) if whole_bpm else st.floats(60, 180)
    changes, bar = [], 0
    segments = []
    for _ in range(draw(st.integers(0, max_changes)) + 1):
        length = draw(st.integers(1, 6))
        segments.append((bar, bar + length))
        bar += length
    changes = [(start, draw(bpm)) for start, _ in segments[1:]]
    tmap = tm.build(meter, draw(bpm), changes)
    offset = draw(st.integers(1_000_000, 20_000_000))
    tol = frame_us(fps)
    cues = []
    for start, end in segments:
        beats = draw(st.lists(st.integers(start * n, end * n - 1), min_size=1, max_size=4, unique=True))
        for beat in beats:
            kind = "cadence" if beat % n == 0 and draw(st.booleans()) else "hit"
            at = tm.ticks_to_us(tmap, beat * tm.beat_ticks(meter), offset)
            cues.append((round(at + draw(st.floats(-0.9, 0.9)) * tol), kind))
    return cues, meter, fps, len(changes)


@FAST
@given(st.lists(st.tuples(st.integers(0, 30_000_000), st.sampled_from(["hit", "hit", "cadence", "start", "stop"])),
                min_size=1, max_size=12), st.sampled_from(METERS), st.sampled_from(["24", "25", "29.97df", "30"]),
       st.sampled_from([None, 1]))
def test_no_solution_puts_a_cue_further_than_its_tolerance(cues, meter, fps, step):
    if not any(kind != "stop" for _, kind in cues):
        return
    result = solve(cues, meter, fps=fps, tempo_step=step, max_changes=3, max_nodes=20_000)
    check(result, cues, meter, fps=fps)


@FAST
@given(from_a_map(max_changes=0))
def test_cues_from_a_constant_tempo_get_a_constant_tempo(made):
    cues, meter, fps, _ = made
    result = solve(cues, meter, fps=fps, tempo_step=None)
    check(result, cues, meter, fps=fps)
    assert result.solutions and result.solutions[0].tempo_changes == ()


@FAST
@given(from_a_map(max_changes=0, whole_bpm=True))
def test_whole_bpm_cues_get_a_whole_bpm_constant_tempo(made):
    cues, meter, fps, _ = made
    result = solve(cues, meter, fps=fps)  # whole BPM is the default
    check(result, cues, meter, fps=fps)
    assert result.solutions and result.solutions[0].tempo_changes == ()
    assert isinstance(result.solutions[0].tempo, int)


@FAST
@given(from_a_map(max_changes=3))
def test_cues_from_a_map_with_k_changes_get_at_most_k(made):
    cues, meter, fps, k = made
    result = solve(cues, meter, fps=fps, max_changes=k, tempo_step=None)
    check(result, cues, meter, fps=fps)
    assert result.solutions, "a map that fits exists"
    assert len(result.solutions[0].tempo_changes) <= k


@FAST
@given(from_a_map(max_changes=2, whole_bpm=True))
def test_whole_bpm_maps_with_k_changes_get_at_most_k(made):
    cues, meter, fps, k = made
    result = solve(cues, meter, fps=fps, max_changes=k)
    check(result, cues, meter, fps=fps)
    assert result.solutions, "a whole-BPM map that fits exists"
    assert len(result.solutions[0].tempo_changes) <= k


def constant_fits(cues, meter, tol, tempo):
    """Brute force: an offset o >= 0 with the first cue in bar 0 putting every cue within tol at `tempo`?"""
    n = tm.bar_ticks(meter) // tm.beat_ticks(meter)
    p = beat_us(tempo, meter)
    cues = sorted((t, kind in ("cadence", "start")) for t, kind in cues if kind != "stop")
    (t0, down0), rest = cues[0], cues[1:]
    spans = [(max(t0 - k * p - tol, 0.0), t0 - k * p + tol) for k in range(1 if down0 else n)]
    for t, down in rest:
        step = n if down else 1
        narrowed = []
        for a, b in spans:
            k_lo, k_hi = math.ceil((t - tol - b) / p), math.floor((t + tol - a) / p)
            for k in range(-(-k_lo // step) * step, k_hi + 1, step):
                lo, hi = max(a, t - k * p - tol), min(b, t - k * p + tol)
                if lo <= hi:
                    narrowed.append((lo, hi))
        spans = narrowed
    return bool(spans)


@settings(deadline=None, max_examples=25)
@given(st.lists(st.tuples(st.integers(0, 6_000_000), st.sampled_from(["hit", "hit", "cadence"])), min_size=2,
                max_size=5, unique_by=lambda c: c[0] // 50_000), st.sampled_from([(4, 4), (3, 4), (6, 8)]))
def test_when_a_dense_scan_finds_a_constant_tempo_the_solver_does(cues, meter):
    tol = frame_us("25")
    found = any(constant_fits(cues, meter, tol - 2, 60 + i * 0.01) for i in range(12_001))
    result = solve(cues, meter, fps="25", max_changes=0, tempo_step=None)
    check(result, cues, meter)
    assert result.solutions or not found
