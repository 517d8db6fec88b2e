"""Hostile clients: shared fixtures, the message budget and the count actually sent.

STUDIO_FUZZ_MESSAGES sets how many generated messages the fuzz test sends (default 10,000 per
run); STUDIO_FUZZ_SEED replays a run. The scenario tests add their own messages on top, and the
total is printed at the end of the run.
"""
import logging
import os
import random

import pytest

from .harness import SENT

DEFAULT_FUZZ_MESSAGES = 10_000


def fuzz_messages() -> int:
    return int(os.environ.get("STUDIO_FUZZ_MESSAGES", DEFAULT_FUZZ_MESSAGES))


@pytest.fixture(scope="session")
def fuzz_seed() -> int:
    return int(os.environ.get("STUDIO_FUZZ_SEED") or random.SystemRandom().randrange(2**32))


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def error_log():
    """Every record at ERROR or above while the test runs (an unhandled exception in the consumer,
    the hub, a job or the event loop is logged there); the harness fails on the first one."""
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)


@pytest.fixture
def unthrottled(settings):
    """The fuzz test measures refusals, not the rate limiter (tested on its own): lift the per
    connection rates so every generated message reaches its parser. Jobs run in-process."""
    settings.STUDIO_LIMITS = {**settings.STUDIO_LIMITS, "ops_per_second": 1_000_000, "presence_per_second": 1_000_000}
    settings.STUDIO_USE_CELERY = False


def pytest_terminal_summary(terminalreporter):
    if SENT["messages"]:
        seed = f", seed {SENT['seed']}" if SENT.get("seed") is not None else ""
        terminalreporter.write_line(
            f"hostile clients: {SENT['messages']} generated WebSocket messages sent "
            f"({SENT['refused']} refused with an error, {SENT['accepted']} accepted{seed})")
