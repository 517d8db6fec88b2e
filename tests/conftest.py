import pytest


def reset_channel_layers():
    """A channel layer binds to the event loop that first used it; each test runs its own loop."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()


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
