"""Convex polygons in the (o, p) plane the tempo solver searches: o is when a tempo segment's first
downbeat plays (microseconds), p the segment's beat period (microseconds a beat).

A cue at time t on beat k of the segment is within `tol` when t - tol <= o + k * p <= t + tol: a strip.
Every set the solver keeps is an intersection of such strips with a box, so it stays convex, and a polygon
is its list of vertices (an empty list is the empty set). Everything here is exact up to float rounding.
"""
from __future__ import annotations

import math


def box(o_lo: float, o_hi: float, p_lo: float, p_hi: float) -> list:
    if o_lo > o_hi or p_lo > p_hi:
        return []
    return [(o_lo, p_lo), (o_hi, p_lo), (o_hi, p_hi), (o_lo, p_hi)]


def clip(poly: list, a: float, b: float, c: float) -> list:
    """The part of `poly` where a * o + b * p <= c (Sutherland-Hodgman against one half-plane)."""
    out = []
    count = len(poly)
    for i in range(count):
        o1, p1 = poly[i]
        o2, p2 = poly[(i + 1) % count]
        s1, s2 = a * o1 + b * p1 - c, a * o2 + b * p2 - c
        if s1 <= 0:
            out.append((o1, p1))
        if (s1 < 0 < s2) or (s2 < 0 < s1):
            f = s1 / (s1 - s2)
            out.append((o1 + f * (o2 - o1), p1 + f * (p2 - p1)))
    return out


def strip(poly: list, k: int, t: float, tol: float) -> list:
    """The part of `poly` that puts beat k within tol of t (the two half-planes of clip, in one pass each)."""
    hi, lo = t + tol, t - tol
    for bound, sign in ((hi, 1.0), (lo, -1.0)):
        values = [sign * (o + k * p - bound) for o, p in poly]
        if max(values) <= 0:
            continue
        if min(values) > 0:
            return []
        out = []
        count = len(poly)
        for i in range(count):
            s1, s2 = values[i], values[i - count + 1]
            if s1 <= 0:
                out.append(poly[i])
            if (s1 < 0 < s2) or (s2 < 0 < s1):
                (o1, p1), (o2, p2) = poly[i], poly[i - count + 1]
                f = s1 / (s1 - s2)
                out.append((o1 + f * (o2 - o1), p1 + f * (p2 - p1)))
        poly = out
    return poly


def extent(poly: list, a: float, b: float) -> tuple:
    """min and max of a * o + b * p over the polygon."""
    values = [a * o + b * p for o, p in poly]
    return min(values), max(values)


def beats_to(poly: list, t_lo: float, t_hi: float | None = None) -> tuple:
    """min over the polygon of (t_lo - o) / p and max of (t_hi - o) / p (t_hi defaults to t_lo): the
    range of beats after the origin that times in [t_lo, t_hi] can be on."""
    t_hi = t_lo if t_hi is None else t_hi
    return min((t_lo - o) / p for o, p in poly), max((t_hi - o) / p for o, p in poly)


def p_range(poly: list) -> tuple:
    return min(p for _, p in poly), max(p for _, p in poly)


def o_at(poly: list, p: float):
    """The (o_lo, o_hi) the polygon allows at period p, or None."""
    found = []
    count = len(poly)
    for i in range(count):
        o1, p1 = poly[i]
        o2, p2 = poly[(i + 1) % count]
        if p1 == p2:
            if p1 == p:
                found += [o1, o2]
        elif min(p1, p2) <= p <= max(p1, p2):
            found.append(o1 + (p - p1) / (p2 - p1) * (o2 - o1))
    return (min(found), max(found)) if found else None


def p_on_line(poly: list, m: float, target: float) -> tuple:
    """The (p_lo, p_hi) of the polygon's points with o + m * p == target. If rounding left the line just
    outside the polygon, the p of the vertex nearest to it (the caller checks every cue afterwards)."""
    found = []
    count = len(poly)
    for i in range(count):
        o1, p1 = poly[i]
        o2, p2 = poly[(i + 1) % count]
        s1, s2 = o1 + m * p1 - target, o2 + m * p2 - target
        if s1 == 0:
            found.append(p1)
        if (s1 < 0 < s2) or (s2 < 0 < s1):
            found.append(p1 + s1 / (s1 - s2) * (p2 - p1))
    if not found:
        nearest = min(poly, key=lambda v: abs(v[0] + m * v[1] - target))
        return nearest[1], nearest[1]
    return min(found), max(found)


def centre(poly: list) -> tuple:
    """The mean of the vertices: inside a convex polygon, away from its edges."""
    return math.fsum(o for o, _ in poly) / len(poly), math.fsum(p for _, p in poly) / len(poly)
