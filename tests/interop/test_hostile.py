"""Hostile and broken files never hurt the server: every file of the generated corpus goes through the
real import path and is refused with a clear message (or, for benign oddities, imported), none hits the
sandbox's wall-clock limit, nothing is half-imported, and the server still serves afterwards. Also the
sandbox's own limits (CPU, memory, wall clock)."""
import json
import statistics
import subprocess
import sys
import time

import pytest
from django.test import Client

from composer_ui.errors import StudioError
from composer_ui.interop import reader, sandbox
from composer_ui.interop import services as interop
from composer_ui.models import Event, Piece
from tests.composer_ui.factories import make_user

from . import make_hostile_corpus
from .files import simple_midi

CODES = {"invalid", "too_large"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile")
    return directory, make_hostile_corpus.generate(directory)


def test_the_corpus_is_big_enough(corpus):
    _, manifest = corpus
    assert sum(m["kind"] == "midi" for m in manifest) >= 200
    assert sum(m["kind"] == "xml" for m in manifest) >= 100


@pytest.mark.django_db
def test_every_hostile_file_is_refused_clearly_or_imported_whole(corpus, settings, capsys):
    settings.STUDIO_LIMITS = {**settings.STUDIO_LIMITS, "pieces_per_user": 10_000}
    directory, manifest = corpus
    user = make_user()
    before = dict(reader.STATS)
    times, outcomes, wrong = [], {}, []
    for entry in manifest:
        data = (directory / entry["file"]).read_bytes()
        pieces = Piece.objects.count()
        started = time.perf_counter()
        try:
            imported = interop.import_new_piece(user=user, file_name=entry["file"], data=data)
        except StudioError as error:
            elapsed = time.perf_counter() - started
            outcome = ("refused", error.code, error.message)
            clear = error.code in CODES and 15 <= len(error.message) <= 500 and "Traceback" not in error.message
            if entry["expect"] == "import" or not clear:
                wrong.append((entry["file"], entry["why"], outcome))
            if Piece.objects.count() != pieces:
                wrong.append((entry["file"], "a refused file left a piece behind", outcome))
        else:
            elapsed = time.perf_counter() - started
            outcome = ("imported", imported.summary["notes"], imported.warnings)
            if entry["expect"] == "refuse":
                wrong.append((entry["file"], entry["why"], outcome))
            events = list(Event.objects.filter(piece_id=imported.piece_id).values_list("kind", flat=True))
            if events != ["create", "import"]:
                wrong.append((entry["file"], "not one import event", events))
        times.append((elapsed, entry["file"]))
        outcomes[entry["file"]] = outcome
    after = dict(reader.STATS)
    refused = sum(o[0] == "refused" for o in outcomes.values())
    spawned = after["runs"] - before["runs"]
    slowest = sorted(times, reverse=True)[:5]
    seconds = [t for t, _ in times]
    with capsys.disabled():
        print(f"\nhostile corpus: {len(manifest)} files, {refused} refused, {len(manifest) - refused} imported; "
              f"sandbox ran for {spawned}; per file p50 {statistics.median(seconds) * 1000:.2f} ms, "
              f"max {max(seconds) * 1000:.0f} ms ({slowest[0][1]}); sandbox max wall "
              f"{after['max_wall'] * 1000:.0f} ms, CPU kills {after['cpu_kills'] - before['cpu_kills']}, "
              f"crashes {after['crashes'] - before['crashes']}")
        print("slowest:", ", ".join(f"{name} {t * 1000:.0f} ms" for t, name in slowest))
        mutations = [o for name, o in outcomes.items() if name.startswith("mutation-")]
        print(f"MIDI mutations: {sum(o[0] == 'refused' for o in mutations)} refused, "
              f"{sum(o[0] == 'imported' for o in mutations)} imported")
    assert not wrong, json.dumps(wrong, indent=1, default=str)[:6000]
    assert after["timeouts"] == before["timeouts"], "a file ran into the sandbox's wall-clock limit"
    # the server still serves
    client = Client()
    client.force_login(user)
    assert client.get("/api/pieces/").status_code == 200
    ok = interop.import_new_piece(user=user, file_name="after.mid", data=simple_midi())
    assert ok.summary["notes"] == 3


@pytest.mark.django_db
def test_a_handful_through_the_http_endpoint(corpus):
    directory, manifest = corpus
    client = Client()
    client.force_login(make_user())
    chosen = ["million-notes.mid", "format-2.mid", "division-0.mid", "vlq-overflow-delta.mid",
              "running-status-without-status.mid", "billion-laughs.musicxml", "xxe-file.musicxml",
              "zip-bomb-ratio.mxl", "traversal-0.mxl", "10000-entries.mxl", "svg.xml", "divisions-0.musicxml",
              "over-upload-limit.musicxml", "deep-nesting.musicxml"]
    expected = {entry["file"]: entry for entry in manifest}
    for name in chosen:
        assert expected[name]["expect"] == "refuse"
        data = (directory / name).read_bytes()
        response = client.post("/api/pieces/import/", {"file": _upload(name, data)})
        error = response.json()["error"]
        assert response.status_code in (400, 413), (name, response.status_code, error)
        assert error["code"] in CODES and len(error["message"]) >= 15, (name, error)
    assert client.get("/api/pieces/").status_code == 200
    good = client.post("/api/pieces/import/", {"file": _upload("noteflight.mxl", (directory / "noteflight-dot-xml.mxl")
                                                               .read_bytes())})
    assert good.status_code == 201, good.content


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# -- the sandbox's own limits ------------------------------------------------------------------

def _child(code: str):
    """Run ``code`` in a Python child after sandbox.limit(64 MiB... ) as the sandbox does."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30, cwd=reader.PROJECT_ROOT)


def test_the_cpu_limit_kills_a_spinning_child():
    started = time.monotonic()
    done = _child("from composer_ui.interop.sandbox import limit\nlimit(512 * 1024 * 1024, 1)\nwhile True: pass\n")
    assert done.returncode in (-24, -9) and time.monotonic() - started < 10  # SIGXCPU, or SIGKILL at the hard limit


def test_the_memory_limit_stops_an_allocation():
    done = _child("from composer_ui.interop.sandbox import limit\nlimit(256 * 1024 * 1024, 5)\n"
                  "try:\n    x = bytearray(1024 * 1024 * 1024)\nexcept MemoryError:\n    print('refused')\n")
    assert done.stdout.strip() == b"refused"


def test_the_child_cannot_write_files(tmp_path):
    target = tmp_path / "written"
    done = _child("from composer_ui.interop.sandbox import limit\nlimit(512 * 1024 * 1024, 5)\n"
                  f"try:\n    with open({str(target)!r}, 'w') as f:\n        f.write('x' * 10)\n"
                  "except OSError:\n    print('refused')\n")
    assert done.stdout.strip() == b"refused" and (not target.exists() or target.stat().st_size == 0)


def test_the_wall_clock_limit_stops_a_slow_parse():
    from composer_ui.interop import musicxml_export

    from .pieces import make_state

    text = musicxml_export.to_musicxml(make_state(1, tracks=2, notes=50, quantized=True))
    runs = dict(reader.STATS)
    with pytest.raises(reader.Refusal) as refused:
        reader.run_sandbox("musicxml", text, max_notes=1000, wall=0.05)
    assert "took longer than 0.05 seconds" in str(refused.value)
    assert reader.STATS["timeouts"] == runs["timeouts"] + 1
    assert sandbox.__name__ == "composer_ui.interop.sandbox"


@pytest.mark.django_db
def test_hostile_project_files_are_refused_in_the_sandbox():
    user = make_user()
    base = {"schema_version": 1, "kind": "composer-studio.project",
            "state": {"piece": {"title": "x", "tempo": 120, "time_signature": [4, 4], "key": "C major", "bars": 1,
                                "ticks_per_quarter": 480}, "tracks": [], "notes": {}}}
    note = {"id": "a", "track": "t", "start": 0, "duration": 1, "pitch": 60, "velocity": 9,
            "author": {"kind": "user", "id": 1}, "job": None, "candidate": None, "accepted_by": None,
            "last_editor": {"kind": "user", "id": 1}, "human_edited": False}
    cases = {
        "deep.json": b"[" * 200_000 + b"]" * 200_000,
        "many-objects.json": b"[" + b"{}," * 3_000_000 + b"{}]",
        "nan.json": json.dumps({**base, "x": float("nan")}).encode(),
        "not-ours.json": b'{"kind": "something else"}',
        "future.json": json.dumps({**base, "schema_version": 99}).encode(),
        "huge-title.json": json.dumps({**base, "state": {**base["state"], "piece": {
            **base["state"]["piece"], "title": [[[[]]]] * 5}}}).encode(),
        "forged-author.json": json.dumps({**base, "state": {**base["state"], "notes": {
            "a": {**note, "author": {"kind": "user", "id": 1, "admin": True}}}}}).encode(),
        "too-many-notes.json": json.dumps({**base, "state": {**base["state"], "notes": {
            f"n{i}": {**note, "id": f"n{i}"} for i in range(20_001)}}}).encode(),
        "not-json.json": b"{nope",
        "latin1.json": '{"kind": "é"}'.encode("latin-1"),
    }
    pieces = Piece.objects.count()
    for name, data in cases.items():
        with pytest.raises(StudioError) as refused:
            interop.import_new_piece(user=user, file_name=name, data=data)
        assert refused.value.code in CODES and len(refused.value.message) >= 15, (name, refused.value.message)
    assert Piece.objects.count() == pieces
