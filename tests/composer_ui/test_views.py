"""The pages a newcomer goes through: sign up, create a piece, invite, join as a guest."""
import pytest
from django.test import Client

from composer_ui.models import Membership, Piece

from .factories import make_piece, make_user

pytestmark = pytest.mark.django_db


def test_landing_then_sign_up_then_create_a_piece():
    client = Client()
    assert b"Sign up" in client.get("/").content
    signed = client.post("/signup/", {"username": "ana", "first_name": "Ana", "password1": "a-long-pass-phrase-9",
                                      "password2": "a-long-pass-phrase-9"})
    assert signed.status_code == 302
    created = client.post("/pieces/new/", {"title": "Étude", "tempo": 100, "time_signature": "3/4",
                                           "key": "d minor", "bars": 16})
    piece = Piece.objects.get(title="Étude")
    assert created.url == f"/pieces/{piece.pk}/"
    page = client.get(created.url).content.decode()
    assert "Étude" in page and "3/4" in page and "D minor" in page and "owner" in page
    assert "Étude" in client.get("/").content.decode()


def test_log_in_page_works():
    make_user("bo")
    client = Client()
    assert client.post("/login/", {"username": "bo", "password": "pw-for-tests-1"}).status_code == 302


def test_guest_join_makes_a_real_user_with_no_password():
    piece = make_piece(title="Class piece")
    owner = Client()
    owner.force_login(piece.owner)
    owner.post(f"/api/pieces/{piece.pk}/invites/", {"role": "editor"}, content_type="application/json")
    token = piece.invites.get().token
    guest = Client()
    assert "Class piece" in guest.get(f"/join/{token}/").content.decode()
    assert guest.post(f"/join/{token}/", {"display_name": " "}).status_code == 200  # form error, no user
    response = guest.post(f"/join/{token}/", {"display_name": "Student 1"})
    assert response.url == f"/pieces/{piece.pk}/"
    membership = Membership.objects.get(piece=piece, user__first_name="Student 1")
    assert membership.role == "editor" and not membership.user.has_usable_password()
    assert "Student 1" in owner.get(f"/api/pieces/{piece.pk}/members/").content.decode()


def test_each_template_starts_its_tracks_and_a_key_is_read_as_people_type_it():
    from composer_ui import selectors
    from composer_ui.piece_templates import TEMPLATES

    client = Client()
    client.force_login(make_user("tess"))
    for key in TEMPLATES:
        created = client.post("/pieces/new/", {"title": key, "template": key, "tempo": 90, "time_signature": "6/8",
                                               "key": "B♭", "bars": 4})
        state = selectors.piece_state(piece_id=int(created.url.split("/")[2]))[1]
        assert [t["name"] for t in state["tracks"]] == [t["name"] for t in TEMPLATES[key][2]], key
        assert state["piece"]["key"] == "Bb major" and state["piece"]["time_signature"] == [6, 8]
        assert all(t["colour"].startswith("#") for t in state["tracks"])
        assert len({t["colour"] for t in state["tracks"]}) == len(state["tracks"]), "one colour per track"
    drums = [t for t in selectors.piece_state(piece_id=Piece.objects.get(title="band").pk)[1]["tracks"] if t["channel"] == 9]
    assert [t["name"] for t in drums] == ["Drums"]


def test_a_refused_key_keeps_everything_else_typed():
    client = Client()
    client.force_login(make_user("kim"))
    response = client.post("/pieces/new/", {"title": "Nocturne", "template": "piano", "tempo": 72,
                                            "time_signature": "3/4", "key": "H major", "bars": 12})
    page = response.content.decode()
    assert response.status_code == 400 and not Piece.objects.filter(title="Nocturne").exists()
    assert 'value="Nocturne"' in page and 'value="72"' in page and 'value="H major"' in page
    assert 'value="piano" checked' in page and "key" in page.lower()
