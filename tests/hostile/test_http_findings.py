"""Regressions found while reviewing the HTTP entry points for docs/security.md."""
import pytest
from django.test import Client

from composer_ui import selectors
from tests.composer_ui.factories import first_track_id, make_piece

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("owner", ["²", "٣", "9" * 5000, "99999999999", "-1", " 1"])
def test_a_junk_track_owner_on_the_settings_page_is_no_server_error(owner):
    piece = make_piece()
    client = Client(raise_request_exception=False)
    client.force_login(piece.owner)
    track = first_track_id(piece.pk)
    response = client.post(f"/pieces/{piece.pk}/settings/",
                           {"ai_mode": "free", "ai_quota_per_hour": 5, f"owner-{track}": owner})
    assert response.status_code == 302  # back to the piece page; int("²") and 5,000 digits were a 500
    assert selectors.piece_state(piece_id=piece.pk)[1]["tracks"][0]["owner"] is None
