"""State -> Standard MIDI File (type 1 or 0, 480 ticks per quarter) and its provenance sidecar. Pure.

Type 1: track 0 is the conductor (title, the tempo map, time and key signature, a text event naming the
contributors, one marker per AI-accepted region; for a piece scored to picture an SMPTE offset for bar 1's
picture time and one marker per cue, picture_marks.py); then one track per studio track, in order, with
its name, program, volume (CC 7) and pan (CC 10) on its channel, its notes, and a text event where
each AI region starts in it.
After them, when the piece has chord symbols, a track named "Chords" holds one text event per chord,
the canonical symbol at its start tick (midi_read reads them back).
Type 0 merges everything into one track; each studio track's name follows a channel prefix.

MIDI cannot say who wrote a note, so the sidecar ``.provenance.json`` does, keyed by studio track,
start tick and pitch (exactly what a DAW keeps of a note).
"""
import io

import mido

from ..state import TICKS_PER_QUARTER, bar_ticks
from . import attribution, picture_marks
from .keys import midi_key

# At one tick, metas come first, then program changes (and the volume and pan controllers), then note-offs
# before note-ons (so a note
# that ends where the next one of the same pitch starts is not cut short by it).
_META, _PROGRAM, _OFF, _ON = 0, 1, 2, 3


def _text(value: str, limit: int = 200) -> str:
    """MIDI text is latin-1 in mido; keep it printable and short."""
    value = " ".join(str(value).split())[:limit]
    return value.encode("latin-1", "replace").decode("latin-1")


def conductor_events(state: dict, names: dict, *, seq: int | None, statement: dict) -> list:
    piece = state["piece"]
    numerator, denominator = piece["time_signature"]
    events = [
        (0, _META, 0, mido.MetaMessage("track_name", name=_text(piece["title"]))),
        (0, _META, 2, mido.MetaMessage("time_signature", numerator=numerator, denominator=denominator,
                                       clocks_per_click=24, notated_32nd_notes_per_beat=8)),
        (0, _META, 3, mido.MetaMessage("key_signature", key=midi_key(piece["key"]))),
    ]
    events += [(tick, _META, 1, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm)))
               for tick, bpm in picture_marks.tempo_events(state)]
    if picture_marks.uses_picture(state):
        fps = piece.get("fps", "25")
        events.append((0, _META, -1, mido.MetaMessage(
            "smpte_offset", **picture_marks.smpte_offset(piece.get("start_offset_us", 0), fps))))
        for index, cue in enumerate(picture_marks.ordered_cues(state)):
            events.append((picture_marks.cue_ticks(state, cue), _META, 1000 + index,
                           mido.MetaMessage("marker", text=_text(picture_marks.cue_marker_text(cue, fps)))))
    people, models = attribution.contributor_names(statement)
    credit = "Contributors: " + (", ".join(people) or "nobody yet")
    if models:
        credit += f"; AI: {', '.join(m.removeprefix('AI ') for m in models)} ({statement['ai_share']['notes'] * 100:.1f}% of notes)"
    events.append((0, _META, 4, mido.MetaMessage("text", text=_text(credit, 1000))))
    for index, model in enumerate(m for m in statement["models"] if m.get("checksums") or m.get("endpoints")):
        events.append((0, _META, 6 + index / 100, mido.MetaMessage(
            "text", text=_text(f"AI model {attribution.model_line(model)}", 1000))))
    if seq is not None:
        events.append((0, _META, 5, mido.MetaMessage("text", text=f"Exported at version {seq}; who wrote each note: "
                                                                   "see the .provenance.json sidecar")))
    for index, region in enumerate(attribution.ai_regions(state)):
        events.append((region["start"], _META, 10 + index,
                       mido.MetaMessage("marker", text=_text(attribution.region_label(region, names)))))
    end = max([bar_ticks(piece) * piece["bars"]] + [e[0] for e in events])
    return events, end


def track_events(state: dict, track: dict, names: dict, channel: int, regions: list) -> list:
    events = [(0, _META, 0, mido.MetaMessage("track_name", name=_text(track["name"]))),
              (0, _PROGRAM, 0, mido.Message("program_change", channel=channel, program=track.get("program", 0))),
              (0, _PROGRAM, 1, mido.Message("control_change", channel=channel, control=7,
                                            value=track.get("volume", 100))),
              (0, _PROGRAM, 2, mido.Message("control_change", channel=channel, control=10,
                                            value=track.get("pan", 64)))]
    for index, region in enumerate(regions):
        if track["id"] in region["track_starts"]:
            events.append((region["track_starts"][track["id"]], _META, 10 + index,
                           mido.MetaMessage("text", text=_text(attribution.region_label(region, names)))))
    for note in state["notes"].values():
        if note["track"] != track["id"]:
            continue
        events.append((note["start"], _ON, note["pitch"],
                       mido.Message("note_on", channel=channel, note=note["pitch"], velocity=note["velocity"])))
        events.append((note["start"] + note["duration"], _OFF, note["pitch"],
                       mido.Message("note_off", channel=channel, note=note["pitch"], velocity=0)))
    return events


CHORDS_TRACK = "Chords"


def chord_events(state: dict) -> list:
    """The chord lane as text events, named "Chords" (an empty list when the piece has no chords)."""
    chords = sorted(state.get("chords", {}).values(), key=lambda c: (c["start"], c["id"]))
    if not chords:
        return []
    return [(0, _META, 0, mido.MetaMessage("track_name", name=CHORDS_TRACK))] + [
        (chord["start"], _META, 1, mido.MetaMessage("text", text=_text(chord["symbol"]))) for chord in chords]


def _to_track(events: list, end: int | None = None) -> mido.MidiTrack:
    track, now = mido.MidiTrack(), 0
    for tick, _, _, message in sorted(events, key=lambda e: (e[0], e[1], e[2])):
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=max(0, (end or now) - now)))
    return track


def to_midi(state: dict, *, names: dict | None = None, seq: int | None = None, midi_type: int = 1,
            statement: dict | None = None) -> bytes:
    """The piece as a Standard MIDI File at 480 ticks per quarter. ``statement``: the contribution statement
    with the jobs' detail (each model's checksum and endpoint get a text event), when the caller has it."""
    names = names or {}
    statement = statement or attribution.contribution(state, names, seq=seq)
    conductor, end = conductor_events(state, names, seq=seq, statement=statement)
    tracks = [(track, track.get("channel", 0) if track.get("channel") is not None else 0)
              for track in state["tracks"]]
    regions = attribution.ai_regions(state)
    midi = mido.MidiFile(type=midi_type, ticks_per_beat=TICKS_PER_QUARTER)
    if midi_type == 1:
        midi.tracks.append(_to_track(conductor, end))
        for track, channel in tracks:
            midi.tracks.append(_to_track(track_events(state, track, names, channel, regions), end))
        if chord_events(state):
            midi.tracks.append(_to_track(chord_events(state), end))
    else:
        merged = list(conductor)
        for position, (track, channel) in enumerate(tracks):
            for tick, kind, order, message in track_events(state, track, names, channel, regions):
                if message.type == "track_name":  # the channel prefix says whose name this is
                    merged.append((0, _META, 100 + 2 * position, mido.MetaMessage("channel_prefix", channel=channel)))
                    merged.append((0, _META, 101 + 2 * position,
                                   mido.MetaMessage("instrument_name", name=message.name)))
                else:
                    merged.append((tick, kind, order, message))
        merged += [event for event in chord_events(state) if event[3].type == "text"]
        midi.tracks.append(_to_track(merged, end))
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def provenance_sidecar(state: dict, *, names: dict | None = None, seq: int | None = None,
                       piece_id: int | None = None, midi_type: int = 1, jobs: dict | None = None) -> dict:
    """Who wrote each note of the MIDI export, keyed by track id, start tick and pitch.

    ``tracks`` maps each studio track to its MIDI track index (type 1: 1 + its position, after the
    conductor track; type 0: 0) and channel; ``notes[track][tick][pitch]`` is a list (several notes may
    share a key) of each note's id, end tick, velocity and provenance; ``jobs`` (when given) what each AI job's
    model was: name, version, checksum, endpoint.
    """
    names = names or {}
    tracks, notes = {}, {}
    for position, track in enumerate(state["tracks"]):
        tracks[track["id"]] = {"name": track["name"], "midi_track": position + 1 if midi_type == 1 else 0,
                               "channel": track.get("channel", 0), "program": track.get("program", 0)}
    for note in attribution.ordered_notes(state):
        entry = {"id": note["id"], "duration": note["duration"], "velocity": note["velocity"],
                 "author": note.get("author"), "author_name": attribution.author_label(note.get("author"), names),
                 "job": note.get("job"), "candidate": note.get("candidate"), "accepted_by": note.get("accepted_by"),
                 "last_editor": note.get("last_editor"), "human_edited": note.get("human_edited", False)}
        notes.setdefault(note["track"], {}).setdefault(str(note["start"]), {}).setdefault(
            str(note["pitch"]), []).append(entry)
    return {"schema_version": attribution.SCHEMA_VERSION, "kind": "composer-studio.midi-provenance",
            "piece_id": piece_id, "seq": seq, "title": state["piece"]["title"],
            "ticks_per_quarter": TICKS_PER_QUARTER, "midi_type": midi_type,
            "names": {str(k): v for k, v in names.items()}, "tracks": tracks, "notes": notes,
            **({"jobs": {str(k): v for k, v in jobs.items()}} if jobs else {}),
            "regions": [{**r, "label": attribution.region_label(r, names)} for r in attribution.ai_regions(state)]}
