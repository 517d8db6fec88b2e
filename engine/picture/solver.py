"""The tempo solver: fit the bars to the picture's cues.

Given cues (time_us, kind), a meter, a tempo range, a frame rate and a tolerance (default one frame), find
the tempo and start offset that put every `hit` on a beat and every `cadence` and `start` on a downbeat,
each within the tolerance; `stop` cues are free (the piece only has to last until them). When no constant
tempo fits, find a tempo map with changes at bar starts: the fewest changes, then the smallest steps.

What it guarantees (tests/engine/test_picture_solver.py checks each):
- every reported solution is re-checked through the studio's own tempo map (`evaluate`): no constrained
  cue is further from its beat than the tolerance reported;
- the search is exact (engine/picture/search.py), not sampled: if a constant tempo fits, constant
  solutions are returned; otherwise the fewest changes any map needs (within `max_changes`, each tempo
  segment holding at least one constrained cue) is the number returned. `complete` is False only when the
  node budget ran out first;
- among constant solutions the error is minimised exactly for each beat assignment, then the tempo
  nearest `prefer_tempo` is taken; among maps, the steps are made small greedily (not proven minimal).
Tempo is quarter notes per minute (the piece's `tempo`), a beat is one `unit` note of the meter (an eighth
in 6/8), bars count from 0, and bar 0's downbeat plays at `start_offset_us` (the bar holding the first cue).
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

from engine.picture import polygon as pg
from engine.picture.convex import golden_min, least_passing, sublevel_edge
from engine.picture import tempo_map as tm
from engine.picture.search import Layout, plan_of, reconstruct, refit, search
from engine.picture.timecode import MAX_US, frame_us

KINDS = ("hit", "cadence", "start", "stop")
TARGET = {"hit": "beat", "cadence": "downbeat", "start": "downbeat", "stop": None}
MARGIN_US = 1.0  # searched within tolerance - 1 us, so rounding the offset to whole us stays inside


@dataclass(frozen=True)
class CueFit:
    index: int             # the cue's position in the list given
    time_us: int
    kind: str
    target: str | None     # "beat", "downbeat", or None for a free (stop) cue
    bar: int               # where it lands (the beat it is snapped to; for a stop, where it falls)
    beat: int
    error_us: float        # cue time minus its beat's time (positive: the cue comes after the beat)
    error_ms: float
    error_frames: float


@dataclass(frozen=True)
class Solution:
    tempo: float                 # bar 0's tempo (the piece's `tempo`)
    start_offset_us: int         # picture time of bar 0's downbeat
    tempo_changes: tuple         # ({"bar": b, "tempo": t}, ...), b >= 1; () for a constant tempo
    bars: int                    # bars the piece needs to reach the last cue
    tolerance_us: float
    max_error_us: float          # over the constrained cues
    cues: tuple                  # CueFit for every cue given, in the order given


@dataclass(frozen=True)
class SolveResult:
    solutions: tuple             # best first
    complete: bool               # False: the search budget ran out, so a better fit may exist
    too_close: tuple = ()        # (i, j): cues (indexes in the list given) no tempo in range can both fit


def solve(cues, time_signature, *, fps="25", tempo_range=(60, 180), tolerance_us=None, tempo_step=1,
          max_changes=4, max_solutions=5, prefer_tempo=None, max_nodes=60_000) -> SolveResult:
    """Solutions for `cues` ((time_us, kind) pairs, {time_us, kind} dicts or objects with those fields).
    tempo_step: every tempo of a solution (bar 0's included) is a multiple of it; the default 1 gives whole
    BPM, which is what a piece stores (piece.update tempo, tempo.set); None allows any tempo."""
    items = _cues(cues)
    tm.build(time_signature, 120)  # refuses a meter that is not one
    beats, unit = time_signature
    per_bar, per_beat = tm.bar_ticks(time_signature), tm.beat_ticks(time_signature)
    if per_bar % per_beat:
        raise ValueError(f"a bar of {beats}/{unit} is not a whole number of beats")
    lo_bpm, hi_bpm = (float(v) for v in tempo_range)
    if not 0 < lo_bpm <= hi_bpm:
        raise ValueError(f"a tempo range is (slowest, fastest) above 0, not {tempo_range!r}")
    tolerance = frame_us(fps) if tolerance_us is None else float(tolerance_us)
    scale = per_beat * 125_000.0  # beat period (us) = scale / tempo
    if not 2 * MARGIN_US < tolerance < scale / hi_bpm / 2:
        raise ValueError("the tolerance must be above 2 us and below half a beat at the fastest tempo")
    tempi = _grid(lo_bpm, hi_bpm, tempo_step)
    constrained = sorted((t, k, i) for i, (t, k, _) in enumerate(items) if TARGET[k])
    if not constrained:
        raise ValueError("the solver needs at least one hit, cadence or start cue")
    too_close = _too_close(constrained, per_bar // per_beat, scale / hi_bpm, tolerance)
    if too_close:  # the search would find nothing; say why instead
        return SolveResult((), True, too_close)
    layout = Layout([float(t) for t, _, _ in constrained], [TARGET[k] == "downbeat" for _, k, _ in constrained],
                    per_bar // per_beat, scale / hi_bpm, scale / lo_bpm, tolerance - MARGIN_US, scale, tempi,
                    max_nodes)
    prefer = (lo_bpm + hi_bpm) / 2 if prefer_tempo is None else float(prefer_tempo)
    changes, finals, complete = search(layout, max_changes)
    if changes is None:
        return SolveResult((), complete)
    found = _constant(layout, finals, prefer) if changes == 0 else _maps(layout, finals, prefer, max_solutions)
    solutions, seen = [], set()
    for choices in found:  # each: the candidate for one beat assignment, then fallbacks
        for tempo, offset, tempo_changes in choices:
            key = (round(tempo, 6), offset, tuple((c["bar"], round(c["tempo"], 6)) for c in tempo_changes))
            if key in seen:
                break
            seen.add(key)
            fits, bars = evaluate(items, time_signature, tempo, tempo_changes, offset, fps=fps,
                                  tolerance_us=tolerance)
            worst = max(abs(f.error_us) for f in fits if f.target)
            if worst <= tolerance:  # the check that makes the guarantee, whatever the search did
                solutions.append(Solution(tempo, offset, tempo_changes, bars, tolerance, worst, fits))
                break
    solutions.sort(key=lambda s: _rank(s, prefer))
    return SolveResult(tuple(solutions[:max_solutions]), complete)


def evaluate(cues, time_signature, tempo, tempo_changes, start_offset_us, *, fps="25", tolerance_us=None):
    """(CueFit per cue, bars needed) for a piece's timing, through the studio's tempo map. A constrained
    cue snaps to the nearer (in time) of the beats or downbeats around it."""
    items = _cues(cues)
    tmap = tm.build(time_signature, tempo, tempo_changes)
    per_bar, per_beat = tm.bar_ticks(time_signature), tm.beat_ticks(time_signature)
    frame = frame_us(fps)
    tolerance = frame if tolerance_us is None else tolerance_us
    fits, bars = [], 1
    for index, (time_us, kind, _) in enumerate(items):
        ticks = tm.us_to_ticks(tmap, time_us, start_offset_us)
        grid = per_bar if TARGET[kind] == "downbeat" else per_beat
        before = math.floor(ticks / grid) * grid
        snapped = min((before, before + grid), key=lambda g: abs(time_us - tm.ticks_to_us(tmap, g, start_offset_us)))
        error = time_us - tm.ticks_to_us(tmap, snapped, start_offset_us)
        where = tm.position(tmap, snapped if TARGET[kind] else ticks)
        if TARGET[kind]:
            bars = max(bars, where.bar + 1)
        else:  # the piece may end at a bar line up to the tolerance before a stop
            end = tm.us_to_ticks(tmap, time_us - tolerance, start_offset_us)
            bars = max(bars, math.ceil(end / per_bar - 1e-9))
        fits.append(CueFit(index, time_us, kind, TARGET[kind], where.bar, where.beat, error, round(error / 1000, 3),
                           round(error / frame, 3)))
    return tuple(fits), bars


def _cues(cues) -> list:
    items = []
    for cue in cues:
        if isinstance(cue, dict):
            time_us, kind = cue.get("time_us"), cue.get("kind")
        elif isinstance(cue, (tuple, list)):
            time_us, kind = cue[0], cue[1]
        else:
            time_us, kind = getattr(cue, "time_us", None), getattr(cue, "kind", None)
        if isinstance(time_us, bool) or not isinstance(time_us, int) or not 0 <= time_us <= MAX_US:
            raise ValueError(f"a cue's time_us is whole microseconds from 0 to 24 hours, not {time_us!r}")
        if kind not in KINDS:
            raise ValueError(f"a cue's kind is one of {', '.join(KINDS)}, not {kind!r}")
        items.append((time_us, kind, cue))
    if len(items) > 1000:
        raise ValueError("at most 1000 cues")
    return items


def _too_close(constrained: list, beats_per_bar: int, fastest_beat: float, tolerance: float) -> tuple:
    """Neighbouring cues further apart than two tolerances (so not on one beat) but nearer than the
    shortest beat (or bar, between two downbeat cues) can allow, whatever the map."""
    pairs = []
    for (t1, k1, i1), (t2, k2, i2) in zip(constrained, constrained[1:]):
        shortest = fastest_beat * (beats_per_bar if TARGET[k1] == TARGET[k2] == "downbeat" else 1)
        if 2 * tolerance < t2 - t1 < shortest - 2 * tolerance:
            pairs.append((i1, i2))
    return tuple(pairs)


def _grid(lo: float, hi: float, step) -> tuple:
    if step is None:
        return ()
    if not step > 0 or (hi - lo) / step > 100_000:
        raise ValueError("tempo_step must be None or a step above 0 fine enough to list (at most 100000)")
    whole = float(step).is_integer()
    tempi = [j * step if whole else round(j * step, 9) for j in range(math.ceil(lo / step - 1e-9),
                                                                       math.floor(hi / step + 1e-9) + 1)]
    if not tempi:
        raise ValueError(f"no tempo in {lo}-{hi} is a multiple of {step}")
    return tuple(int(t) if whole else t for t in tempi)


def _error(times, ks, p: float) -> float:
    """The smallest worst error over offsets o >= 0 with cue i on beat ks[i] at period p."""
    r = times - ks * p
    high, low = r.max(), r.min()
    return max((high - low) / 2, -low)


def _offset(times, ks, p: float) -> float:
    r = times - ks * p
    return max((r.max() + r.min()) / 2, 0.0)


def _constant(layout: Layout, finals: list, prefer: float) -> list:
    """[(tempo, offset, ())] per best beat assignment: the least worst error, then the tempo nearest
    `prefer` among those within 1 us of it."""
    times = np.array(layout.times)
    scale = layout.scale

    def quick(node):  # the polygon's point nearest the preferred tempo: cheap, honest ranking
        p = _clamp(scale / prefer, *pg.p_range(node.poly))
        return round(_error(times, np.array(node.ks), p) / 100), abs(scale / p - prefer)

    out = []
    for node in sorted(finals, key=quick)[:24]:
        ks = np.array(node.ks, dtype=float)
        f = lambda p: _error(times, ks, p)  # noqa: E731 - convex in p
        best = golden_min(f, layout.p_lo, layout.p_hi)
        a = sublevel_edge(f, best, layout.p_lo, f(best) + 1.0)
        b = sublevel_edge(f, best, layout.p_hi, f(best) + 1.0)
        p = _clamp(scale / prefer, min(a, b), max(a, b))
        if layout.tempi:  # the error is unimodal in tempo: the best grid tempo brackets the optimum
            near = _bracket(layout.tempi, scale / best) + _bracket(layout.tempi, scale / p)
            tempo = min(near, key=lambda t: (round(f(scale / t)), abs(t - prefer)))
            p = scale / tempo
        else:
            tempo = scale / p
        out.append([(tempo, round(_offset(times, ks, p)), ())])
    return out


def _maps(layout: Layout, finals: list, prefer: float, keep: int) -> list:
    """Per map with the smallest steps: [refitted, draft] (tempo, offset, changes), the refit with (nearly)
    the least worst error its beats and bars allow, the draft as it came out of the search."""
    drafts = sorted((_map(layout, node, prefer) for node in finals[:200]), key=lambda m: _steps(m[0], m[2]))
    out = []
    for draft in drafts[:2 * keep]:
        plan = plan_of(draft[3])
        tighter = None
        if refit(layout, plan, layout.tol) is not None:  # else the centre's way in misses part of the polygon
            least = least_passing(lambda tol: refit(layout, plan, tol) is not None, layout.tol)
            tighter = refit(layout, plan, least + max(1.0, (layout.tol - least) / 1000))
        out.append(([_map(layout, tighter, prefer)[:3]] if tighter else []) + [draft[:3]])
    return out


def _map(layout: Layout, node, prefer: float):
    segments = reconstruct(layout, node, layout.scale / prefer)
    if len(segments) > 1:  # again, with the last tempo drawn towards the one before it
        segments = reconstruct(layout, node, segments[-2][1])
    tempi = [_snap(layout, layout.scale / p) for _, p, _ in segments]
    changes, bar = [], 0
    for (_, _, bars), tempo in zip(segments[:-1], tempi[1:]):
        bar += bars
        changes.append({"bar": bar, "tempo": tempo})
    return tempi[0], round(max(segments[0][0], 0.0)), tuple(changes), node


def _steps(tempo, changes) -> float:
    tempi = [tempo] + [c["tempo"] for c in changes]
    return sum(abs(b - a) for a, b in zip(tempi, tempi[1:]))


def _snap(layout: Layout, tempo: float):
    return min(layout.tempi, key=lambda t: abs(t - tempo)) if layout.tempi else tempo


def _rank(solution: Solution, prefer: float):
    steps = _steps(solution.tempo, solution.tempo_changes)
    on_downbeats = sum(1 for f in solution.cues if f.target and f.beat == 0)
    return (len(solution.tempo_changes), round(steps, 1), round(solution.max_error_us / 100), -on_downbeats,
            abs(solution.tempo - prefer), solution.start_offset_us)


def _bracket(tempi: tuple, tempo: float) -> list:
    """The grid tempi on either side of `tempo` (one at the ends of the grid)."""
    at = bisect.bisect_left(tempi, tempo)
    return list(tempi[max(at - 1, 0):at + 1])


def _clamp(value: float, lo: float, hi: float) -> float:
    return min(max(value, lo), hi)
