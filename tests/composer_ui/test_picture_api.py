"""Scoring to picture over HTTP: cue sheets in and out (all or nothing), the tempo solver over a piece's cues,
and the piece's video (upload limits, type from the bytes, members only, byte ranges)."""
import asyncio
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from composer_ui import selectors, services
from composer_ui.models import Event, PieceVideo
from composer_ui.upload_gate import UploadGate
from composer_ui.video_files import byte_range, sniff

from .factories import make_piece, make_user

pytestmark = pytest.mark.django_db

SHEET = b"Timecode,Label,Kind\r\n00:00:03:00,Door slams,hit\r\n00:00:07:12,\"Car arrives, stops\",cadence\r\n12.5,,start\r\n"
WEBM_HEAD = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d4287810442858102")
MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def state_of(piece):
    return selectors.piece_state(piece_id=piece.pk)[1]


def import_sheet(client, piece, data, name="cues.csv", **fields):
    return client.post(f"/api/pieces/{piece.pk}/cues/import/",
                       {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **fields})


# -- cue sheets ------------------------------------------------------------------------------

def test_a_cue_sheet_becomes_one_import_event_with_every_cue():
    piece = make_piece()
    reply = import_sheet(client_for(piece.owner), piece, SHEET)
    assert reply.status_code == 200 and reply.json()["cues"] == 3
    event = Event.objects.get(piece=piece, seq=reply.json()["seq"])
    assert event.kind == "import" and [op["op"] for op in event.ops] == ["cue.add"] * 3
    assert event.ops[0]["provenance"]["import"]["file"] == "cues.csv"
    cues = sorted(state_of(piece)["cues"].values(), key=lambda c: c["time_us"])
    assert [(c["time_us"], c["label"], c["kind"]) for c in cues] == [
        (3_000_000, "Door slams", "hit"), (7_480_000, "Car arrives, stops", "cadence"), (12_500_000, "", "start")]
    assert cues[0]["author"] == {"kind": "user", "id": piece.owner.pk}


def test_a_bad_cue_sheet_names_every_bad_line_and_imports_nothing():
    piece = make_piece()
    seq = selectors.piece_state(piece_id=piece.pk)[0]
    bad = SHEET + b"00:00:99:00,Late,hit\r\n00:00:20:00,Crash,boom\r\n"
    reply = import_sheet(client_for(piece.owner), piece, bad)
    assert reply.status_code == 400
    error = reply.json()["error"]
    assert error["code"] == "invalid" and [p["line"] for p in error["problems"]] == [5, 6]
    assert "boom" in error["problems"][1]["reason"]
    assert selectors.piece_state(piece_id=piece.pk)[0] == seq and state_of(piece)["cues"] == {}


def test_cue_sheet_rights_and_replacing_the_cues():
    viewer, stranger = make_user(), make_user()
    piece = make_piece(viewers=[viewer])
    assert import_sheet(client_for(viewer), piece, SHEET).status_code == 403
    assert import_sheet(client_for(stranger), piece, SHEET).status_code == 404
    owner = client_for(piece.owner)
    import_sheet(owner, piece, SHEET)
    import_sheet(owner, piece, b"1.0,Again,hit\n", replace="true")
    assert [c["label"] for c in state_of(piece)["cues"].values()] == ["Again"]


def test_cue_sheets_export_as_csv_and_tsv_and_read_back():
    piece = make_piece(title="Reel three")
    owner = client_for(piece.owner)
    import_sheet(owner, piece, SHEET)
    csv = owner.get(f"/api/pieces/{piece.pk}/cues/export/")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert 'filename="reel-three-cues.csv"' in csv["Content-Disposition"]
    assert csv.content.decode().splitlines() == ["timecode,label,kind", "00:00:03:00,Door slams,hit",
                                                 '00:00:07:12,"Car arrives, stops",cadence', "00:00:12:13,,start"]
    tsv = owner.get(f"/api/pieces/{piece.pk}/cues/export/?format=tsv&seconds=1")
    assert tsv.content.decode().splitlines()[1] == "3,Door slams,hit".replace(",", "\t")
    other = make_piece(owner=piece.owner)
    assert import_sheet(owner, other, tsv.content, name="cues.tsv", replace="true").json()["cues"] == 3
    assert sorted((c["time_us"], c["label"]) for c in state_of(other)["cues"].values()) == \
           sorted((c["time_us"], c["label"]) for c in state_of(piece)["cues"].values())
    assert client_for(make_user()).get(f"/api/pieces/{piece.pk}/cues/export/").status_code == 404
    assert owner.get(f"/api/pieces/{piece.pk}/cues/export/?format=xls").status_code == 400


# -- the solver --------------------------------------------------------------------------------

def fit(client, piece, body):
    return client.post(f"/api/pieces/{piece.pk}/fit/", data=json.dumps(body), content_type="application/json")


def test_fit_finds_the_tempo_and_offset_the_cues_were_made_from():
    piece = make_piece()
    beat = 60_000_000 // 100  # 100 BPM in 4/4, bar 1 at 1.2 s
    cues = [(1_200_000, "start"), (1_200_000 + 3 * beat, "hit"), (1_200_000 + 8 * beat, "cadence"),
            (1_200_000 + 13 * beat + 4_000, "hit"), (1_200_000 + 16 * beat - 9_000, "cadence")]
    services.ops_apply(piece_id=piece.pk, user=piece.owner, client_op_id=None,
                       ops=[{"op": "cue.add", "time_us": t, "kind": k} for t, k in cues])
    reply = fit(client_for(piece.owner), piece, {"tempo_range": [80, 120]})
    assert reply.status_code == 200
    found = reply.json()
    assert found["complete"] and found["time_signature"] == [4, 4] and found["fps"] == "25"
    best = found["solutions"][0]
    assert best["tempo"] == 100 and best["tempo_changes"] == [] and best["bars"] == 5
    assert abs(best["start_offset_us"] - 1_200_000) <= 40_000 and best["max_error_frames"] <= 1
    assert [c["target"] for c in best["cues"]] == ["downbeat", "beat", "downbeat", "beat", "downbeat"]
    assert [c["bar"] for c in best["cues"]] == [0, 0, 2, 3, 4]
    assert all(abs(c["error_ms"]) <= 40 and abs(c["error_frames"]) <= 1 for c in best["cues"])
    assert set(found["solutions"][0]["cues"][0]) == {"id", "kind", "target", "bar", "beat", "error_ms", "error_frames"}


def test_fit_refuses_what_it_cannot_do_clearly():
    piece = make_piece()
    client = client_for(piece.owner)
    assert "hit, cadence or start" in fit(client, piece, {}).json()["error"]["message"]
    for body in ({"tempo_range": [200, 100]}, {"tempo_range": [10, 100]}, {"time_signature": [4, 5]},
                 {"tolerance_frames": 0}, {"max_changes": 99}, {"tempo_step": None}):
        reply = fit(client, piece, body)
        assert reply.status_code == 400 and reply.json()["error"]["code"] == "invalid", body
    assert fit(client_for(make_user()), piece, {}).status_code == 404


# -- the video ---------------------------------------------------------------------------------

@pytest.fixture
def video_dir(settings, tmp_path):
    settings.STUDIO_VIDEO_DIR = tmp_path / "videos"
    settings.STUDIO_VIDEO_MAX_BYTES = 4096
    return tmp_path / "videos"


def upload(client, piece, data, name="reel 3.webm", content_type="video/webm"):
    return client.post(f"/api/pieces/{piece.pk}/video/", data=data, content_type=content_type,
                       headers={"X-File-Name": name.replace(" ", "%20")})


def test_type_sniffing_from_the_bytes():
    assert sniff(WEBM_HEAD) == "webm" and sniff(MP4_HEAD) == "mp4"
    matroska = WEBM_HEAD.replace(b"\x84webm", b"\x88matroska")
    for head in (b"", b"RIFF\x00\x00\x00\x00AVI ", matroska, b"\x00\x00\x00\x20ftyp\x00\x01\x02\x03", b"<html>" * 10,
                 b"\x1a\x45\xdf\xa3", b"\x00\x00\x00\x04ftypisom"):
        assert sniff(head) is None, head


def test_byte_ranges():
    assert byte_range(None, 100) is None and byte_range("bytes=0-", 100) == (0, 99)
    assert byte_range("bytes=10-19", 100) == (10, 19) and byte_range("bytes=90-500", 100) == (90, 99)
    assert byte_range("bytes=-10", 100) == (90, 99) and byte_range("bytes=-500", 100) == (0, 99)
    assert byte_range("bytes=100-", 100) == "unsatisfiable" and byte_range("bytes=-0", 100) == "unsatisfiable"
    for whole in ("bytes=0-1,5-6", "items=0-5", "bytes=5-2", "bytes=-", "nonsense"):
        assert byte_range(whole, 100) is None, whole


def test_the_owner_uploads_a_video_and_members_get_it_in_ranges(video_dir):
    viewer, stranger = make_user(), make_user()
    piece = make_piece(viewers=[viewer])
    data = WEBM_HEAD + os.urandom(3000)
    reply = upload(client_for(piece.owner), piece, data)
    assert reply.status_code == 201
    video = reply.json()["video"]
    assert video["name"] == "reel 3.webm" and video["kind"] == "webm" and video["size"] == len(data)
    stored = PieceVideo.objects.get(piece=piece)
    assert (video_dir / stored.stored_as).read_bytes() == data and stored.stored_as.endswith(".webm")
    assert os.listdir(video_dir) == [stored.stored_as]  # nothing of the upload's name on disk, no leftovers
    watcher = client_for(viewer)
    assert watcher.get(f"/api/pieces/{piece.pk}/video/").json()["video"] == video
    whole = watcher.get(video["url"])
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == data
    assert whole["Accept-Ranges"] == "bytes" and whole["Content-Type"] == "video/webm"
    assert whole["X-Content-Type-Options"] == "nosniff"
    part = watcher.get(video["url"], headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-1099/{len(data)}"
    assert part["Content-Length"] == "1000" and b"".join(part.streaming_content) == data[100:1100]
    tail = watcher.get(video["url"], headers={"Range": "bytes=-16"})
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == data[-16:]
    past = watcher.get(video["url"], headers={"Range": f"bytes={len(data)}-"})
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{len(data)}"
    # strangers learn nothing; nobody logged out gets in
    assert client_for(stranger).get(video["url"]).status_code == 404
    assert client_for(stranger).get(f"/api/pieces/{piece.pk}/video/").status_code == 404
    assert Client().get(video["url"]).status_code == 401


def test_upload_limits_types_and_rights(video_dir):
    editor = make_user()
    piece = make_piece(editors=[editor])
    owner = client_for(piece.owner)
    assert upload(client_for(editor), piece, WEBM_HEAD + b"x" * 100).status_code == 403
    assert upload(client_for(make_user()), piece, WEBM_HEAD).status_code == 404
    refused = upload(owner, piece, b"<html><script>alert(1)</script></html>" * 3, name="x.webm")
    assert refused.status_code == 400 and "MP4" in refused.json()["error"]["message"]
    too_big = upload(owner, piece, WEBM_HEAD + b"x" * 5000)
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "too_large"
    assert not PieceVideo.objects.filter(piece=piece).exists()
    assert not video_dir.exists() or os.listdir(video_dir) == []  # no partial file left behind


def test_replacing_and_removing_the_video_removes_the_old_files(video_dir, django_capture_on_commit_callbacks):
    piece = make_piece()
    owner = client_for(piece.owner)
    first = upload(owner, piece, WEBM_HEAD + b"a" * 100).json()["video"]
    with django_capture_on_commit_callbacks(execute=True):
        second = upload(owner, piece, MP4_HEAD + b"b" * 100, name="cut.mp4", content_type="video/mp4").json()["video"]
    assert second["kind"] == "mp4" and second["url"] != first["url"]
    assert [name.endswith(".mp4") for name in os.listdir(video_dir)] == [True]
    assert owner.get(second["url"])["Content-Type"] == "video/mp4"
    with django_capture_on_commit_callbacks(execute=True):
        assert owner.delete(f"/api/pieces/{piece.pk}/video/").json() == {"video": None}
    assert os.listdir(video_dir) == [] and owner.get(second["url"]).status_code == 404
    assert owner.delete(f"/api/pieces/{piece.pk}/video/").status_code == 409


def test_the_asgi_gate_refuses_an_oversized_upload_before_reading_it(settings):
    settings.STUDIO_VIDEO_MAX_BYTES = 1000
    reached, sent = [], []

    async def app(scope, receive, send):
        reached.append(scope["path"])

    async def send(message):
        sent.append(message)

    async def call(path, headers, method="POST"):
        sent.clear()
        scope = {"type": "http", "method": method, "path": path, "headers": headers}
        await UploadGate(app)(scope, None, send)
        return sent[0]["status"] if sent else None

    async def run():
        assert await call("/api/pieces/3/video/", [(b"content-length", b"1001")]) == 413
        assert json.loads(sent[1]["body"])["error"]["code"] == "too_large"
        assert await call("/api/pieces/3/video/", []) == 411
        assert await call("/api/pieces/3/video/", [(b"content-length", b"1000")]) is None
        assert await call("/api/pieces/3/import/", [(b"content-length", b"99999")]) is None
        assert await call("/api/pieces/3/video/", [], method="GET") is None

    asyncio.run(run())
    assert reached == ["/api/pieces/3/video/", "/api/pieces/3/import/", "/api/pieces/3/video/"]
