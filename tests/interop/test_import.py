"""Imports: MIDI (type 0/1), MusicXML/.mxl and project files become pieces or tracks, as ONE event
of kind "import" attributed to the importer with the file's name and sha256; round trips; the rules
for tempo changes, meters, pickups, drums and quantizing; limits; the HTTP endpoints."""
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from composer_ui import selectors, services
from composer_ui.errors import StudioError
from composer_ui.interop import musicxml_export
from composer_ui.interop import services as interop
from composer_ui.models import Event, Piece
from tests.composer_ui.factories import make_piece, make_user

from .files import PICKUP_XML, midi_bytes, simple_midi
from .pieces import MODEL, fill_piece, notes_by_track, piece_data_ops

pytestmark = pytest.mark.django_db


def export(piece, user, fmt, seq=None):
    return interop.export_piece(piece_id=piece.pk, user=user, fmt=fmt, seq=seq).content


def state_of(piece_id):
    return selectors.piece_state(piece_id=piece_id)[1]


def test_piece_to_midi_to_piece_keeps_every_note_and_is_one_import_event():
    owner = make_user("ana")
    piece = make_piece(owner)
    fill_piece(piece, 21, tracks=4, notes=300, time_signature=(6, 8), key="E minor", tempo=132)
    original = state_of(piece.pk)
    data = export(piece, owner, "midi")
    importer = make_user("bo")
    imported = interop.import_new_piece(user=importer, file_name="song.mid", data=data)
    state = state_of(imported.piece_id)
    assert notes_by_track(state) == notes_by_track(original)
    with_notes = [t for t in original["tracks"] if any(n["track"] == t["id"] for n in original["notes"].values())]
    assert [(t["name"], t["program"], t["channel"]) for t in state["tracks"]] == \
           [(t["name"], t["program"], t["channel"]) for t in with_notes]
    for field in ("title", "tempo", "time_signature", "key", "bars"):
        assert state["piece"][field] == original["piece"][field], field
    events = list(Event.objects.filter(piece_id=imported.piece_id).order_by("seq"))
    assert [e.kind for e in events] == ["create", "import"] and imported.seq == 2
    assert events[1].actor == {"kind": "user", "id": importer.pk}
    record = {"file": "song.mid", "sha256": hashlib.sha256(data).hexdigest(), "format": "midi"}
    note_ops = [op for op in events[1].ops if op["op"] == "note.add"]
    assert len(note_ops) == 300
    assert all(op["provenance"] == {"author": {"kind": "user", "id": importer.pk}, "import": record}
               for op in note_ops)
    assert all(n["author"] == {"kind": "user", "id": importer.pk} for n in state["notes"].values())
    assert imported.summary["notes"] == 300
    assert [w for w in imported.warnings if "off the 16th-note grid" not in w] == []


@pytest.mark.parametrize("fmt", ["midi", "midi0"])
def test_track_volume_and_pan_survive_midi_export_and_import(fmt):
    owner = make_user()
    piece = make_piece(owner)
    fill_piece(piece, 4, tracks=3, notes=60)
    services.ops_apply(piece_id=piece.pk, user=owner, client_op_id=None, ops=[
        {"op": "track.update", "id": "t0", "volume": 90, "pan": 20}, {"op": "track.update", "id": "t1", "volume": 0},
        {"op": "track.update", "id": "t2", "pan": 127}])
    original = state_of(piece.pk)
    data = export(piece, owner, fmt)
    state = state_of(interop.import_new_piece(user=owner, file_name="levels.mid", data=data).piece_id)
    levels = lambda s: sorted((t["channel"], t["volume"], t["pan"]) for t in s["tracks"])  # noqa: E731
    assert levels(state) == levels(original) == [(0, 90, 20), (1, 0, 64), (2, 100, 127)]


def test_an_import_is_one_event_even_beyond_a_clients_ops_per_message():
    notes = [(i * 120, 120, 40 + i % 48, 1 + i % 127) for i in range(1500)]
    imported = interop.import_new_piece(user=make_user(), file_name="long.mid", data=simple_midi(notes))
    event = Event.objects.get(piece_id=imported.piece_id, seq=imported.seq)
    assert event.kind == "import" and len(event.ops) == 1 + 1500 > 500
    assert notes_by_track(state_of(imported.piece_id)) == {0: sorted(notes)}


def test_midi_type0_and_other_resolutions_import():
    notes = [(0, 96, 60, 80), (96, 48, 62, 81), (144, 48, 64, 82)]
    data = midi_bytes([("Lead", 0, 81, notes), ("Bass", 1, 33, [(0, 192, 36, 99)])], ticks_per_beat=96,
                      midi_type=0)
    owner = make_user()
    imported = interop.import_new_piece(user=owner, file_name="t0.mid", data=data)
    state = state_of(imported.piece_id)
    assert [(t["name"], t["program"], t["channel"]) for t in state["tracks"]] == \
           [("Channel 1", 81, 0), ("Channel 2", 33, 1)]
    assert notes_by_track(state) == {0: [(0, 480, 60, 80), (480, 240, 62, 81), (720, 240, 64, 82)],
                                     1: [(0, 960, 36, 99)]}
    assert any("96 ticks per quarter" in w for w in imported.warnings)


def test_json_project_round_trips_exactly_with_provenance():
    owner = make_user("ana")
    piece = make_piece(owner)
    fill_piece(piece, 5, tracks=3, notes=120)
    track = state_of(piece.pk)["tracks"][0]["id"]
    services.ops_apply(piece_id=piece.pk, user=owner, client_op_id=None,
                       ops=[{"op": "track.update", "id": track, "owner": owner.pk},
                            {"op": "piece.update", "own_tracks_only": True, "ai_mode": "alternate"}])
    original = state_of(piece.pk)
    assert sum(n["author"] == MODEL for n in original["notes"].values()) > 10
    data = export(piece, owner, "json")
    imported = interop.import_new_piece(user=owner, file_name="piece.studio.json", data=data)
    assert state_of(imported.piece_id) == original  # ids, fields, authors, jobs, acceptors, settings
    assert imported.summary["verified"] is True and imported.warnings == []
    event = Event.objects.get(piece_id=imported.piece_id, seq=imported.seq)
    assert event.kind == "import" and event.actor_user_id == owner.pk
    assert all(op["provenance"]["import"]["sha256"] == hashlib.sha256(data).hexdigest()
               for op in event.ops if op["op"] == "note.add")


def test_json_project_round_trips_chords_cues_tempo_and_track_settings_exactly():
    owner = make_user()
    piece = make_piece(owner)
    fill_piece(piece, 7, tracks=3, notes=50)
    services.ops_apply(piece_id=piece.pk, user=owner, client_op_id=None, trusted=True, ops=piece_data_ops(owner.pk))
    services.ops_apply(piece_id=piece.pk, user=owner, client_op_id=None,
                       ops=[{"op": "tempo.set", "bar": 3, "tempo": 80}, {"op": "cue.update", "id": "q2", "label": "x"}])
    original = state_of(piece.pk)
    assert original["chords"] and original["cues"] and len(original["tempo_changes"]) == 2
    document = json.loads(export(piece, owner, "json"))
    assert document["schema_version"] == 2
    imported = interop.import_new_piece(user=owner, file_name="p.studio.json", data=export(piece, owner, "json"))
    assert state_of(imported.piece_id) == original
    # Changed, it is credited to whoever imports it, chords, cues and tempo changes too.
    document["state"]["chords"]["ch1"]["symbol"] = "E"
    other = make_user()
    state = state_of(interop.import_new_piece(user=other, file_name="p.json", data=json.dumps(document).encode()
                                              ).piece_id)
    who = {"kind": "user", "id": other.pk}
    assert all(c["author"] == who for c in state["chords"].values()) and state["chords"]["ch2"]["job"] is None
    assert all(c["author"] == who for c in list(state["cues"].values()) + state["tempo_changes"])
    assert {k: state[k] for k in ("tracks", "piece")} == {k: original[k] for k in ("tracks", "piece")}


def test_a_version_1_project_file_imports_with_the_v2_defaults():
    owner = make_user()
    piece = make_piece(owner)
    fill_piece(piece, 3, tracks=2, notes=20)
    document = json.loads(export(piece, owner, "json"))
    state = document["state"]
    document["schema_version"] = 1
    state["piece"] = {k: v for k, v in state["piece"].items() if k not in ("fps", "start_offset_us")}
    state["tracks"] = [{k: v for k, v in t.items() if k not in ("colour", "volume", "pan")} for t in state["tracks"]]
    for key in ("chords", "cues", "tempo_changes"):
        del state[key]
    imported = interop.import_new_piece(user=owner, file_name="old.json", data=json.dumps(document).encode())
    assert imported.summary["verified"] is False  # the signature covered the whole v2 state
    new, old = state_of(imported.piece_id), state_of(piece.pk)
    assert new["tracks"] == old["tracks"] and notes_by_track(new) == notes_by_track(old)
    assert (new["chords"], new["cues"], new["tempo_changes"], new["piece"]["fps"]) == ({}, {}, [], "25")
    document["schema_version"] = 2
    with pytest.raises(StudioError) as caught:
        interop.import_new_piece(user=owner, file_name="bad.json", data=json.dumps(document).encode())
    assert "chords, cues" in caught.value.message


def test_json_project_round_trip_keeps_human_edits_of_ai_notes():
    owner = make_user()
    piece = make_piece(owner)
    fill_piece(piece, 6, tracks=2, notes=60)
    ai_note = next(n for n in state_of(piece.pk)["notes"].values() if n["author"] == MODEL)
    services.ops_apply(piece_id=piece.pk, user=owner, client_op_id=None,
                       ops=[{"op": "note.update", "id": ai_note["id"], "velocity": 5}])
    original = state_of(piece.pk)
    imported = interop.import_new_piece(user=owner, file_name="p.json", data=export(piece, owner, "json"))
    assert state_of(imported.piece_id) == original


def test_a_changed_project_file_is_credited_to_the_importer():
    owner, other = make_user(), make_user()
    piece = make_piece(owner)
    fill_piece(piece, 8, tracks=2, notes=40)
    document = json.loads(export(piece, owner, "json"))
    some_note = next(iter(document["state"]["notes"].values()))
    some_note["pitch"] = 1 + some_note["pitch"] % 100
    imported = interop.import_new_piece(user=other, file_name="edited.json", data=json.dumps(document).encode())
    state = state_of(imported.piece_id)
    assert all(n["author"] == {"kind": "user", "id": other.pk} for n in state["notes"].values())
    assert imported.summary["verified"] is False and any("could not be verified" in w for w in imported.warnings)
    event = Event.objects.get(piece_id=imported.piece_id, seq=imported.seq)
    claimed = [op["provenance"]["import"]["claimed"]["author"] for op in event.ops if op["op"] == "note.add"]
    assert MODEL in claimed


def test_musicxml_and_mxl_import_the_quantized_notes():
    owner = make_user()
    piece = make_piece(owner)
    fill_piece(piece, 9, tracks=2, notes=80, quantized=True, key="D major", time_signature=(3, 4))
    original = state_of(piece.pk)
    for fmt in ("musicxml", "mxl"):
        imported = interop.import_new_piece(user=owner, file_name=f"score.{fmt}", data=export(piece, owner, fmt))
        state = state_of(imported.piece_id)
        assert notes_by_track(state) == notes_by_track(original)
        assert [t["name"] for t in state["tracks"]] == [t["name"] for t in original["tracks"]]
        for field in ("tempo", "time_signature", "key", "bars", "title"):
            assert state["piece"][field] == original["piece"][field]


def test_pickups_are_placed_at_the_end_of_bar_one():
    imported = interop.import_new_piece(user=make_user(), file_name="pickup.musicxml", data=PICKUP_XML.encode())
    state = state_of(imported.piece_id)
    assert state["piece"]["time_signature"] == [3, 4] and state["piece"]["key"] == "F major"
    assert state["piece"]["tempo"] == 72 and state["piece"]["title"] == "Pickup tune"
    assert notes_by_track(state) == {0: [(960, 480, 72, 80), (1440, 1440, 77, 80), (2880, 1440, 70, 80)]}
    assert state["tracks"][0]["program"] == 73 and state["tracks"][0]["channel"] == 2
    assert any("pickup of 1 beats" in w for w in imported.warnings)


def test_tempo_and_meter_changes_keep_the_first_with_a_warning_and_drums_go_to_channel_10():
    data = midi_bytes([("Kit", 9, 0, [(0, 120, 36, 100), (480, 120, 38, 100)]), ("Keys", 0, 4, [(0, 1920, 60, 70)])],
                      tempos=((0, 90), (1920, 140)), time_signatures=((0, 7, 8), (3360, 4, 4)))
    imported = interop.import_new_piece(user=make_user(), file_name="changes.mid", data=data)
    state = state_of(imported.piece_id)
    assert state["piece"]["tempo"] == 90 and state["piece"]["time_signature"] == [7, 8]
    assert any("changes tempo 1 time" in w for w in imported.warnings)
    assert any("meter changes 1 time" in w for w in imported.warnings)
    assert any("drum track was imported on MIDI channel 10" in w for w in imported.warnings)
    assert state["tracks"][0]["channel"] == 9 and state["tracks"][0]["name"] == "Kit"


def test_off_grid_notes_are_kept_unless_quantize_is_asked():
    notes = [(7, 470, 60, 90), (493, 240, 62, 90)]
    kept = interop.import_new_piece(user=make_user(), file_name="loose.mid", data=simple_midi(notes))
    assert notes_by_track(state_of(kept.piece_id)) == {0: [(7, 470, 60, 90), (493, 240, 62, 90)]}
    assert any("2 notes are off the 16th-note grid" in w for w in kept.warnings)
    snapped = interop.import_new_piece(user=make_user(), file_name="loose.mid", data=simple_midi(notes), quantize=True)
    assert notes_by_track(state_of(snapped.piece_id)) == {0: [(0, 480, 60, 90), (480, 240, 62, 90)]}
    assert snapped.summary["quantized"] == 2


def test_import_into_an_existing_piece_adds_tracks_and_grows_it():
    owner, editor, viewer, stranger = make_user(), make_user(), make_user(), make_user()
    piece = make_piece(owner, editors=[editor], viewers=[viewer], bars=2)
    before = state_of(piece.pk)
    data = simple_midi([(0, 480, 60, 90), (4800, 480, 62, 90)], tempos=((0, 100),))
    imported = interop.import_into_piece(piece_id=piece.pk, user=editor, file_name="more.mid", data=data)
    state = state_of(piece.pk)
    assert len(state["tracks"]) == len(before["tracks"]) + 1 and state["piece"]["bars"] == 3
    assert state["piece"]["tempo"] == before["piece"]["tempo"]
    assert any("keeps its tempo" in w for w in imported.warnings)
    assert any("grew from 2 to 3 bars" in w for w in imported.warnings)
    again = interop.import_into_piece(piece_id=piece.pk, user=owner, file_name="more.mid", data=data)
    assert len({t["id"] for t in state_of(piece.pk)["tracks"]}) == len(before["tracks"]) + 2 and again.seq == 3
    with pytest.raises(StudioError) as refused:
        interop.import_into_piece(piece_id=piece.pk, user=viewer, file_name="x.mid", data=data)
    assert refused.value.code == "forbidden"
    with pytest.raises(StudioError) as refused:
        interop.import_into_piece(piece_id=piece.pk, user=stranger, file_name="x.mid", data=data)
    assert refused.value.code == "not_found"


def test_limits_refuse_the_whole_file_and_leave_nothing(settings):
    settings.STUDIO_LIMITS = {**settings.STUDIO_LIMITS, "notes_per_piece": 50, "tracks_per_piece": 2,
                              "bars_per_piece": 4}
    user = make_user()
    pieces = Piece.objects.count()
    cases = [(simple_midi([(i * 120, 120, 60 + i % 12, 90) for i in range(51)]), "more than 50 notes", "too_large"),
             (midi_bytes([(f"T{i}", i, 0, [(0, 480, 60, 90)]) for i in range(3)]), "3 tracks", "too_large"),
             (simple_midi([(0, 480, 60, 90), (5 * 1920, 480, 60, 90)]), "6 bars", "too_large"),
             (simple_midi([]), "no notes", "invalid")]
    for data, words, code in cases:
        with pytest.raises(StudioError) as refused:
            interop.import_new_piece(user=user, file_name="big.mid", data=data)
        assert refused.value.code == code and words in refused.value.message, refused.value.message
    assert Piece.objects.count() == pieces and not Event.objects.filter(kind="import").exists()
    piece = make_piece(user, bars=2)
    head = Piece.objects.get(pk=piece.pk).head_seq
    with pytest.raises(StudioError):
        interop.import_into_piece(piece_id=piece.pk, user=user, file_name="big.mid", data=cases[0][0])
    assert Piece.objects.get(pk=piece.pk).head_seq == head


# -- over HTTP ---------------------------------------------------------------------------------

def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_import_endpoints():
    owner, viewer = make_user(), make_user()
    client = Client()
    client.force_login(owner)
    created = client.post("/api/pieces/import/", {"file": upload("tune.mid", simple_midi()), "title": "My tune",
                                                  "quantize": "true"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["piece"]["title"] == "My tune" and body["piece"]["role"] == "owner" and body["seq"] == 2
    assert body["import"]["notes"] == 3 and body["import"]["sha256"] == hashlib.sha256(simple_midi()).hexdigest()
    piece_id = body["piece"]["id"]
    services.invite_accept(token=services.invite_create(piece_id=piece_id, acting_user=owner, role="viewer").token,
                           user=viewer)
    added = client.post(f"/api/pieces/{piece_id}/import/", {"file": upload("more.mid", simple_midi())})
    assert added.status_code == 200 and added.json()["seq"] == 3
    watcher = Client()
    watcher.force_login(viewer)
    refused = watcher.post(f"/api/pieces/{piece_id}/import/", {"file": upload("more.mid", simple_midi())})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    bad = client.post("/api/pieces/import/", {"file": upload("notes.txt", b"hello, not music")})
    assert bad.status_code == 400 and "not a MIDI file" in bad.json()["error"]["message"]
    missing = client.post("/api/pieces/import/", {"title": "x"})
    assert missing.status_code == 400 and "'file'" in missing.json()["error"]["message"]
    huge = client.post("/api/pieces/import/", {"file": upload("huge.mid", b"MThd" + b"\0" * (3 * 1024 * 1024))})
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"
    assert Client().post("/api/pieces/import/", {"file": upload("a.mid", simple_midi())}).status_code == 401
    assert client.get("/api/pieces/import/").status_code == 405


def test_import_needs_the_csrf_token_like_the_rest_of_the_api():
    user = make_user()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/api/pieces/import/", {"file": upload("a.mid", simple_midi())}).status_code == 403
    client.get("/api/pieces/")  # sets no cookie by itself: ask for one the way the pages do
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    ok = client.post("/api/pieces/import/", {"file": upload("a.mid", simple_midi())}, HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201, ok.content


def test_export_then_import_over_http_round_trips_midi():
    owner = make_user()
    piece = make_piece(owner)
    fill_piece(piece, 12, tracks=2, notes=60)
    client = Client()
    client.force_login(owner)
    data = client.get(f"/api/pieces/{piece.pk}/export/midi/").content
    created = client.post("/api/pieces/import/", {"file": upload("x.mid", data)}).json()
    assert notes_by_track(state_of(created["piece"]["id"])) == notes_by_track(state_of(piece.pk))
    project = client.get(f"/api/pieces/{piece.pk}/export/json/").content
    copied = client.post("/api/pieces/import/", {"file": upload("x.studio.json", project)})
    assert copied.status_code == 201 and copied.json()["import"]["verified"] is True
    assert state_of(copied.json()["piece"]["id"]) == state_of(piece.pk)
    # a project file may be larger than a music file (16 MiB against 2 MiB)
    padded = project.replace(b'"exported_at"', b'"padding": "' + b"x" * (3 * 1024 * 1024) + b'", "exported_at"', 1)
    assert client.post("/api/pieces/import/", {"file": upload("big.json", padded)}).status_code == 201
    assert client.post("/api/pieces/import/", {"file": upload("big.mid", padded)}).status_code == 413
    assert musicxml_export  # the MusicXML round trip is covered above
