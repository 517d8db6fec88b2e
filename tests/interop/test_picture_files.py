"""Picture time in files: MIDI's tempo map, SMPTE offset and cue markers out and back in; MusicXML's tempo
marks, <sound tempo> and the cues as rehearsal marks and words (composer_ui/interop/picture_marks.py)."""
import io
import xml.etree.ElementTree as ET

import mido
import pytest

from composer_ui import selectors, services
from composer_ui.interop import attribution, midi_export, midi_read, musicxml_export, picture_marks
from composer_ui.interop import services as interop
from composer_ui.state import apply_ops, empty_state
from engine.picture import tempo_map as tm
from engine.picture.timecode import format_us, frame_us
from tests.composer_ui.factories import make_piece, make_user

from .files import midi_bytes
from .pieces import fill_piece, notes_by_track, state_ops

ANA = {"kind": "user", "id": 1}


def scored_state(fps="29.97df", offset=3_600_000_000, bars=16):
    """A piece scored to picture: a tempo map with two changes, an offset of an hour and four cues."""
    ops = state_ops(4, tracks=2, notes=40, bars=bars, tempo=96)
    ops += [{"op": "piece.update", "fps": fps, "start_offset_us": offset},
            {"op": "tempo.set", "bar": 2, "tempo": 120}, {"op": "tempo.set", "bar": 5, "tempo": 72},
            {"op": "cue.add", "id": "q1", "time_us": offset + 1_000_000, "kind": "start", "label": "Titles"},
            {"op": "cue.add", "id": "q2", "time_us": offset + 6_250_000, "kind": "hit", "label": "Door slams"},
            {"op": "cue.add", "id": "q3", "time_us": offset + 12_000_000, "kind": "cadence"},
            {"op": "cue.add", "id": "q4", "time_us": offset + 20_500_000, "kind": "stop", "label": "Cut, to black"}]
    return apply_ops(empty_state(), ops, ANA)


def conductor(data):
    track, now, found = mido.MidiFile(file=io.BytesIO(data)).tracks[0], 0, []
    for message in track:
        now += message.time
        found.append((now, message))
    return found


def test_midi_writes_the_tempo_map_the_smpte_offset_and_a_marker_per_cue():
    state = scored_state()
    events = conductor(midi_export.to_midi(state))
    tempos = [(t, round(mido.tempo2bpm(m.tempo), 3)) for t, m in events if m.type == "set_tempo"]
    assert tempos == [(0, 96), (2 * 1920, 120), (5 * 1920, 72)]
    smpte = [(t, m) for t, m in events if m.type == "smpte_offset"]
    assert len(smpte) == 1 and smpte[0][0] == 0 and events.index(smpte[0]) == 0  # first, before any delta
    offset = smpte[0][1]
    # an hour of 29.97 fps drop-frame timecode: 01:00:00;00 is frame 107,892, 3.6 ms before the hour
    assert (offset.frame_rate, offset.hours, offset.minutes, offset.seconds) == (29.97, 1, 0, 0)
    assert offset.frames == 0 and offset.sub_frames == round(3_600 / frame_us("29.97df") * 100)
    markers = [(t, m.text) for t, m in events if m.type == "marker" and m.text.startswith("Cue ")]
    tmap = picture_marks.piece_map(state)
    expected = [(round(tm.us_to_ticks(tmap, c["time_us"], 3_600_000_000)), c) for c in
                sorted(state["cues"].values(), key=lambda c: c["time_us"])]
    assert [t for t, _ in markers] == [t for t, _ in expected]
    at = [format_us(c["time_us"], "29.97df") for _, c in expected]
    assert at[0] == "01:00:01;00"  # what the studio's timecode says, drop-frame at 29.97
    assert [text for _, text in markers] == [f"Cue start at {at[0]} - Titles", f"Cue hit at {at[1]} - Door slams",
                                             f"Cue cadence at {at[2]}", f"Cue stop at {at[3]} - Cut, to black"]


def test_a_piece_without_picture_time_writes_what_it_did_before():
    state = apply_ops(empty_state(), state_ops(2, tracks=2, notes=30), ANA)
    events = conductor(midi_export.to_midi(state))
    assert [m.type for _, m in events if m.type in ("set_tempo", "smpte_offset")] == ["set_tempo"]
    assert not [m for _, m in events if m.type == "marker" and m.text.startswith("Cue ")]
    assert [m.type for _, m in events[:4]] == ["track_name", "set_tempo", "time_signature", "key_signature"]


@pytest.mark.parametrize("fps, offset", [("29.97df", 3_600_000_000), ("25", 0), ("24", 10_042_000), ("30", 59_999_999)])
def test_midi_read_back_gives_the_tempo_map_the_offset_and_the_cues(fps, offset):
    state = scored_state(fps=fps, offset=offset)
    data = midi_export.to_midi(state)
    score = midi_read.extract(data)
    assert score["smpte_offset"][5] == picture_marks.MIDI_RATES[fps]
    us = picture_marks.smpte_to_us(*score["smpte_offset"][:5], fps)
    assert abs(us - offset) <= frame_us(fps) / 200  # to a hundredth of a frame, as MIDI keeps it
    changes, warnings = picture_marks.tempo_changes_from(score["tempos"], [4, 4], 96)
    assert changes == [{"bar": 2, "tempo": 120}, {"bar": 5, "tempo": 72}] and warnings == []
    read = {**state, "piece": {**state["piece"], "start_offset_us": us}, "tempo_changes": changes}
    cues, others = picture_marks.cues_from_markers(score["markers"], read)
    assert others == len(attribution.ai_regions(state))  # the AI's region markers are not cues
    original = sorted(state["cues"].values(), key=lambda c: c["time_us"])
    assert [(c["kind"], c["label"]) for c in cues] == [(c["kind"], c["label"]) for c in original]
    # the tick is rounded: within half a tick at 72 BPM (0.9 ms) plus the offset's hundredth of a frame
    assert all(abs(a["time_us"] - b["time_us"]) <= 900 + frame_us(fps) / 200 for a, b in zip(cues, original))


@pytest.mark.django_db
def test_a_scored_piece_survives_midi_export_and_import_as_a_new_piece():
    owner = make_user("ana")
    piece = make_piece(owner)
    fill_piece(piece, 5, tracks=2, notes=40, bars=16, tempo=96)
    state = scored_state()
    extra = [
        {"op": "piece.update", "fps": "29.97df", "start_offset_us": 3_600_000_000},
        {"op": "tempo.set", "bar": 2, "tempo": 120}, {"op": "tempo.set", "bar": 5, "tempo": 72}] + [
        {"op": "cue.add", "time_us": c["time_us"], "kind": c["kind"], "label": c["label"]}
        for c in state["cues"].values()]
    services.ops_apply(piece_id=piece.pk, user=owner, ops=extra, client_op_id=None)
    _, original = selectors.piece_state(piece_id=piece.pk)
    data = interop.export_piece(piece_id=piece.pk, user=owner, fmt="midi").content
    imported = interop.import_new_piece(user=make_user("bo"), file_name="scored.mid", data=data)
    _, back = selectors.piece_state(piece_id=imported.piece_id)
    assert notes_by_track(back) == notes_by_track(original)
    assert [(c["bar"], c["tempo"]) for c in back["tempo_changes"]] == [(2, 120), (5, 72)]
    assert back["piece"]["fps"] == "29.97df" and abs(back["piece"]["start_offset_us"] - 3_600_000_000) <= 200
    by_time = lambda cues: sorted(cues.values(), key=lambda c: c["time_us"])  # noqa: E731
    assert [(c["kind"], c["label"]) for c in by_time(back["cues"])] == \
           [(c["kind"], c["label"]) for c in by_time(original["cues"])]
    assert all(abs(a["time_us"] - b["time_us"]) < 1_200 for a, b in zip(by_time(back["cues"]), by_time(original["cues"])))
    assert not [w for w in imported.warnings if "tempo" in w or "cue" in w]


@pytest.mark.django_db
def test_tempo_changes_off_bar_lines_are_left_out_and_an_existing_piece_keeps_its_map():
    data = midi_bytes([("Keys", 0, 0, [(0, 1920 * 4, 60, 70)])], tempos=((0, 100), (1920, 90.4), (2400, 130), (3840, 80)))
    imported = interop.import_new_piece(user=make_user(), file_name="t.mid", data=data)
    _, state = selectors.piece_state(piece_id=imported.piece_id)
    assert state["piece"]["tempo"] == 100
    assert [(c["bar"], c["tempo"]) for c in state["tempo_changes"]] == [(1, 90), (2, 80)]
    assert any("changes tempo 1 time inside a bar" in w for w in imported.warnings)
    assert any("rounded to whole beats" in w for w in imported.warnings)

    owner = make_user("cy")
    piece = make_piece(owner)
    into = interop.import_into_piece(piece_id=piece.pk, user=owner, file_name="t.mid", data=data)
    _, state = selectors.piece_state(piece_id=piece.pk)
    assert state["tempo_changes"] == [] and any("keeps its own tempo map" in w for w in into.warnings)


def test_musicxml_writes_tempo_marks_sound_tempo_and_the_cues():
    state = scored_state()
    root = ET.fromstring(musicxml_export.to_musicxml(state).split(b"\n", 2)[2])
    part = root.find("part")
    sounds = {int(m.get("number")): [s.get("tempo") for s in m.iter("sound") if s.get("tempo")]
              for m in part.findall("measure")}
    assert {n: t for n, t in sounds.items() if t} == {1: ["96"], 3: ["120"], 6: ["72"]}
    per_minute = [m.text for m in part.iter("per-minute")]
    assert per_minute == ["96", "120", "72"]
    tmap = picture_marks.piece_map(state)
    found = []
    for measure in part.findall("measure"):
        for direction in measure.findall("direction"):
            kind = next((c.tag for c in direction.find("direction-type")), None)
            if kind in ("rehearsal", "words"):
                offset = direction.find("offset")
                found.append((int(measure.get("number")) - 1, int(offset.text) if offset is not None else 0,
                              kind, direction.find("direction-type")[0].text))
    ticks = [round(tm.us_to_ticks(tmap, c["time_us"], 3_600_000_000)) for c in
             sorted(state["cues"].values(), key=lambda c: c["time_us"])]
    assert [(m * 1920 + o) for m, o, _, _ in found] == ticks
    at = [format_us(c["time_us"], "29.97df") for c in sorted(state["cues"].values(), key=lambda c: c["time_us"])]
    assert [(k, w) for _, _, k, w in found] == [
        ("rehearsal", f"Titles (start {at[0]})"), ("words", f"Door slams (hit {at[1]})"),
        ("rehearsal", f"Cadence {at[2]}"), ("words", f"Cut, to black (stop {at[3]})")]
    # no part but the first carries them
    assert not [d for p in root.findall("part")[1:] for d in p.iter("rehearsal")]


@pytest.mark.django_db
def test_musicxml_tempo_changes_read_back_into_the_map():
    state = scored_state()
    data = musicxml_export.to_musicxml(state)
    imported = interop.import_new_piece(user=make_user(), file_name="scored.musicxml", data=data)
    _, back = selectors.piece_state(piece_id=imported.piece_id)
    assert back["piece"]["tempo"] == 96
    assert [(c["bar"], c["tempo"]) for c in back["tempo_changes"]] == [(2, 120), (5, 72)]
