"""engine/picture/polygon.py and convex.py: the solver's geometry and one-dimensional searches."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.picture import polygon as pg
from engine.picture.convex import golden_min, least_passing, sublevel_edge


def test_a_strip_clips_a_box_to_the_points_that_put_a_beat_near_a_cue():
    poly = pg.box(0.0, 1_000_000.0, 400_000.0, 600_000.0)
    # beat 4 within 10 ms of 2.2 s: 2_190_000 <= o + 4 p <= 2_210_000
    clipped = pg.strip(poly, 4, 2_200_000.0, 10_000.0)
    assert clipped and all(2_190_000 - 1e-6 <= o + 4 * p <= 2_210_000 + 1e-6 for o, p in clipped)
    assert pg.extent(clipped, 1.0, 4.0) == pytest.approx((2_190_000, 2_210_000))
    assert pg.p_range(clipped) == pytest.approx((400_000 - 0, 552_500))
    assert pg.o_at(clipped, 500_000.0) == pytest.approx((190_000, 210_000))
    assert pg.o_at(clipped, 300_000.0) is None
    assert pg.p_on_line(clipped, 4.0, 2_200_000.0) == pytest.approx((400_000, 550_000))
    assert pg.beats_to(clipped, 2_200_000.0) == pytest.approx((3.975, 4.025))  # +-10 ms at 0.4 s a beat
    assert pg.strip(poly, 40, 2_200_000.0, 10_000.0) == []  # beat 40 cannot be that early
    assert pg.box(1.0, 0.0, 1.0, 2.0) == []


@given(st.floats(-5, 5), st.floats(-5, 5), st.floats(-10, 10))
def test_clip_keeps_exactly_the_half_plane(a, b, c):
    poly = pg.box(-1.0, 1.0, -1.0, 1.0)
    clipped = pg.clip(poly, a, b, c)
    assert all(a * o + b * p <= c + 1e-9 for o, p in clipped)
    corners_inside = [v for v in poly if a * v[0] + b * v[1] <= c]
    assert all(v in clipped for v in corners_inside)
    if clipped:
        centre = pg.centre(clipped)
        assert a * centre[0] + b * centre[1] <= c + 1e-9


def test_one_dimensional_searches():
    f = lambda x: abs(x - 3.25) + 1  # noqa: E731
    assert golden_min(f, -10, 10) == pytest.approx(3.25, abs=1e-9)
    assert sublevel_edge(f, 3.25, 10, 2) == pytest.approx(4.25, abs=1e-9)
    assert sublevel_edge(f, 3.25, -10, 2) == pytest.approx(2.25, abs=1e-9)
    assert sublevel_edge(f, 3.25, 4, 2) == 4
    assert least_passing(lambda tol: tol >= 12.34, 100) == pytest.approx(12.34, abs=0.1)
