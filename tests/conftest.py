import os

import pytest


def reset_channel_layers():
    """A channel layer binds to the event loop that first used it; each test runs its own loop."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()


@pytest.fixture(autouse=True, scope="session")
def _no_presence_from_earlier_runs():
    """A new test database numbers pieces from 1 again: presence a killed run left in Redis (it expires
    only after STUDIO_PRESENCE_TTL_SECONDS) would put its people into this run's rooms."""
    url = os.environ.get("REDIS_URL")
    if url:
        import redis

        client = redis.Redis.from_url(url)
        for key in client.scan_iter(match="studio:*:presence:*"):
            client.delete(key)
        client.close()


@pytest.fixture
async def _presence_closed_with_the_test():
    """Each test runs its own event loop; close that loop's presence store (its Redis client) with it,
    or the next test's teardown hangs cancelling channels-redis' blocking pop."""
    yield
    from composer_ui.presence import close_presence

    await close_presence()


@pytest.fixture(autouse=True)
def _redis_presence_closed(request):
    """Only with REDIS_URL (the production pass): an async fixture on every test would also wrap the
    browser tests, whose Playwright loop is already running (they run on the SQLite pass only)."""
    if os.environ.get("REDIS_URL"):
        request.getfixturevalue("_presence_closed_with_the_test")


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Neither folded states nor channel layers may leak between tests."""
    from composer_ui import selectors

    selectors.forget_states()
    reset_channel_layers()
    yield
    selectors.forget_states()
    reset_channel_layers()


@pytest.fixture(autouse=True)
def _tiny_engine(settings):
    """Django tests generate with a tiny model and never start the background sweeper."""
    settings.STUDIO_GENERATOR = "tests.composer_ui.tiny_engine.TinyGenerator"
    settings.STUDIO_GENERATION = {**settings.STUDIO_GENERATION, "sweep_in_process": False}
