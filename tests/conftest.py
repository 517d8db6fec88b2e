import pytest


@pytest.fixture(autouse=True)
def _fresh_state_cache():
    """The in-process state cache must not leak folded states between tests."""
    from composer_ui import selectors

    selectors.forget_states()
    yield
    selectors.forget_states()
