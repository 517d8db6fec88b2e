"""The print view of a score or a part (views.piece_score): members only, the part named in its title."""
import pytest
from django.test import Client

from composer_ui import selectors, services
from tests.composer_ui.factories import make_piece, make_user

pytestmark = pytest.mark.django_db


def test_the_print_view_is_for_members_and_names_the_part():
    owner, stranger = make_user("ana"), make_user("bo")
    piece = make_piece(owner, tracks=[{"name": "Melody"}, {"name": "Bass", "program": 32}])
    services.ops_apply(piece_id=piece.pk, user=owner, ops=[{"op": "chord.add", "start": 0, "duration": 480,
                                                           "symbol": "Cmaj7"}], client_op_id="c1")
    client = Client()
    client.force_login(owner)
    bass = [t for t in selectors.piece_state(piece_id=piece.pk)[1]["tracks"] if t["name"] == "Bass"][0]
    page = client.get(f"/pieces/{piece.pk}/score/?tracks={bass['id']}")
    assert page.status_code == 200
    assert b"Bass</span>" in page.content and f'data-tracks="{bass["id"]}"'.encode() in page.content
    assert b"opensheetmusicdisplay.min.js" in page.content  # through the import map
    client.force_login(stranger)
    assert client.get(f"/pieces/{piece.pk}/score/").status_code == 404
