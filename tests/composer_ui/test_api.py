"""The JSON HTTP API: pieces, state, events, ops, members and invites."""
import json

import pytest
from django.test import Client

from composer_ui.models import Event

from .factories import first_track_id, make_piece, make_user, note_add

pytestmark = pytest.mark.django_db


def client_for(user, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def post(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_create_and_list_pieces():
    user = make_user()
    client = client_for(user)
    created = post(client, "/api/pieces/", {"title": "Canon", "tempo": 72, "time_signature": [3, 4],
                                            "tracks": [{"name": "Violin", "program": 40}]})
    assert created.status_code == 201
    piece_id = created.json()["piece"]["id"]
    listed = client.get("/api/pieces/").json()["pieces"]
    assert [p["id"] for p in listed] == [piece_id] and listed[0]["role"] == "owner"
    state = client.get(f"/api/pieces/{piece_id}/").json()
    assert state["state"]["tracks"][0]["program"] == 40 and state["seq"] == 1


def test_bad_piece_requests_are_clear_errors():
    client = client_for(make_user())
    assert post(client, "/api/pieces/", {"tempo": 5}).json()["error"]["code"] == "invalid"
    assert post(client, "/api/pieces/", {"owner": 1}).status_code == 400
    bad = client.post("/api/pieces/", data="{nope", content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_json"


def test_ops_and_events_since():
    piece = make_piece()
    client = client_for(piece.owner)
    track = first_track_id(piece.pk)
    reply = post(client, f"/api/pieces/{piece.pk}/ops/", {"client_op_id": "h1", "ops": [note_add("a", track=track)]})
    assert reply.status_code == 200 and reply.json()["seq"] == 2
    events = client.get(f"/api/pieces/{piece.pk}/events/?since=1").json()
    assert [e["seq"] for e in events["events"]] == [2] and events["seq"] == 2
    assert client.get(f"/api/pieces/{piece.pk}/events/?since=x").status_code == 400
    conflict = post(client, f"/api/pieces/{piece.pk}/ops/", {"ops": [{"op": "note.delete", "id": "zz"}]})
    assert conflict.status_code == 409


def test_non_members_get_nothing():
    piece = make_piece()
    stranger = client_for(make_user())
    for url in (f"/api/pieces/{piece.pk}/", f"/api/pieces/{piece.pk}/events/", f"/api/pieces/{piece.pk}/members/",
                f"/api/pieces/{piece.pk}/invites/"):
        response = stranger.get(url)
        assert response.status_code == 404 and "state" not in response.json()
    assert Client().get(f"/api/pieces/{piece.pk}/").status_code == 401
    assert stranger.get(f"/pieces/{piece.pk}/").status_code == 404


def test_viewer_reads_but_cannot_write():
    viewer = make_user()
    piece = make_piece(viewers=[viewer])
    client = client_for(viewer)
    assert client.get(f"/api/pieces/{piece.pk}/").status_code == 200
    refused = post(client, f"/api/pieces/{piece.pk}/ops/", {"ops": [{"op": "piece.update", "tempo": 99}]})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert post(client, f"/api/pieces/{piece.pk}/invites/", {"role": "editor"}).status_code == 403
    assert Event.objects.filter(piece=piece).count() == 1


def test_members_and_invites_are_managed_by_the_owner():
    piece = make_piece()
    owner = client_for(piece.owner)
    invite = post(owner, f"/api/pieces/{piece.pk}/invites/", {"role": "viewer"}).json()["invite"]
    assert invite["url"].endswith(f"/join/{invite['token']}/")
    guest = Client()
    joined = guest.post(f"/join/{invite['token']}/", {"display_name": "Kim"})
    assert joined.status_code == 302
    members = owner.get(f"/api/pieces/{piece.pk}/members/").json()["members"]
    kim = next(m for m in members if m["name"] == "Kim")
    assert kim["role"] == "viewer"
    promoted = post(owner, f"/api/pieces/{piece.pk}/members/{kim['id']}/", {"role": "editor"}, method="patch")
    assert next(m for m in promoted.json()["members"] if m["id"] == kim["id"])["role"] == "editor"
    assert owner.delete(f"/api/pieces/{piece.pk}/members/{kim['id']}/").status_code == 200
    assert guest.get(f"/api/pieces/{piece.pk}/").status_code == 404
    assert owner.delete(f"/api/pieces/{piece.pk}/members/{piece.owner.pk}/").status_code == 403


def test_revoked_invite_lets_nobody_in():
    piece = make_piece()
    owner = client_for(piece.owner)
    token = post(owner, f"/api/pieces/{piece.pk}/invites/", {"role": "editor"}).json()["invite"]["token"]
    revoked = owner.delete(f"/api/pieces/{piece.pk}/invites/{token}/").json()["invite"]
    assert revoked["active"] is False
    guest = Client()
    assert guest.get(f"/join/{token}/").status_code == 404
    assert guest.post(f"/join/{token}/", {"display_name": "Late"}).status_code == 404
    assert piece.memberships.count() == 1


def test_writes_need_csrf():
    user = make_user()
    client = client_for(user, csrf=True)
    assert post(client, "/api/pieces/", {"title": "x"}).status_code == 403
