"""Who wrote a note, and where, in the words both the files (interop/) and the research (research/)
use: author keys and bar numbers. Pure Python.

A note's ``author`` is who created it: a person (``{"kind": "user", "id": 3}``), a model
(``{"kind": "model", "name": "gridcoco@1.0"}``) for accepted AI notes, or the studio itself.
"""
from .state import bar_ticks


def author_key(author: dict | None) -> str:
    """A stable string for an author: ``user:3``, ``model:gridcoco@1.0``, ``system``."""
    author = author or {"kind": "system"}
    if author.get("kind") == "user":
        return f"user:{author.get('id')}"
    if author.get("kind") == "model":
        return f"model:{author.get('name', '')}"
    return str(author.get("kind") or "system")


def bar_of(tick: int, piece: dict) -> int:
    """The 1-based bar a tick lies in."""
    return tick // bar_ticks(piece) + 1


def bar_ranges(bars) -> str:
    """[1, 2, 3, 5] -> "1-3, 5"."""
    bars = sorted(set(bars))
    out, start, previous = [], None, None
    for bar in bars:
        if start is None:
            start = previous = bar
        elif bar == previous + 1:
            previous = bar
        else:
            out.append(f"{start}-{previous}" if previous != start else f"{start}")
            start = previous = bar
    if start is not None:
        out.append(f"{start}-{previous}" if previous != start else f"{start}")
    return ", ".join(out)
