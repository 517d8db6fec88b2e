"""Notation in files: clefs by range and grand staves in the MusicXML export, chord symbols as <harmony>
both ways (a lead sheet in and out keeps every chord and note), chord text events in MIDI, a part for
one player, and a lead sheet of music21's corpus imported with its chords."""
import io
import xml.etree.ElementTree as ET

import mido
import pytest
from django.test import Client

from composer_ui import selectors
from composer_ui.interop import convert, midi_export, midi_read, musicxml_export, musicxml_read
from composer_ui.interop import services as interop
from composer_ui.interop.harmony import KINDS, harmony_fields, symbol_from_harmony
from composer_ui.op_schema import with_ids
from composer_ui.state import DEFAULT_LIMITS, apply_ops, empty_state
from tests.composer_ui.factories import make_piece, make_user

from .lead_sheet import lead_sheet_ops, lead_sheet_state

ME = {"kind": "user", "id": 1}


def parts_of(xml: bytes) -> dict:
    """{part name: <part> element}."""
    root = ET.fromstring(xml)
    names = {p.get("id"): p.findtext("part-name") for p in root.iter("score-part")}
    return {names[p.get("id")]: p for p in root.iter("part")}


def clefs(part) -> list[tuple]:
    return [(c.findtext("sign"), c.findtext("line"), c.findtext("clef-octave-change"))
            for c in part.find("measure/attributes").findall("clef")]


def test_a_bass_line_gets_an_f_clef_and_a_c2_to_c6_track_a_grand_staff():
    ops = [{"op": "piece.update", "bars": 2}, {"op": "track.add", "id": "b", "name": "Bass"},
           {"op": "track.add", "id": "p", "name": "Keys"}, {"op": "track.add", "id": "t", "name": "Tenor"},
           {"op": "track.add", "id": "s", "name": "Soprano"}]
    ops += [{"op": "note.add", "id": f"b{i}", "track": "b", "start": i * 480, "duration": 480, "pitch": p}
            for i, p in enumerate([36, 43, 41, 38, 40, 45, 43, 36])]
    ops += [{"op": "note.add", "id": f"p{i}", "track": "p", "start": i * 960, "duration": 960, "pitch": p}
            for i, p in enumerate([36, 60, 72, 84])]  # C2 .. C6
    ops += [{"op": "note.add", "id": f"t{i}", "track": "t", "start": i * 960, "duration": 960, "pitch": p}
            for i, p in enumerate([48, 55, 60, 67])]
    ops += [{"op": "note.add", "id": "s0", "track": "s", "start": 0, "duration": 3840, "pitch": 72}]
    xml = musicxml_export.to_musicxml(apply_ops(empty_state(), ops, ME))
    parts = parts_of(xml)
    assert clefs(parts["Bass"]) == [("F", "4", None)]
    assert clefs(parts["Tenor"]) == [("G", "2", "-1")]
    assert clefs(parts["Soprano"]) == [("G", "2", None)]
    keys = parts["Keys"]
    assert keys.findtext("measure/attributes/staves") == "2"
    assert clefs(keys) == [("G", "2", None), ("F", "4", None)]
    staff_of = {(n.findtext("pitch/step"), n.findtext("pitch/octave")): n.findtext("staff")
                for n in keys.iter("note") if n.find("pitch") is not None}
    assert staff_of == {("C", "2"): "2", ("C", "4"): "1", ("C", "5"): "1", ("C", "6"): "1"}
    # music21 reads the grand staff back as one part with every note
    score = musicxml_read.read_musicxml(xml.decode())
    assert [t["name"] for t in score["tracks"]] == ["Bass", "Keys", "Tenor", "Soprano"]
    assert sorted(n[2] for n in score["tracks"][1]["notes"]) == [36, 60, 72, 84]


def test_every_chord_quality_maps_to_a_harmony_and_back():
    for quality in KINDS:
        for symbol in (f"C{quality}", f"Eb{quality}/G", f"F#{quality}"):
            symbol = symbol_from_harmony(**_args(harmony_fields(symbol)))
            assert symbol_from_harmony(**_args(harmony_fields(symbol))) == symbol
    assert harmony_fields("N.C.")["kind"] == "none" and symbol_from_harmony(None, "none") == "N.C."
    assert symbol_from_harmony(("B", -1), "dominant-seventh") == "Bb7"  # music21's name for "dominant"
    assert symbol_from_harmony(("F", 2), "major") == "G"  # F double sharp, respelled for the parser
    assert symbol_from_harmony(("C", 0), "Tristan") == "Cm7b5" and symbol_from_harmony(("C", 0), "nonsense") is None


def _args(fields):
    return {"root": fields["root"], "kind": fields["kind"], "degrees": fields["degrees"], "bass": fields["bass"]}


def _import(data: str, state=None):
    score = musicxml_read.read_musicxml(data) if isinstance(data, str) else midi_read.extract(data)
    plan = convert.plan_import(score, base_state=state or empty_state(), new_piece=state is None, quantize=False,
                               limits=DEFAULT_LIMITS, author=ME, record={"file": "x", "sha256": "ab" * 32})
    return apply_ops(state or empty_state(), with_ids(plan["ops"], 2), ME), plan


def _chords(state):
    return sorted((c["start"], c["duration"], c["symbol"]) for c in state["chords"].values())


def _notes(state):
    names = {t["id"]: t["name"] for t in state["tracks"]}
    return sorted((names[n["track"]], n["start"], n["duration"], n["pitch"]) for n in state["notes"].values())


def test_a_lead_sheet_in_and_out_of_musicxml_keeps_every_chord_symbol_and_every_note():
    original = lead_sheet_state(with_every_quality=True)
    xml = musicxml_export.to_musicxml(original)
    root = ET.fromstring(xml)
    assert len(list(root.iter("harmony"))) == len(original["chords"])
    assert [len(list(p.iter("harmony"))) for p in root.iter("part")] == [len(original["chords"]), 0, 0]
    imported, plan = _import(xml.decode())
    assert plan["summary"]["chords"] == len(original["chords"]) and not plan["warnings"]
    assert _chords(imported) == _chords(original)  # each lasts until the next: as written
    assert _notes(imported) == _notes(original)    # the melody's notes held across a chord change are whole again
    again = musicxml_export.to_musicxml(imported)
    assert [ET.tostring(h) for h in ET.fromstring(again).iter("harmony")] == [ET.tostring(h) for h in root.iter("harmony")]


def test_importing_into_a_piece_leaves_out_chords_that_would_overlap_its_own():
    original = lead_sheet_state()
    base = apply_ops(empty_state(), [{"op": "piece.update", "bars": 8},
                                     {"op": "chord.add", "id": "mine", "start": 0, "duration": 1920, "symbol": "G"}], ME)
    imported, plan = _import(musicxml_export.to_musicxml(original).decode(), base)
    assert [c["symbol"] for c in imported["chords"].values()].count("G") == 1
    assert len(imported["chords"]) == len(original["chords"])  # its own G replaces the file's F of bar 1
    assert any("overlap the piece's own chords" in w for w in plan["warnings"])


@pytest.mark.parametrize("midi_type", [1, 0])
def test_midi_writes_chord_symbols_as_text_events_and_reads_them_back(midi_type):
    state = lead_sheet_state()
    data = midi_export.to_midi(state, midi_type=midi_type)
    parsed = mido.MidiFile(file=io.BytesIO(data))
    track = parsed.tracks[-1]
    if midi_type == 1:
        assert len(parsed.tracks) == 2 + len(state["tracks"]) and track[0].type == "track_name"
        assert track[0].name == "Chords"
    texts, now = [], 0
    for message in track:
        now += message.time
        if message.type == "text" and message.text in {c["symbol"] for c in state["chords"].values()}:
            texts.append((now, message.text))
    assert texts == sorted((c["start"], c["symbol"]) for c in state["chords"].values())
    imported, _ = _import(data)
    assert _chords(imported) == _chords(state)
    # the provenance sidecar still finds each studio track at its MIDI track
    sidecar = midi_export.provenance_sidecar(state, midi_type=midi_type)
    assert [t["midi_track"] for t in sidecar["tracks"].values()] == ([1, 2, 3] if midi_type == 1 else [0, 0, 0])


def test_a_chords_track_with_junk_text_reports_it_and_keeps_the_rest():
    chords = mido.MidiTrack([mido.MetaMessage("track_name", name="Chords"), mido.MetaMessage("text", text="Am7"),
                             mido.MetaMessage("text", text="Verse", time=480), mido.MetaMessage("text", text="d-7", time=480)])
    midi = mido.MidiFile(type=1, ticks_per_beat=480)
    midi.tracks.append(mido.MidiTrack([mido.Message("note_on", note=60, velocity=90),
                                       mido.Message("note_off", note=60, time=1920)]))
    midi.tracks.append(chords)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    score = midi_read.extract(buffer.getvalue())
    assert score["chords"] == [[0, "Am7"], [960, "Dm7"]]
    assert any("could not be read as chord symbols" in w for w in score["warnings"])


@pytest.mark.django_db
def test_a_part_for_one_player_has_its_track_and_the_chords():
    owner = make_user("ana")
    piece = make_piece(owner)
    from composer_ui import services
    services.ops_apply(piece_id=piece.pk, user=owner, ops=lead_sheet_ops()[1:], client_op_id="x1", trusted=True)
    client = Client()
    client.force_login(owner)
    response = client.get(f"/api/pieces/{piece.pk}/export/musicxml/?tracks=bas")
    assert response.status_code == 200 and "-bass-v" in response["Content-Disposition"]
    parts = parts_of(response.content)
    assert list(parts) == ["Bass"] and clefs(parts["Bass"]) == [("F", "4", None)]
    assert len(list(parts["Bass"].iter("harmony"))) == 9
    assert client.get(f"/api/pieces/{piece.pk}/export/musicxml/?tracks=nope").status_code == 400
    assert client.get(f"/api/pieces/{piece.pk}/export/midi/?tracks=bas").status_code == 400


@pytest.mark.django_db
def test_a_lead_sheet_from_music21s_corpus_arrives_with_its_40_chord_symbols():
    from music21 import corpus

    path = corpus.getWork("leadSheet/fosterBrownHair.mxl")
    user = make_user("lea")
    imported = interop.import_new_piece(user=user, file_name="fosterBrownHair.mxl", data=path.read_bytes())
    state = selectors.piece_state(piece_id=imported.piece_id)[1]
    symbols = [c["symbol"] for c in sorted(state["chords"].values(), key=lambda c: c["start"])]
    assert len(symbols) == imported.summary["chords"] == 40
    assert symbols[:8] == ["F", "Bb", "F", "C", "F", "Bb", "F", "G7"] and "Dm" in symbols
    assert all(c["author"] == {"kind": "user", "id": user.pk} for c in state["chords"].values())
