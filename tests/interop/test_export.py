"""Exports: MIDI (type 1 and 0) with attribution, MusicXML/.mxl through music21, the JSON project,
the provenance sidecar and the contribution statement; the HTTP endpoint."""
import io
import json
import zipfile

import mido
import pytest
from django.test import Client

from composer_ui import selectors, services
from composer_ui.attribution import bar_ranges
from composer_ui.interop import attribution, midi_export, midi_read, musicxml_export, project
from composer_ui.interop.keys import spell
from composer_ui.interop.musicxml_read import part_groups, part_notes
from composer_ui.state import apply_ops
from tests.composer_ui.factories import make_piece, make_user

from .pieces import MODEL, fill_piece, make_state, notes_by_track, piece_data_ops

NAMES = {1: "Ana", 2: "Bo"}


def midi_notes(score):
    return {i: sorted(tuple(n) for n in t["notes"]) for i, t in enumerate(score["tracks"])}


@pytest.mark.parametrize("seed", range(6))
def test_midi_type1_keeps_every_note_track_program_and_settings(seed):
    state = make_state(seed, tracks=4, notes=120, time_signature=[(4, 4), (3, 4), (7, 8), (6, 8)][seed % 4],
                       key=["G major", "Bb minor", "F# major", "C major"][seed % 4])
    data = midi_export.to_midi(state, names=NAMES, seq=9)
    score = midi_read.extract(data)
    assert score["midi_type"] == 1 and score["source_ticks_per_quarter"] == 480
    with_notes = [i for i, t in enumerate(state["tracks"]) if any(n["track"] == t["id"] for n in state["notes"].values())]
    assert [t["name"] for t in score["tracks"]] == [state["tracks"][i]["name"] for i in with_notes]
    assert [t["program"] for t in score["tracks"]] == [state["tracks"][i]["program"] for i in with_notes]
    assert [t["channel"] for t in score["tracks"]] == [state["tracks"][i]["channel"] for i in with_notes]
    expected = notes_by_track(state)
    assert midi_notes(score) == {k: expected[i] for k, i in enumerate(with_notes)}
    piece = state["piece"]
    assert score["tempos"] == [[0, pytest.approx(piece["tempo"], abs=0.01)]]
    assert score["time_signatures"] == [[0, *piece["time_signature"]]]
    assert score["keys"] == [[0, piece["key"]]]
    assert score["title"] == piece["title"]


def test_midi_matches_an_independent_parser_and_names_ai_regions():
    state = make_state(3, tracks=3, notes=80)
    data = midi_export.to_midi(state, names=NAMES, seq=4)
    parsed = mido.MidiFile(file=io.BytesIO(data))
    assert parsed.type == 1 and parsed.ticks_per_beat == 480 and len(parsed.tracks) == 1 + len(state["tracks"])
    markers = [m.text for m in parsed.tracks[0] if m.type == "marker"]
    regions = attribution.ai_regions(state)
    assert regions and markers == [attribution.region_label(r, NAMES) for r in regions]
    assert markers[0].startswith("AI gridcoco@1.0.0+20261126 job 31 accepted by Ana, bar")
    texts = [m.text for m in parsed.tracks[0] if m.type == "text"]
    assert any(t.startswith("Contributors: ") and "Ana" in t and "Bo" in t for t in texts)
    # mido's notes equal ours
    for index, track in enumerate(parsed.tracks[1:]):
        now, sounding, found = 0, {}, []
        for message in track:
            now += message.time
            if message.type == "note_on" and message.velocity:
                sounding.setdefault(message.note, []).append((now, message.velocity))
            elif message.type in ("note_on", "note_off"):
                start, velocity = sounding[message.note].pop(0)
                found.append((start, now - start, message.note, velocity))
        assert sorted(found) == notes_by_track(state).get(index, [])


def test_midi_type0_is_one_track_and_splits_back_by_channel():
    state = make_state(5, tracks=3, notes=90)
    data = midi_export.to_midi(state, names=NAMES, midi_type=0)
    assert mido.MidiFile(file=io.BytesIO(data)).type == 0
    score = midi_read.extract(data)
    assert score["midi_type"] == 0
    assert [t["name"] for t in score["tracks"]] == [t["name"] for t in state["tracks"]]
    assert midi_notes(score) == notes_by_track(state)


def test_provenance_sidecar_is_keyed_by_track_tick_and_pitch():
    state = make_state(2, tracks=2, notes=50)
    sidecar = midi_export.provenance_sidecar(state, names=NAMES, seq=7, piece_id=3)
    assert sidecar["ticks_per_quarter"] == 480 and sidecar["seq"] == 7
    for note in state["notes"].values():
        entries = sidecar["notes"][note["track"]][str(note["start"])][str(note["pitch"])]
        entry = next(e for e in entries if e["id"] == note["id"])
        assert entry["author"] == note["author"] and entry["accepted_by"] == note["accepted_by"]
        assert entry["duration"] == note["duration"]
    assert sidecar["tracks"]["t0"]["midi_track"] == 1
    json.dumps(sidecar)


def test_contribution_statement_counts_notes_bars_and_ai_share():
    state = make_state(1, tracks=2, notes=100)
    statement = attribution.contribution(state, NAMES, seq=5)
    assert sum(a["notes"] for a in statement["authors"]) == statement["notes"] == len(state["notes"])
    ai = [n for n in state["notes"].values() if n["author"] == MODEL]
    assert statement["ai_share"]["ai_notes"] == len(ai)
    assert statement["ai_share"]["notes"] == round(len(ai) / len(state["notes"]), 4)
    model = next(a for a in statement["authors"] if a["author"] == MODEL)
    assert model["model"] == "gridcoco" and model["version"] == "1.0.0+20261126" and model["accepted_by"] == ["Ana"]
    assert statement["models"] == [{"name": "gridcoco", "version": "1.0.0+20261126", "notes": len(ai), "jobs": [31]}]
    assert "Ana" in statement["text"] and "AI share" in statement["text"]
    assert bar_ranges([1, 2, 3, 5, 7, 8]) == "1-3, 5, 7-8"


@pytest.mark.parametrize("seed,key", [(0, "G major"), (1, "Eb minor"), (2, "A major")])
def test_musicxml_reparses_with_music21_to_the_same_notes(seed, key):
    from music21 import converter

    state = make_state(seed, tracks=3, notes=70, quantized=True, key=key, time_signature=(3, 4) if seed else (4, 4))
    for data in (musicxml_export.to_musicxml(state, NAMES, seq=3), _mxl_score(musicxml_export.to_mxl(state, NAMES))):
        score = converter.parse(data, format="musicxml", forceSource=True)
        parts = part_groups(score)  # a grand staff's two staves are one part
        assert len(parts) == len(state["tracks"])
        found, colours = {}, {}
        for index, staves in enumerate(parts):
            assert staves[0].partName == state["tracks"][index]["name"]
            notes = [n for staff in staves for n in part_notes(staff, {})[0]]  # ties joined
            if notes:
                found[index] = notes
            for part in staves:
                for element in part.recurse().notes:
                    tick = int(element.getOffsetInHierarchy(part) * 480)
                    for member in (element.notes if element.isChord else [element]):
                        colour = member.style.color if member.hasStyleInformation else None
                        colours.setdefault((index, tick, member.pitch.midi), colour)
        expected = {k: sorted(list(n) for n in v) for k, v in notes_by_track(state).items()}
        assert {k: sorted(v) for k, v in found.items()} == expected  # pitch, start, duration and velocity
        order = {t["id"]: i for i, t in enumerate(state["tracks"])}
        for note in state["notes"].values():
            colour = colours[(order[note["track"]], note["start"], note["pitch"])]
            assert (colour == musicxml_export.AI_COLOUR) == (note["author"] == MODEL)
        assert score.metadata.bestTitle == state["piece"]["title"]
        creators = {(c.role, str(c.name)) for c in score.metadata.contributors}
        assert ("composer", "Ana") in creators and ("AI model", "gridcoco@1.0.0+20261126") in creators


def _mxl_score(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["mimetype", "META-INF/container.xml", "score.musicxml"]
        return archive.read("score.musicxml")


def test_musicxml_quantizes_and_spells_in_the_key():
    assert musicxml_export.quantize_for_notation(7, 100, 10_000) == (0, 120)
    assert musicxml_export.quantize_for_notation(160, 160, 10_000) == (120, 240)  # triplets are approximated
    assert musicxml_export.quantize_for_notation(9_990, 100, 10_000) == (9_880, 120)
    assert spell(70, "F major")[:2] == ("B", -1) and spell(70, "E major")[:2] == ("A", 1)
    assert spell(68, "A minor")[:2] == ("G", 1) and spell(61, "D minor")[:2] == ("C", 1)
    assert spell(59, "Gb major") == ("C", -1, 4)


def test_json_project_round_trips_exactly_as_data():
    state = make_state(4, tracks=3, notes=60)
    document = project.project_document(state, piece_id=1, seq=2, names=NAMES, statement={}, signature="x")
    again = project.read_project(project.dumps(document))
    assert again["state"] == state and again["schema_version"] == project.SCHEMA_VERSION


def test_json_project_keeps_chords_cues_tempo_and_track_settings_as_data():
    state = apply_ops(make_state(4, tracks=3, notes=60), piece_data_ops(1), {"kind": "user", "id": 1})
    document = project.project_document(state, piece_id=1, seq=3, names=NAMES, statement={}, signature="x")
    assert project.read_project(project.dumps(document))["state"] == state
    for broken, message in ((lambda s: s["chords"]["ch1"].update(symbol="em"), "chord symbol"),
                            (lambda s: s["cues"]["q1"].pop("label"), "cue 'q1' needs exactly"),
                            (lambda s: s["tempo_changes"][0].update(tempo="96"), "tempo change"),
                            (lambda s: s["tracks"][0].pop("colour"), "each track needs"),
                            (lambda s: s.pop("cues"), "exactly chords, cues")):
        copy = json.loads(project.dumps(document))
        broken(copy["state"])
        with pytest.raises(midi_read.Refusal, match=message):
            project.read_project(json.dumps(copy).encode())


# -- over HTTP ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_export_endpoint_formats_types_filenames_and_past_versions():
    owner, viewer = make_user("ana"), make_user("bo")
    piece = make_piece(owner, viewers=[viewer])
    first_seq = fill_piece(piece, 7, tracks=2, notes=40).seq
    track = selectors.piece_state(piece_id=piece.pk)[1]["tracks"][0]["id"]
    services.ops_apply(piece_id=piece.pk, user=owner, client_op_id=None,
                       ops=[{"op": "note.add", "id": "late", "track": track, "start": 0, "duration": 480, "pitch": 30}])
    client = Client()
    client.force_login(viewer)
    expected = {"midi": "audio/midi", "midi0": "audio/midi", "musicxml": "application/vnd.recordare.musicxml+xml",
                "mxl": "application/vnd.recordare.musicxml", "json": "application/json",
                "provenance": "application/json", "contribution": "application/json"}
    for fmt, content_type in expected.items():
        response = client.get(f"/api/pieces/{piece.pk}/export/{fmt}/")
        assert response.status_code == 200, (fmt, response.content[:200])
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith('attachment; filename="piece-7-v')
    assert client.get(f"/api/pieces/{piece.pk}/export/midi/")["Content-Disposition"].endswith('-v3.mid"')
    now = json.loads(client.get(f"/api/pieces/{piece.pk}/export/json/").content)
    then = json.loads(client.get(f"/api/pieces/{piece.pk}/export/json/?seq={first_seq}").content)
    assert "late" in now["state"]["notes"] and "late" not in then["state"]["notes"]
    assert then["state"] == selectors.state_at(piece_id=piece.pk, seq=first_seq) and then["seq"] == first_seq
    assert now["contribution"]["notes"] == len(now["state"]["notes"])
    assert now["names"][str(owner.pk)] == "Ana"
    old_midi = client.get(f"/api/pieces/{piece.pk}/export/midi/?seq={first_seq}").content
    assert midi_notes(midi_read.extract(old_midi)) == notes_by_track(then["state"])
    statement = json.loads(client.get(f"/api/pieces/{piece.pk}/export/contribution/").content)
    assert statement["seq"] == 3 and statement["ai_share"]["ai_notes"] > 0


@pytest.mark.django_db
def test_export_endpoint_refusals():
    piece = make_piece(make_user())
    stranger = Client()
    stranger.force_login(make_user())
    assert stranger.get(f"/api/pieces/{piece.pk}/export/midi/").status_code == 404
    assert Client().get(f"/api/pieces/{piece.pk}/export/midi/").status_code == 401
    owner = Client()
    owner.force_login(piece.owner)
    bad = owner.get(f"/api/pieces/{piece.pk}/export/wav/")
    assert bad.status_code == 400 and "unknown export format" in bad.json()["error"]["message"]
    assert owner.get(f"/api/pieces/{piece.pk}/export/midi/?seq=99").status_code == 400
    assert owner.get(f"/api/pieces/{piece.pk}/export/midi/?seq=x").status_code == 400
    assert owner.post(f"/api/pieces/{piece.pk}/export/midi/").status_code == 405


@pytest.mark.parametrize("time_signature", [(7, 8), (5, 4), (3, 16)])
def test_musicxml_of_an_unquantized_piece_reads_back_as_its_quantized_notes(time_signature):
    from music21 import converter

    state = make_state(11, tracks=2, notes=80, time_signature=time_signature, key="Db major")
    score = converter.parse(musicxml_export.to_musicxml(state), format="musicxml", forceSource=True)
    end = state["piece"]["bars"] * (480 * 4 * time_signature[0] // time_signature[1])
    for index, staves in enumerate(part_groups(score)):
        notes = [n for staff in staves for n in part_notes(staff, {})[0]]
        expected = [(*musicxml_export.quantize_for_notation(s, d, end), p) for s, d, p, _ in
                    notes_by_track(state).get(index, [])]
        assert sorted((s, d, p) for s, d, p, _ in notes) == sorted(expected)
        for part in staves:
            measures = part.getElementsByClass("Measure")
            assert len(measures) == state["piece"]["bars"]
            assert all(m.duration.quarterLength * 480 == end / state["piece"]["bars"] for m in measures)


def test_midi_writes_each_tracks_volume_and_pan_at_time_zero_on_its_channel():
    state = apply_ops(make_state(2, tracks=3, notes=30), [{"op": "track.update", "id": "t1", "volume": 7, "pan": 0}],
                      {"kind": "user", "id": 1})
    midi = mido.MidiFile(file=io.BytesIO(midi_export.to_midi(state, names=NAMES)))
    for track, studio in zip(midi.tracks[1:], state["tracks"]):
        controls, now = [], 0
        for message in track:
            now += message.time
            if message.type == "control_change":
                controls.append((now, message.channel, message.control, message.value))
        assert controls == [(0, studio["channel"], 7, studio["volume"]), (0, studio["channel"], 10, studio["pan"])]
    assert [t["volume"] for t in state["tracks"]] == [100, 7, 100]
