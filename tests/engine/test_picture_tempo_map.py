"""engine/picture/tempo_map.py: ticks <-> seconds with tempo changes at bar starts."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.picture import tempo_map as tm

meters = st.sampled_from([(4, 4), (3, 4), (6, 8), (5, 8), (7, 16), (2, 2), (12, 8), (3, 32), (1, 1)])
tempi = st.one_of(st.integers(20, 400), st.floats(20, 400))


def test_bar_and_beat_sizes_match_the_roll():
    assert [tm.bar_ticks(m) for m in [(4, 4), (3, 4), (6, 8), (7, 16), (3, 32)]] == [1920, 1440, 1440, 840, 180]
    assert [tm.beat_ticks(m) for m in [(4, 4), (6, 8), (7, 16)]] == [480, 240, 120]


@given(meter=meters, tempo=tempi, ticks=st.one_of(st.integers(-10_000, 10_000_000), st.floats(-1e4, 1e7)),
       seconds=st.floats(-10, 36_000))
def test_without_changes_it_is_exactly_todays_constant_tempo(meter, tempo, ticks, seconds):
    tmap = tm.build(meter, tempo)
    # static/js/audio/player.js: ticksPerSecond = (tempo / 60) * 480; when = ticks / ticksPerSecond
    assert tm.ticks_to_seconds(tmap, ticks) == ticks / ((tempo / 60) * 480)
    assert tm.seconds_to_ticks(tmap, seconds) == seconds * (tempo / 60) * 480
    assert tm.ticks_to_seconds(tm.build(meter, tempo, []), ticks) == tm.ticks_to_seconds(tmap, ticks)


def test_changes_play_from_their_bar_line():
    tmap = tm.build((4, 4), 120, [{"bar": 2, "tempo": 60, "author": None, "last_editor": None}, (4, 240)])
    assert [tm.ticks_to_seconds(tmap, b * 1920) for b in range(6)] == [0, 2, 4, 8, 12, 13]
    assert tm.seconds_to_ticks(tmap, 10) == 3 * 1920 + 960
    assert tm.bar_beat(tmap, 10) == tm.Position(3, 2, 0)
    assert tm.tempo_at(tmap, 2 * 1920 - 1) == 120 and tm.tempo_at(tmap, 2 * 1920) == 60
    assert tm.ticks_to_seconds(tmap, -480) == -0.5  # a pre-roll runs at bar 0's tempo
    assert tm.ticks_to_us(tmap, 1920, 5_000_000) == 7_000_000
    assert tm.us_to_ticks(tmap, 7_000_000, 5_000_000) == 1920
    # 6/8: tempo is still quarter notes, a beat is an eighth
    six = tm.build((6, 8), 90, [(1, 180)])
    assert tm.ticks_to_seconds(six, 1440) == 2.0 and tm.ticks_to_seconds(six, 2880) == 3.0
    assert tm.position(six, 1440 + 250) == tm.Position(1, 1, 10)


@given(meter=meters, tempo=tempi, data=st.data())
def test_ticks_seconds_round_trip_and_monotone(meter, tempo, data):
    bars = data.draw(st.lists(st.integers(1, 40), max_size=6, unique=True).map(sorted))
    tmap = tm.build(meter, tempo, [(b, data.draw(tempi)) for b in bars])
    ticks = sorted(data.draw(st.lists(st.integers(-2000, 50 * tm.bar_ticks(meter)), min_size=2, max_size=20)))
    seconds = [tm.ticks_to_seconds(tmap, t) for t in ticks]
    assert seconds == sorted(seconds)
    for t, s in zip(ticks, seconds):
        assert tm.seconds_to_ticks(tmap, s) == pytest.approx(t, abs=1e-6)
        where = tm.position(tmap, t)
        assert where.bar * tm.bar_ticks(meter) + where.beat * tm.beat_ticks(meter) + where.ticks == t
        last_beat = (tm.bar_ticks(meter) - 1) // tm.beat_ticks(meter)
        assert 0 <= where.ticks < tm.beat_ticks(meter) or where.beat == last_beat


@pytest.mark.parametrize("changes", [[(0, 90)], [(3, 90), (2, 80)], [(2, 90), (2, 80)], [(1.5, 90)], [(1, 0)],
                                     [(1, "90")], [(1, float("nan"))], [(True, 90)], [{"bar": None, "tempo": 90}]])
def test_bad_maps_are_refused(changes):
    with pytest.raises(ValueError):
        tm.build((4, 4), 120, changes)


def test_bad_meters_and_tempi_are_refused():
    for meter, tempo in [((0, 4), 120), ((4, 0), 120), ((4, 4), 0), ((4, 4), -5), ((4, 4), True), ((1, 4096), 120)]:
        with pytest.raises(ValueError):
            tm.build(meter, tempo)
