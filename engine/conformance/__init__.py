"""
The conformance kit: checks a model server against the model protocol.

    python -m engine.conformance http://127.0.0.1:8765 --token T

    from engine.conformance import run_kit
    checks = run_kit(url, token)          # [Check(name, status, reason)], status "pass", "fail" or "skip"

What each check asks and expects is in engine/conformance/checks.py and
docs/model-protocol.md. The kit only speaks HTTP to the server, so it checks
any implementation, not only engine.serve.
"""
from __future__ import annotations

from engine.conformance.checks import run_all
from engine.conformance.session import Check, Session

__all__ = ["Check", "Session", "run_kit", "table"]


def run_kit(url, token=None, *, timeout=60.0, repeat=3) -> list[Check]:
    return run_all(Session(url, token, timeout), repeat=repeat)


def table(checks) -> str:
    width = max(len(c.name) for c in checks)
    lines = [f"{'check'.ljust(width)}  result  reason", f"{'-' * width}  ------  ------"]
    lines += [f"{c.name.ljust(width)}  {c.status.upper().ljust(6)}  {c.reason}" for c in checks]
    failed = sum(1 for c in checks if not c.passed)
    lines.append(f"{len(checks) - failed}/{len(checks)} checks passed" + (f", {failed} FAILED" if failed else ""))
    return "\n".join(lines)
