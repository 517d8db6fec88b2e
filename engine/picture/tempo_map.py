"""The tempo map as pure functions: ticks (480 per quarter) <-> seconds for a meter, the bar-0 tempo and
tempo changes at bar starts.

Tempo is in quarter notes per minute whatever the meter, as the piece's `tempo` is today (the player runs
at tempo / 60 * 480 ticks a second). A piece's `tempo_changes` is a list of {bar, tempo} sorted by bar,
bar >= 1 (0-based bar indexes; bar 0 plays at the piece's tempo). With no changes every function here does
exactly today's constant-tempo arithmetic, operation for operation, so the result is the same float:
    seconds = ticks / (tempo / 60 * 480)        ticks = seconds * (tempo / 60) * 480
Before tick 0 (a pre-roll) the bar-0 tempo runs on backwards.

Picture time: bar 0's downbeat plays at the piece's `start_offset_us`; `ticks_to_us`/`us_to_ticks` add it.
The JS port is static/js/core/tempo-map.js, checked against fixtures written by
tests/js/make_tempo_fixtures.py, with the same operations in the same order, so both give equal floats.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

TICKS_PER_QUARTER = 480


def bar_ticks(time_signature) -> int:
    """Ticks in one bar: [4, 4] -> 1920, [6, 8] -> 1440 (static/js/core/ticks.js barTicks)."""
    beats, unit = time_signature
    return (TICKS_PER_QUARTER * 4 * beats) // unit


def beat_ticks(time_signature) -> int:
    """Ticks in one beat, one `unit` note: [4, 4] -> 480, [6, 8] -> 240."""
    return (TICKS_PER_QUARTER * 4) // time_signature[1]


@dataclass(frozen=True)
class Segment:
    start_tick: int
    start_seconds: float
    tempo: float


@dataclass(frozen=True)
class TempoMap:
    time_signature: tuple
    segments: tuple  # of Segment, by start_tick; segments[0] starts at tick 0


@dataclass(frozen=True)
class Position:
    bar: int        # 0-based, as the piece counts bars
    beat: int       # 0-based beat within the bar
    ticks: float    # ticks after that beat


def _tempo(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{where}: a tempo is a number of quarter notes per minute above 0, not {value!r}")
    return value


def _change(change):
    if isinstance(change, dict):
        return change.get("bar"), change.get("tempo")
    bar, tempo = change
    return bar, tempo


def build(time_signature, tempo, tempo_changes=()) -> TempoMap:
    """The map of a piece: its meter, its (bar-0) tempo and its tempo changes ({bar, tempo} or (bar, tempo)),
    sorted by bar, each bar >= 1. ValueError for anything else."""
    beats, unit = time_signature
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in (beats, unit)):
        raise ValueError(f"a time signature is [beats, unit] of whole numbers >= 1, not {time_signature!r}")
    per_bar = bar_ticks(time_signature)
    if per_bar < 1:
        raise ValueError(f"a bar of {beats}/{unit} is shorter than a tick")
    segments = [Segment(0, 0.0, _tempo(tempo, "bar 0"))]
    for change in tempo_changes:
        bar, bpm = _change(change)
        if isinstance(bar, bool) or not isinstance(bar, int) or bar < 1:
            raise ValueError(f"a tempo change is at a bar >= 1, not {bar!r}")
        start = bar * per_bar
        last = segments[-1]
        if start <= last.start_tick:
            raise ValueError(f"tempo changes must be sorted by bar, one per bar (bar {bar})")
        seconds = last.start_seconds + (start - last.start_tick) / (last.tempo / 60 * TICKS_PER_QUARTER)
        segments.append(Segment(start, seconds, _tempo(bpm, f"bar {bar}")))
    return TempoMap((beats, unit), tuple(segments))


def constant(time_signature, tempo) -> TempoMap:
    return build(time_signature, tempo, ())


def _by_tick(tmap: TempoMap, ticks) -> Segment:
    index = bisect_right(tmap.segments, ticks, key=lambda s: s.start_tick) - 1
    return tmap.segments[max(index, 0)]


def _by_seconds(tmap: TempoMap, seconds) -> Segment:
    index = bisect_right(tmap.segments, seconds, key=lambda s: s.start_seconds) - 1
    return tmap.segments[max(index, 0)]


def ticks_to_seconds(tmap: TempoMap, ticks) -> float:
    """Seconds after bar 0's downbeat at which `ticks` plays."""
    seg = _by_tick(tmap, ticks)
    return seg.start_seconds + (ticks - seg.start_tick) / (seg.tempo / 60 * TICKS_PER_QUARTER)


def seconds_to_ticks(tmap: TempoMap, seconds) -> float:
    """The (fractional) tick that plays `seconds` after bar 0's downbeat."""
    seg = _by_seconds(tmap, seconds)
    return seg.start_tick + (seconds - seg.start_seconds) * (seg.tempo / 60) * TICKS_PER_QUARTER


def tempo_at(tmap: TempoMap, ticks) -> float:
    return _by_tick(tmap, ticks).tempo


def ticks_to_us(tmap: TempoMap, ticks, start_offset_us=0) -> float:
    """Picture time (microseconds, not rounded) of `ticks` when bar 0's downbeat is at `start_offset_us`."""
    return start_offset_us + ticks_to_seconds(tmap, ticks) * 1_000_000


def us_to_ticks(tmap: TempoMap, us, start_offset_us=0) -> float:
    return seconds_to_ticks(tmap, (us - start_offset_us) / 1_000_000)


def position(tmap: TempoMap, ticks) -> Position:
    """Bar, beat and ticks into the beat of a (fractional) tick."""
    per_bar, per_beat = bar_ticks(tmap.time_signature), beat_ticks(tmap.time_signature)
    bar = math.floor(ticks / per_bar)
    into_bar = ticks - bar * per_bar
    # min: a float that rounds up to the next bar line still belongs to this bar's last beat
    beat = min(math.floor(into_bar / per_beat), (per_bar - 1) // per_beat)
    return Position(bar, beat, into_bar - beat * per_beat)


def bar_beat(tmap: TempoMap, seconds) -> Position:
    """Bar, beat and ticks into the beat of the moment `seconds` after bar 0's downbeat."""
    return position(tmap, seconds_to_ticks(tmap, seconds))
