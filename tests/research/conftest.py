import pytest

from .session import scripted_session


@pytest.fixture
def session(db, settings):
    # Snapshots every 3 events, so replays start from snapshots as well as from the beginning.
    settings.STUDIO_SNAPSHOT_EVERY = 3
    return scripted_session()
