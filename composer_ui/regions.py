"""Regions of a piece (tracks x bars) and whether later edits touched one. Pure Python.

A proposal is computed against the piece at its job's `base_seq`. If anything
inside its region changed after that, accepting it would silently overwrite a
person's work, so the proposal is `stale` and accepting needs an explicit force.
"""
from dataclasses import dataclass

from .state import apply_ops, bar_ticks


@dataclass(frozen=True)
class Region:
    tracks: tuple
    start_bar: int
    end_bar: int  # one past the last bar

    def ticks(self, piece: dict) -> tuple[int, int]:
        size = bar_ticks(piece)
        return self.start_bar * size, self.end_bar * size

    def holds(self, note: dict | None, piece: dict) -> bool:
        """Does this note (start inside the bars, on one of the tracks) belong to the region?"""
        if note is None or note["track"] not in self.tracks:
            return False
        start, end = self.ticks(piece)
        return start <= note["start"] < end

    def describe(self, state: dict) -> str:
        names = {t["id"]: t["name"] for t in state["tracks"]}
        tracks = ", ".join(names.get(t, t) for t in self.tracks)
        bars = (f"bar {self.start_bar + 1}" if self.end_bar - self.start_bar == 1
                else f"bars {self.start_bar + 1}-{self.end_bar}")
        return f"{bars} of {tracks}"


def region_touched(base_state: dict, events, region: Region) -> bool:
    """True if any of ``events`` ((ops, actor) after the base) changed something inside ``region``."""
    state = base_state
    for ops, actor in events:
        for op in ops:
            if _touches(state, op, region):
                return True
        state = apply_ops(state, ops, actor, limits={"notes_per_piece": 10**9, "tracks_per_piece": 10**9,
                                                     "bars_per_piece": 10**9})
    return False


def _touches(state: dict, op: dict, region: Region) -> bool:
    piece, kind = state["piece"], op["op"]
    if kind.startswith("note."):
        before = state["notes"].get(op.get("id"))
        after = {**(before or {}), **{k: v for k, v in op.items() if k != "op"}} if kind != "note.delete" else None
        return region.holds(before, piece) or region.holds(after, piece)
    if kind == "track.delete":
        return op["id"] in region.tracks
    if kind.startswith("chord."):  # the chord track: AI chords replace it, harmonize follows it
        start, end = region.ticks(piece)
        before = state["chords"].get(op.get("id"))
        after = {**(before or {}), **{k: v for k, v in op.items() if k != "op"}} if kind != "chord.delete" else None
        return any(c is not None and c["start"] < end and start < c["start"] + c["duration"] for c in (before, after))
    if kind in ("bars.insert", "bars.delete"):
        return op["at"] < region.end_bar  # bars at or before the region move or vanish
    if kind == "piece.update":
        if "time_signature" in op and op["time_signature"] != piece["time_signature"]:
            return True
        return "bars" in op and op["bars"] < min(region.end_bar, piece["bars"])
    return False
