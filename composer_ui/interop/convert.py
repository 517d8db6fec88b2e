"""A file's notes (the readers' neutral "score") -> the ops of one import event. Pure.

The score comes from the sandbox, so it is checked again here (types, bounds,
counts) before anything is built from it; the ops then pass op_schema and
apply_ops like any other edit.

The neutral score: ``{"format", "title", "tempos": [[tick, bpm]], "time_signatures": [[tick, n, d]],
"keys": [[tick, "G major"]], "markers"?: [[tick, text]], "smpte_offset"?: [h, m, s, f, sub, rate] | None,
"pickup": ticks, "tracks": [{"name", "program", "channel", "drum", "volume"?,
"pan"?, "notes": [[start, duration, pitch, velocity]]}], "chords"?: [[tick, "Cm7"]], "warnings": [...]}`` at
480 ticks per quarter.
"""
import math
import re

from ..op_schema import DENOMINATORS, KEY_PATTERN, MAX_TICK
from ..state import TICKS_PER_QUARTER, bar_ticks
from . import picture_marks
from .chord_import import check_chords, plan_chords
from .midi_read import MAX_MARKERS, SMPTE_RATES, Refusal

GRID = TICKS_PER_QUARTER // 4  # a 16th note
MAX_SCORE_TRACKS = 256
MAX_SCORE_NOTES = 200_000


def _int(value, lo, hi):
    return type(value) is int and lo <= value <= hi


def _number(value, lo, hi):
    return type(value) in (int, float) and math.isfinite(value) and lo <= value <= hi


def validate_score(score) -> dict:
    """Refuse anything the readers should never produce; return the score."""
    def bad(what):
        raise Refusal(f"the file could not be read ({what})")

    if not isinstance(score, dict) or not isinstance(score.get("tracks"), list):
        bad("no tracks")
    if len(score["tracks"]) > MAX_SCORE_TRACKS:
        raise Refusal(f"the file has {len(score['tracks'])} parts or tracks; at most {MAX_SCORE_TRACKS} are read",
                      "too_large")
    total = 0
    for track in score["tracks"]:
        if not isinstance(track, dict) or not isinstance(track.get("notes"), list):
            bad("a track without notes")
        if not isinstance(track.get("name"), str) or not _int(track.get("program", 0), 0, 127):
            bad("a track's name or program")
        if track.get("channel") is not None and not _int(track["channel"], 0, 15):
            bad("a track's channel")
        if any(level in track and not _int(track[level], 0, 127) for level in ("volume", "pan")):
            bad("a track's volume or pan")
        total += len(track["notes"])
        if total > MAX_SCORE_NOTES:
            raise Refusal(f"the file holds more than {MAX_SCORE_NOTES:,} notes", "too_large")
        for note in track["notes"]:
            if (not isinstance(note, list) or len(note) != 4 or not _int(note[0], 0, MAX_TICK)
                    or not _int(note[1], 1, MAX_TICK) or not _int(note[2], 0, 127) or not _int(note[3], 1, 127)):
                bad("a note lies outside what a piece can hold: start 0 to 10,000,000 ticks, length at least "
                    "1 tick, pitch and velocity 0/1 to 127")
    for name, checks in (("tempos", (lambda v: _int(v, 0, MAX_TICK), lambda v: _number(v, 0.01, 100_000))),
                         ("time_signatures", (lambda v: _int(v, 0, MAX_TICK), lambda v: _int(v, 1, 10_000),
                                              lambda v: _int(v, 1, 10_000))),
                         ("keys", (lambda v: _int(v, 0, MAX_TICK), lambda v: isinstance(v, str) and len(v) < 20))):
        entries = score.get(name, [])
        if not isinstance(entries, list) or len(entries) > 100_000:
            bad(name)
        for entry in entries:
            if not isinstance(entry, list) or len(entry) != len(checks) or not all(c(v) for c, v in zip(checks, entry)):
                bad(name)
    markers = score.get("markers", [])
    if not isinstance(markers, list) or len(markers) > MAX_MARKERS or not all(
            isinstance(m, list) and len(m) == 2 and _int(m[0], 0, MAX_TICK) and isinstance(m[1], str)
            and len(m[1]) <= 200 for m in markers):
        bad("markers")
    smpte = score.get("smpte_offset")
    if smpte is not None and not (isinstance(smpte, list) and len(smpte) == 6 and all(
            _int(v, 0, hi) for v, hi in zip(smpte[:5], (23, 59, 59, 29, 99))) and smpte[5] in SMPTE_RATES):
        bad("SMPTE offset")
    check_chords(score.get("chords", []), MAX_TICK)
    if not _int(score.get("pickup", 0), 0, MAX_TICK):
        bad("pickup")
    if not isinstance(score.get("warnings", []), list) or not all(isinstance(w, str) for w in score.get("warnings", [])):
        bad("warnings")
    if score.get("title") is not None and not isinstance(score["title"], str):
        bad("title")
    return score


def clean_text(value, limit: int, default: str) -> str:
    text = " ".join("".join(c if c.isprintable() else " " for c in str(value or "")).split())[:limit].strip()
    return text or default


def file_stem(file_name: str) -> str:
    stem = re.sub(r"\.(mid|midi|smf|kar|musicxml|xml|mxl|json)$", "", (file_name or "").rsplit("/", 1)[-1],
                  flags=re.IGNORECASE)
    return stem.replace("_", " ")


def _first_and_changes(entries, key):
    """The first setting, and how many times it changes later."""
    if not entries:
        return None, 0
    values = [key(e) for e in entries]
    changes = sum(1 for a, b in zip(values, values[1:]) if a != b)
    return entries[0], changes


def piece_settings(score: dict, warnings: list) -> dict:
    """Tempo, meter and key from the file: the first of each; later changes are reported."""
    settings = {}
    tempo, _ = _first_and_changes(score.get("tempos", []), lambda t: round(t[1]))  # later ones: picture_ops
    bpm = round(tempo[1]) if tempo else 120
    if not 20 <= bpm <= 400:
        warnings.append(f"the file's tempo {bpm} BPM is outside 20-400; using {min(400, max(20, bpm))}")
        bpm = min(400, max(20, bpm))
    settings["tempo"] = bpm
    signature, changes = _first_and_changes(score.get("time_signatures", []), lambda s: (s[1], s[2]))
    meter = [4, 4]
    if signature:
        if 1 <= signature[1] <= 32 and signature[2] in DENOMINATORS:
            meter = [signature[1], signature[2]]
        else:
            warnings.append(f"the meter {signature[1]}/{signature[2]} is not supported (1-32 beats of a whole, "
                            "half, quarter, ... 32nd note); the piece uses 4/4")
    if changes:
        warnings.append(f"the meter changes {changes} time{'s' if changes > 1 else ''}; the studio keeps one meter "
                        f"per piece, {meter[0]}/{meter[1]}: notes keep their times, later bar lines may move")
    settings["time_signature"] = meter
    first_key, changes = _first_and_changes(score.get("keys", []), lambda k: k[1])
    key = first_key[1] if first_key and KEY_PATTERN.fullmatch(first_key[1]) else "C major"
    if first_key and key != first_key[1]:
        warnings.append(f"the key {first_key[1]!r} is not supported; the piece is in C major")
    if changes:
        warnings.append(f"the key changes {changes} time{'s' if changes > 1 else ''}; the piece keeps the first, {key}")
    settings["key"] = key
    return settings


def _picture_ops(score: dict, piece: dict, shift: int, new_piece: bool, warnings: list) -> list:
    """A new piece takes the file's tempo changes at bar starts, its SMPTE offset and its cue markers (as the
    studio writes them); an existing piece keeps its own map and cues, and is told what was left out."""
    tempos = [[tick + shift, bpm] for tick, bpm in score.get("tempos", [])]
    markers = [[tick + shift, text] for tick, text in score.get("markers", [])]
    changes, notes = picture_marks.tempo_changes_from(tempos, piece["time_signature"], piece["tempo"])
    cue_markers = sum(1 for _, text in markers if picture_marks.MARKER.match(text))
    if not new_piece:
        if changes:
            warnings.append(f"the piece keeps its own tempo map (the file changes tempo {len(changes)} "
                            f"time{'s' if len(changes) > 1 else ''})")
        if cue_markers:
            warnings.append(f"{cue_markers} cue marker{'s were' if cue_markers > 1 else ' was'} not imported: "
                            "a new piece takes a file's cues, or import them as a cue sheet")
        return []
    warnings.extend(notes)
    ops, settings = [], {}
    late = [c for c in changes if c["bar"] >= piece["bars"]]
    if late:
        warnings.append(f"{len(late)} tempo change{'s' if len(late) > 1 else ''} after the last note "
                        f"{'were' if len(late) > 1 else 'was'} left out")
    smpte = score.get("smpte_offset")
    if smpte:
        fps = picture_marks.RATES_FROM_MIDI[smpte[5]]
        offset = picture_marks.smpte_to_us(*smpte[:5], fps)
        if offset is None:
            warnings.append("the file's SMPTE offset names no real frame; bar 1 starts at 00:00:00:00")
        else:
            settings = {"fps": fps, "start_offset_us": offset}
            ops.append({"op": "piece.update", **settings})
    kept = [c for c in changes if c["bar"] < piece["bars"]]
    ops += [{"op": "tempo.set", "bar": c["bar"], "tempo": c["tempo"]} for c in kept]
    if cue_markers:
        placed = {"piece": {**piece, **settings}, "tempo_changes": kept}
        cues, _ = picture_marks.cues_from_markers(markers, placed)
        ops += [{"op": "cue.add", **cue} for cue in cues]
    return ops


def _snap(tick: int) -> int:
    return (tick + GRID // 2) // GRID * GRID


def plan_import(score: dict, *, base_state: dict, new_piece: bool, quantize: bool, limits: dict, author: dict,
                record: dict, title: str | None = None) -> dict:
    """The ops that add the file's tracks and notes to ``base_state`` (a fresh piece when ``new_piece``).

    Returns {"ops", "warnings", "summary"}; raises Refusal (code ``invalid`` or ``too_large``) with a
    message for the person when the file cannot be imported whole.
    """
    validate_score(score)
    warnings = list(score.get("warnings", []))
    tracks = [t for t in score["tracks"] if t["notes"]]
    if not tracks:
        raise Refusal("the file has no notes to import")
    file_settings = piece_settings(score, warnings)
    piece = dict(base_state["piece"])
    if new_piece:
        piece.update(file_settings)
    else:
        for name, label in (("tempo", "tempo"), ("time_signature", "meter"), ("key", "key")):
            if file_settings[name] != piece[name] and (score.get({"tempo": "tempos", "time_signature":
                                                                    "time_signatures", "key": "keys"}[name])):
                shown = lambda v: f"{v[0]}/{v[1]}" if isinstance(v, list) else v  # noqa: E731
                warnings.append(f"the piece keeps its {label} {shown(piece[name])} (the file's is "
                                f"{shown(file_settings[name])})")
    size = bar_ticks(piece)
    shift = 0
    pickup = score.get("pickup", 0)
    if pickup:
        if 0 < pickup < size:
            shift = size - pickup
            warnings.append(f"the music starts with a pickup of {pickup / TICKS_PER_QUARTER:g} beats; it was placed at "
                            f"the end of bar 1, after {shift / TICKS_PER_QUARTER:g} beats of rest")
        else:
            warnings.append("the first bar is incomplete in a way that does not fit the meter; notes keep their times")
    moved = off_grid = 0
    planned = []
    for track in tracks:
        notes = []
        for start, duration, pitch, velocity in track["notes"]:
            start += shift
            if quantize:
                begin, end = _snap(start), _snap(start + duration)
                end = max(end, begin + GRID)
                moved += (begin, end) != (start, start + duration)
                start, duration = begin, end - begin
            elif start % GRID or duration % GRID:
                off_grid += 1
            notes.append((start, duration, pitch, velocity))
        planned.append((track, notes))
    if off_grid:
        warnings.append(f"{off_grid} notes are off the 16th-note grid; they were kept as played "
                        "(import with quantize to snap them)")
    existing_notes, existing_tracks = len(base_state["notes"]), len(base_state["tracks"])
    note_count = sum(len(n) for _, n in planned)
    room_notes = limits["notes_per_piece"] - existing_notes
    if note_count > room_notes:
        raise Refusal(f"the file has {note_count:,} notes; this piece can take {max(0, room_notes):,} more "
                      f"(a piece holds at most {limits['notes_per_piece']:,})", "too_large")
    room_tracks = limits["tracks_per_piece"] - existing_tracks
    if len(planned) > room_tracks:
        raise Refusal(f"the file has {len(planned)} tracks with notes; this piece can take {max(0, room_tracks)} more "
                      f"(a piece holds at most {limits['tracks_per_piece']})", "too_large")
    last = max(start + duration for _, notes in planned for start, duration, _, _ in notes)
    last = max([last] + [tick + shift + 1 for tick, _ in score.get("chords", [])])
    bars_needed = max(1, -(-last // size))
    if bars_needed > limits["bars_per_piece"]:
        raise Refusal(f"the music is {bars_needed:,} bars long in {piece['time_signature'][0]}/"
                      f"{piece['time_signature'][1]}; a piece holds at most {limits['bars_per_piece']:,} bars",
                      "too_large")
    ops = []
    if new_piece:
        name = clean_text(title or score.get("title") or file_stem(record.get("file", "")), 200, "Imported piece")
        ops.append({"op": "piece.update", "title": name, "tempo": piece["tempo"],
                    "time_signature": piece["time_signature"], "key": piece["key"], "bars": bars_needed})
    elif bars_needed > piece["bars"]:
        ops.append({"op": "piece.update", "bars": bars_needed})
        warnings.append(f"the piece grew from {piece['bars']} to {bars_needed} bars to hold the file")
    ops += _picture_ops(score, {**piece, "bars": bars_needed if new_piece else max(bars_needed, piece["bars"])},
                        shift, new_piece, warnings)
    taken = {t["id"] for t in base_state["tracks"]}
    prefix = "imp-" + (record.get("sha256") or "0" * 8)[:8]
    provenance = {"author": author, "import": record}
    drums = 0
    for index, (track, notes) in enumerate(planned, 1):
        track_id, suffix = f"{prefix}-{index}", 1
        while track_id in taken:
            suffix += 1
            track_id = f"{prefix}-{index}-{suffix}"
        taken.add(track_id)
        add = {"op": "track.add", "id": track_id, "name": clean_text(track["name"], 80, f"Track {index}"),
               "program": track.get("program", 0)}
        if track.get("channel") is not None:
            add["channel"] = track["channel"]
        add.update({level: track[level] for level in ("volume", "pan") if level in track})
        if track.get("drum"):
            add["channel"] = 9
            drums += 1
        ops.append(add)
        ops.extend({"op": "note.add", "track": track_id, "start": start, "duration": duration, "pitch": pitch,
                    "velocity": velocity, "provenance": provenance} for start, duration, pitch, velocity in notes)
    chord_ops, chord_warnings = plan_chords(
        score.get("chords", []), shift=shift, quantize=quantize, end=(bars_needed if new_piece else max(bars_needed, piece["bars"])) * size,
        base_chords={} if new_piece else base_state.get("chords", {}), limit=limits.get("chords_per_piece", 5_000),
        provenance=provenance, prefix=prefix)
    ops += chord_ops
    warnings += chord_warnings
    if drums:
        warnings.append(f"{drums} drum track{'s were' if drums > 1 else ' was'} imported on MIDI channel 10; "
                        "its notes are drum sounds (General MIDI percussion), not pitches")
    summary = {"format": score.get("format"), "file": record.get("file"), "sha256": record.get("sha256"),
               "tracks": len(planned), "notes": note_count, "chords": len(chord_ops), "bars": bars_needed if new_piece else max(bars_needed, piece["bars"]),
               "quantized": moved if quantize else None, "pickup_shift": shift}
    return {"ops": ops, "warnings": warnings, "summary": summary}
