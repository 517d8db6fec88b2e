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
                                           "key": "D minor", "bars": 16})
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
    owner.post(f"/pieces/{piece.pk}/invites/", {"role": "editor"})
    token = piece.invites.get().token
    guest = Client()
    assert "Class piece" in guest.get(f"/join/{token}/").content.decode()
    assert guest.post(f"/join/{token}/", {"display_name": " "}).status_code == 200  # form error, no user
    response = guest.post(f"/join/{token}/", {"display_name": "Student 1"})
    assert response.url == f"/pieces/{piece.pk}/"
    membership = Membership.objects.get(piece=piece, user__first_name="Student 1")
    assert membership.role == "editor" and not membership.user.has_usable_password()
    assert "Student 1" in owner.get(f"/pieces/{piece.pk}/").content.decode()


def test_owner_revokes_an_invite_from_the_page():
    piece = make_piece()
    owner = Client()
    owner.force_login(piece.owner)
    owner.post(f"/pieces/{piece.pk}/invites/", {"role": "viewer"})
    token = piece.invites.get().token
    owner.post(f"/pieces/{piece.pk}/invites/{token}/revoke/")
    assert Client().get(f"/join/{token}/").status_code == 404


def test_owner_assigns_tracks_and_turns_on_own_tracks_only():
    from composer_ui import selectors

    student = make_user()
    piece = make_piece(editors=[student])
    track = selectors.piece_state(piece_id=piece.pk)[1]["tracks"][0]["id"]
    owner = Client()
    owner.force_login(piece.owner)
    owner.post(f"/pieces/{piece.pk}/settings/", {f"owner-{track}": str(student.pk), "own_tracks_only": "on",
                                                 "ai_enabled": "on", "ai_mode": "alternate",
                                                 "ai_operations": ["harmonize", "infill"], "ai_quota_per_hour": "5"})
    state = selectors.piece_state(piece_id=piece.pk)[1]
    assert state["piece"]["own_tracks_only"] is True and state["tracks"][0]["owner"] == student.pk
    assert (state["piece"]["ai_mode"], state["piece"]["ai_operations"], state["piece"]["ai_quota_per_hour"]) == (
        "alternate", ["harmonize", "infill"], 5)
    assert "alternate" in owner.get(f"/pieces/{piece.pk}/").content.decode()
    as_student = Client()
    as_student.force_login(student)
    as_student.post(f"/pieces/{piece.pk}/settings/", {"ai_mode": "free", "ai_quota_per_hour": "9"})
    assert selectors.piece_state(piece_id=piece.pk)[1]["piece"]["own_tracks_only"] is True
