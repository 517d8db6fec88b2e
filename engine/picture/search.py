"""The exact search behind the tempo solver (engine/picture/solver.py states the problem).

A tempo segment starts on a downbeat at time o (microseconds) and runs at beat period p; the cues in it
sit on whole beats k of it: |t - o - k p| <= tol. For fixed integers k the feasible (o, p) are a convex
polygon (engine/picture/polygon.py), so the search is over the integers only:

- Within a segment, cues are taken in time order; for each live polygon, every beat k the next cue can
  be on (downbeats only for cadences and starts) clips the polygon to a strip. Polygons that empty are
  dropped; nothing is sampled, so every assignment of beats that fits within tol is found.
- A tempo change at bar m of a segment (after the segment's last cue, at or before the next cue) starts
  the next segment at o' = o + m * beats_per_bar * p: over the polygon that is an interval of times (one
  interval per allowed tempo when tempi are on a grid). The next segment only needs to know that interval,
  so the dynamic programme over cue segments keeps, per level (number of changes) and first cue, the union
  of those intervals, merged; levels grow one change at a time, so the first level that reaches the last
  cue has the fewest changes.
- The first segment starts at o >= 0, and the first cue lies in bar 0 (so the offset is the downbeat of
  the bar holding the first cue).
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from engine.picture import polygon as pg


@dataclass
class Layout:
    times: list            # constrained cue times (hit, cadence, start), ascending, microseconds
    downbeat: list         # for each: must it be on a downbeat (cadence, start)?
    beats_per_bar: int
    p_lo: float            # beat periods allowed (microseconds), from the tempo range
    p_hi: float
    tol: float             # tolerance used while searching (microseconds)
    scale: float           # beat period * tempo: p = scale / tempo
    tempi: tuple = ()      # the allowed tempi when they lie on a grid (ascending); () = any
    max_nodes: int = 60_000
    nodes: int = 0         # polygons made so far

    def grid_between(self, p_a: float, p_b: float) -> list:
        """Grid tempi whose period lies in [p_a, p_b]."""
        lo = bisect.bisect_left(self.tempi, self.scale / p_b * (1 - 1e-12))
        hi = bisect.bisect_right(self.tempi, self.scale / p_a * (1 + 1e-12))
        return list(self.tempi[lo:hi])

    def holds_grid_tempo(self, poly: list) -> bool:
        return any(pg.o_at(poly, self.scale / t) for t in self.grid_between(*pg.p_range(poly)))


@dataclass(eq=False)
class Group:
    start: int             # the segment's first cue
    lo: float              # its downbeat may be at any time in [lo, hi] ...
    hi: float
    entries: list = field(default_factory=list)   # ... each part reached as one Entry says (sorted by lo)
    starts: list | None = None                    # entries' lo, made when first needed

    def entry_at(self, o: float):
        """An entry whose interval holds o (the nearest one if rounding put o just outside them all)."""
        if self.starts is None:
            self.starts = [e.lo for e in self.entries]
        after = bisect.bisect_right(self.starts, o)
        for e in reversed(self.entries[max(after - 64, 0):after]):  # the latest-starting ones first
            if e.hi >= o:
                return e
        return min(self.entries, key=lambda e: max(e.lo - o, o - e.hi, 0.0))


@dataclass(eq=False)
class Entry:
    lo: float
    hi: float
    parent: object         # the previous segment's Node, None for the first segment
    bars: int = 0          # bars from the parent's downbeat to this one
    grid: tuple = ()       # on a tempo grid: (lo, hi, tempo) for each of the parent's tempi in [lo, hi]

    def tempo_at(self, o: float):
        """The parent's grid tempo that puts this downbeat at o (the nearest one), or None off a grid."""
        if not self.grid:
            return None
        return min(self.grid, key=lambda g: max(g[0] - o, o - g[1], 0.0))[2]


@dataclass(eq=False)
class Node:
    j: int                 # the last cue placed
    poly: list
    ks: tuple              # beat of each placed cue of this segment, from the segment's downbeat
    group: Group


# Many grid tempi in one polygon: their intervals overlap into the polygon's projection anyway.
GRID_LIMIT = 400


def search(layout: Layout, max_changes: int):
    """(changes, final nodes, complete): the fewest changes that reach the last cue, with every final
    Node at that level (its chain of Entry parents is the whole map); complete is False when the node
    budget ran out first. (None, [], complete) when no map with at most max_changes changes fits."""
    first = Group(0, 0.0, layout.times[0] + layout.tol)
    first.entries.append(Entry(first.lo, first.hi, None))
    groups, seen = {0: [first]}, {}
    for changes in range(max_changes + 1):
        finals, entries = [], {}
        for start in sorted(groups):
            for group in groups[start]:
                if not _grow(layout, group, finals, entries if changes < max_changes else None):
                    return (changes, finals, False) if finals else (None, [], False)
        if finals:
            return changes, finals, True
        # A downbeat time already explored for this cue with fewer changes leads nowhere new.
        groups = {start: _unseen(_merge(start, found), seen.setdefault(start, [])) for start, found in entries.items()}
        groups = {start: found for start, found in groups.items() if found}
        if not groups:
            break
    return None, [], True


def _grow(layout: Layout, group: Group, finals: list, entries: dict | None) -> bool:
    """Place cues group.start, group.start + 1, ... in one segment; record the final nodes and, when
    `entries` is given, where the next segment could start after each cue. False if the budget ran out."""
    live = [Node(group.start - 1, pg.box(group.lo, group.hi, layout.p_lo, layout.p_hi), (), group)]
    last = len(layout.times) - 1
    for j in range(group.start, last + 1):
        live = [child for node in live for child in _place(layout, node, j)]
        if layout.nodes > layout.max_nodes:
            return False
        if not live:
            return True
        if j == last:  # on a tempo grid, the last segment's tempo must be on it too
            finals.extend(node for node in live if not layout.tempi or layout.holds_grid_tempo(node.poly))
        elif entries is not None:
            for node in live:
                entries.setdefault(j + 1, []).extend(_changes_after(layout, node))
    return True


def _place(layout: Layout, node: Node, j: int):
    """Children of `node` with cue j on each beat it can be on."""
    t, tol, n = layout.times[j], layout.tol, layout.beats_per_bar
    first, last = pg.beats_to(node.poly, t - tol, t + tol)
    k_lo, k_hi = max(math.ceil(first), node.ks[-1] if node.ks else 0), math.floor(last)
    if j == 0:
        k_hi = min(k_hi, n - 1)  # the first cue lies in bar 0
    step = 1
    if layout.downbeat[j]:
        k_lo, step = -(-k_lo // n) * n, n
    for k in range(k_lo, k_hi + 1, step):
        layout.nodes += 1
        poly = pg.strip(node.poly, k, t, tol)
        if poly:
            yield Node(j, poly, node.ks + (k,), node.group)


def _changes_after(layout: Layout, node: Node) -> list:
    """Entries for a tempo change at each bar line after cue node.j and at or before the next cue."""
    n = layout.beats_per_bar
    latest = layout.times[node.j + 1] + layout.tol
    layout.nodes += 1
    out = []
    first_bar = max(1, -(-node.ks[-1] // n))
    last_bar = math.floor(pg.beats_to(node.poly, latest)[1] / n)
    if last_bar < first_bar:
        return out
    grid = layout.grid_between(*pg.p_range(node.poly)) if layout.tempi else None
    if grid is None or len(grid) > GRID_LIMIT:
        for bars in range(first_bar, last_bar + 1):
            beats = bars * n
            starts = [o + beats * p for o, p in node.poly]
            lo = min(starts)
            if lo <= latest:
                out.append(Entry(lo, min(max(starts), latest), node, bars))
        return out
    slices = [(layout.scale / t, t, pg.o_at(node.poly, layout.scale / t)) for t in grid]
    slices = [(p, t, at) for p, t, at in slices if at]
    for bars in range(first_bar, last_bar + 1):
        pieces = sorted((lo + bars * n * p, min(hi + bars * n * p, latest), t) for p, t, (lo, hi) in slices
                        if lo + bars * n * p <= latest)
        layout.nodes += len(pieces) // 3  # many grid tempi are work too: they count towards the budget
        run, reach = [], -math.inf
        for piece in pieces + [(math.inf, math.inf, None)]:  # overlapping tempi make one entry
            if run and piece[0] > reach:
                out.append(Entry(run[0][0], reach, node, bars, tuple(run)))
                run = []
            run.append(piece)
            reach = max(reach, piece[1]) if len(run) > 1 else piece[1]
    return out


def _merge(start: int, entries: list) -> list:
    """Overlapping intervals as one Group each (any time in a group is reached by one of its entries)."""
    groups = []
    for entry in sorted(entries, key=lambda e: e.lo):
        if groups and entry.lo <= groups[-1].hi:
            groups[-1].hi = max(groups[-1].hi, entry.hi)
        else:
            groups.append(Group(start, entry.lo, entry.hi))
        groups[-1].entries.append(entry)
    return groups


def _unseen(groups: list, seen: list) -> list:
    """The parts of `groups` outside the intervals in `seen` (sorted, disjoint; it then covers them too),
    as groups. Slivers a cut leaves (under a nanosecond, float noise) are dropped."""
    out = []
    for group in groups:
        a, b = group.lo, group.hi
        i = bisect.bisect_left(seen, (a, -math.inf))
        if i and seen[i - 1][1] >= a:
            i -= 1
        j, cursor, parts = i, a, []
        while j < len(seen) and seen[j][0] <= b:
            if seen[j][0] - cursor > 1e-3:
                parts.append((cursor, seen[j][0]))
            cursor = max(cursor, seen[j][1])
            j += 1
        if j == i:
            parts = [(a, b)]
        elif b - cursor > 1e-3:
            parts.append((cursor, b))
        seen[i:j] = [(min(a, seen[i][0]), max(b, seen[j - 1][1])) if j > i else (a, b)]
        out += [Group(group.start, lo, hi, group.entries) for lo, hi in parts]  # its entries cover every part
    return out


def reconstruct(layout: Layout, node: Node, target_p: float) -> list:
    """One concrete map through a final node: [(o, p, bars to the next segment or 0)] from the first
    segment on. Each period is the one nearest to the next segment's (the last one's nearest to
    target_p), so the steps between tempi stay small."""
    p = _nearest_p(layout, node.poly, target_p)
    lo, hi = pg.o_at(node.poly, p) or (pg.centre(node.poly)[0],) * 2
    o, segments, bars = (lo + hi) / 2, [], 0
    while True:
        segments.append((o, p, bars))
        entry = node.group.entry_at(o)
        if entry.parent is None:
            return segments[::-1]
        beats = entry.bars * layout.beats_per_bar
        if entry.grid:
            p_prev = layout.scale / entry.tempo_at(o)
        else:
            p_prev = _inside(p, *pg.p_on_line(entry.parent.poly, beats, o))
        node, o, p, bars = entry.parent, o - beats * p_prev, p_prev, entry.bars


def _inside(value: float, lo: float, hi: float) -> float:
    """value clamped into [lo, hi], kept a hair off the edges where the interval allows."""
    margin = (hi - lo) * 1e-6
    return min(max(value, lo + margin), hi - margin) if hi > lo else lo


def _nearest_p(layout: Layout, poly: list, target_p: float) -> float:
    lo, hi = pg.p_range(poly)
    if not layout.tempi:
        return _inside(target_p, lo, hi)
    grid = [t for t in layout.grid_between(lo, hi) if pg.o_at(poly, layout.scale / t)]
    if not grid:  # the polygon holds grid tempi only at its rounding edge: take the nearest anyway
        grid = [min(layout.tempi, key=lambda t: abs(layout.scale / t - target_p))]
    return layout.scale / min(grid, key=lambda t: abs(layout.scale / t - target_p))



def plan_of(node: Node) -> list:
    """A final node's map as a plan, first segment first: (first cue, beats of its cues, bars to the next
    segment, the segment's grid tempo that change was made with, or None). Where several ways reach a segment, the
    one holding its polygon's centre."""
    plan, bars, tempo = [], 0, None
    while True:
        plan.append((node.group.start, node.ks, bars, tempo))
        o = pg.centre(node.poly)[0]
        entry = node.group.entry_at(o)
        if entry.parent is None:
            return plan[::-1]
        node, bars, tempo = entry.parent, entry.bars, entry.tempo_at(o)


def refit(layout: Layout, plan: list, tol: float):
    """The final Node of `plan` searched again at tolerance `tol` (beats and bars kept), or None if the
    plan does not fit that tightly."""
    lo, hi = 0.0, layout.times[0] + tol
    entry = Entry(lo, hi, None)
    for index, (start, ks, bars, tempo) in enumerate(plan):
        poly = pg.box(lo, hi, layout.p_lo, layout.p_hi)
        for j, k in enumerate(ks, start):
            poly = pg.strip(poly, k, layout.times[j], tol)
            if not poly:
                return None
        node = Node(start + len(ks) - 1, poly, ks, Group(start, lo, hi, [entry]))
        if index == len(plan) - 1:
            return node if not layout.tempi or layout.holds_grid_tempo(poly) else None
        beats, latest = bars * layout.beats_per_bar, layout.times[node.j + 1] + tol
        if tempo is None:
            lo, hi = pg.extent(poly, 1.0, beats)
        else:
            at = pg.o_at(poly, layout.scale / tempo)
            if at is None:
                return None
            lo, hi = (v + beats * layout.scale / tempo for v in at)
        hi = min(hi, latest)
        if lo > hi:
            return None
        entry = Entry(lo, hi, node, bars, () if tempo is None else ((lo, hi, tempo),))
