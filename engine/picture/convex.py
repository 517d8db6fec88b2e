"""One-dimensional searches over convex (or monotone) functions, for the tempo solver."""
from __future__ import annotations

import math


def golden_min(f, lo: float, hi: float) -> float:
    """The minimum of a convex function on [lo, hi]."""
    ratio = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(90):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = f(d)
    return (a + b) / 2


def sublevel_edge(f, inside: float, outside: float, level: float) -> float:
    """How far from `inside` towards `outside` a convex f stays at or below `level`."""
    if f(outside) <= level:
        return outside
    for _ in range(60):
        middle = (inside + outside) / 2
        inside, outside = (middle, outside) if f(middle) <= level else (inside, middle)
    return inside


def least_passing(fits, high: float) -> float:
    """The least tolerance in (0, high] that `fits` (monotone), to within 0.1 us."""
    low = 0.0
    while high - low > 0.1:
        middle = (low + high) / 2
        low, high = (low, middle) if fits(middle) else (middle, high)
    return high
