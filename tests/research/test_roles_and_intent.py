"""The researcher role, undo/redo recorded as such, and the admin's read-only evidence."""
import pytest
from channels.db import database_sync_to_async as db

from composer_ui.models import Event, Membership
from tests.composer_ui.factories import first_track_id, make_piece, make_user, note_add, receive_until, room


@pytest.mark.django_db(transaction=True)
async def test_an_undo_sent_by_a_client_is_an_undo_in_the_log():
    piece = await db(make_piece)()
    track = await db(first_track_id)(piece.pk)
    async with room(piece.owner, piece.pk) as ws:
        await ws.send_json_to({"type": "op", "client_op_id": "a1", "ops": [note_add("n1", track=track)]})
        await receive_until(ws, "ack")
        await ws.send_json_to({"type": "op", "client_op_id": "a2", "intent": "undo",
                               "ops": [{"op": "note.delete", "id": "n1"}]})
        await receive_until(ws, "ack")
        await ws.send_json_to({"type": "op", "client_op_id": "a3", "intent": "rewrite history",
                               "ops": [note_add("n2", track=track)]})
        error = await receive_until(ws, "error")
        assert error["code"] == "invalid" and "intent" in error["message"]
    kinds = await db(lambda: list(Event.objects.filter(piece=piece).order_by("seq").values_list("kind", flat=True)))()
    assert kinds == ["create", "edit", "undo"]


@pytest.mark.django_db
def test_the_owner_makes_a_member_a_researcher_from_the_piece_page(client):
    member = make_user()
    piece = make_piece(editors=[member])
    client.force_login(piece.owner)
    page = client.get(f"/pieces/{piece.pk}/").content.decode()
    assert 'id="open-share"' in page and "History &amp; analytics" in page  # the Share dialog sets roles
    response = client.patch(f"/api/pieces/{piece.pk}/members/{member.pk}/", {"role": "researcher"},
                            content_type="application/json")
    assert response.status_code == 200
    assert Membership.objects.get(piece=piece, user=member).role == "researcher"
    client.force_login(member)
    assert client.get(f"/pieces/{piece.pk}/history/").status_code == 200
    response = client.post(f"/api/pieces/{piece.pk}/ops/", {"client_op_id": "r1", "ops": [
        note_add("x", track=first_track_id(piece.pk))]}, content_type="application/json")
    assert response.status_code == 403  # researchers read; they never change the music


@pytest.mark.django_db
def test_only_the_owner_sets_roles(client):
    member, other = make_user(), make_user()
    piece = make_piece(editors=[member, other])
    client.force_login(member)
    response = client.patch(f"/api/pieces/{piece.pk}/members/{other.pk}/", {"role": "researcher"},
                            content_type="application/json")
    assert response.status_code == 403
    assert Membership.objects.get(piece=piece, user=other).role == "editor"


@pytest.mark.django_db
def test_the_admin_lists_everything_and_cannot_change_events_or_jobs(admin_client, session):
    for model in ("piece", "membership", "generationjob", "event", "proposal", "decision"):
        assert admin_client.get(f"/admin/composer_ui/{model}/").status_code == 200, model
    event = Event.objects.filter(piece=session.piece).first()
    job = session.jobs["accepted"]
    for url in (f"/admin/composer_ui/event/{event.pk}/change/", f"/admin/composer_ui/generationjob/{job.pk}/change/"):
        page = admin_client.get(url)
        assert page.status_code == 200 and b'name="_save"' not in page.content  # a read-only view
    assert admin_client.get("/admin/composer_ui/event/add/").status_code == 403
    assert admin_client.post(f"/admin/composer_ui/event/{event.pk}/delete/", {"post": "yes"}).status_code == 403
