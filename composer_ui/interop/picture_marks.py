"""Picture time in the files the studio writes and reads: the tempo map, the SMPTE offset and the cues. Pure.

Exports place cues at the tick the piece's tempo map puts them (picture time minus the start offset);
MIDI gets one marker per cue whose text names its kind, timecode and label (``cue_marker_text``), and an
SMPTE offset meta event for bar 1's picture time. Imports read those markers back as cues and tempo
changes at bar starts back into the map; everything else is reported, never guessed.
"""
import math
import re
import xml.etree.ElementTree as ET

from engine.picture import tempo_map as tm
from engine.picture.timecode import MAX_US, format_us, frame_us, frames_to_us, parse_timecode

KIND_NAMES = {"hit": "Hit", "cadence": "Cadence", "start": "Start", "stop": "Stop"}
# MIDI's SMPTE offset names four rates; 29.97df is "30 drop" (mido calls it 29.97).
MIDI_RATES = {"24": 24, "25": 25, "29.97df": 29.97, "30": 30}
RATES_FROM_MIDI = {24: "24", 25: "25", 29.97: "29.97df", 30: "30"}
MARKER = re.compile(r"^Cue (hit|cadence|start|stop) at ([0-9:;.]{8,12})(?: - (.*))?$", re.DOTALL)


def piece_map(state: dict) -> tm.TempoMap:
    piece = state["piece"]
    return tm.build(piece["time_signature"], piece["tempo"], state.get("tempo_changes", []))


def tempo_events(state: dict) -> list[tuple[int, float]]:
    """(tick, BPM) of bar 0 and of every tempo change, in order."""
    per_bar = tm.bar_ticks(state["piece"]["time_signature"])
    return [(0, state["piece"]["tempo"])] + [(c["bar"] * per_bar, c["tempo"]) for c in state.get("tempo_changes", [])]


def uses_picture(state: dict) -> bool:
    """Whether the piece has anything of picture time to write (old pieces' files stay as they were)."""
    return bool(state.get("cues")) or bool(state["piece"].get("start_offset_us"))


def cue_ticks(state: dict, cue: dict) -> int:
    """The tick a cue falls on (rounded), inside the piece: a cue before bar 1 sits at tick 0."""
    end = tm.bar_ticks(state["piece"]["time_signature"]) * state["piece"]["bars"]
    ticks = tm.us_to_ticks(piece_map(state), cue["time_us"], state["piece"].get("start_offset_us", 0))
    return min(max(0, round(ticks)), end)


def ordered_cues(state: dict) -> list[dict]:
    return sorted(state.get("cues", {}).values(), key=lambda c: (c["time_us"], c["id"]))


def cue_marker_text(cue: dict, fps: str) -> str:
    text = f"Cue {cue['kind']} at {format_us(cue['time_us'], fps)}"
    return f"{text} - {cue['label']}" if cue.get("label") else text


def cue_words(cue: dict, fps: str) -> str:
    """How a score shows a cue: its label and where it is ("Door slams (hit 00:00:03:00)")."""
    where = f"{cue['kind']} {format_us(cue['time_us'], fps)}"
    return f"{cue['label']} ({where})" if cue.get("label") else where.capitalize()


def smpte_offset(start_offset_us: int, fps: str) -> dict:
    """The fields of MIDI's SMPTE offset meta event for bar 1's picture time: the timecode of the frame on
    screen then, and the rest in hundredths of a frame."""
    hundredths = round(start_offset_us * 100 / frame_us(fps))
    frame, sub = divmod(hundredths, 100)
    label = re.split(r"[:;.]", format_us(frames_to_us(frame, fps), fps))
    hours, minutes, seconds, frames = (int(part) for part in label)
    return {"frame_rate": MIDI_RATES[fps], "hours": hours, "minutes": minutes, "seconds": seconds,
            "frames": frames, "sub_frames": sub}


def smpte_to_us(hours: int, minutes: int, seconds: int, frames: int, sub_frames: int, fps: str) -> int | None:
    """Picture time of an SMPTE offset (timecode + hundredths of a frame); None when it names no real frame."""
    separator = ";" if fps == "29.97df" else ":"
    try:
        frame = parse_timecode(f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{frames:02d}", fps)
    except ValueError:
        return None
    us = frames_to_us(frame, fps)
    us += round(min(sub_frames, 99) / 100 * frame_us(fps))
    return us if 0 <= us <= MAX_US else None


def tempo_changes_from(tempos: list, time_signature, first_tempo: int) -> tuple[list[dict], list[str]]:
    """The file's tempo events ([[tick, bpm]], sorted) as tempo changes at bar starts, whole BPM 20-400.

    A change that is not on a bar line (the studio changes tempo only there) is left out and reported;
    rounded tempi are reported once."""
    per_bar = tm.bar_ticks(time_signature)
    at_tick = {}
    for tick, bpm in tempos:
        at_tick[tick] = bpm  # the last event at a tick is the one in force
    changes, off_bar, rounded, current = [], 0, False, first_tempo
    for tick, bpm in sorted(at_tick.items()):
        if tick == 0:
            continue
        whole = min(400, max(20, round(bpm)))
        rounded |= not math.isclose(whole, bpm, abs_tol=0.01)
        if tick % per_bar:
            off_bar += 1
            continue
        if whole != current:
            changes.append({"bar": tick // per_bar, "tempo": whole})
            current = whole
    warnings = []
    if off_bar:
        warnings.append(f"the file changes tempo {off_bar} time{'s' if off_bar > 1 else ''} inside a bar; the "
                        "studio changes tempo only at bar lines, so those were left out (notes keep their beats)")
    if rounded:
        warnings.append("tempi were rounded to whole beats per minute, as the studio keeps them")
    return changes, warnings


def cues_from_markers(markers: list, state: dict) -> tuple[list[dict], int]:
    """cue.add fields of the file's cue markers ([[tick, text]], as ``cue_marker_text`` writes them), placed
    through ``state``'s tempo map and start offset; and how many markers were not cues."""
    tmap = piece_map(state)
    offset = state["piece"].get("start_offset_us", 0)
    cues, others = [], 0
    for tick, text in markers:
        match = MARKER.match(text)
        if not match:
            others += 1
            continue
        time_us = round(tm.ticks_to_us(tmap, tick, offset))
        if not 0 <= time_us <= MAX_US:
            others += 1
            continue
        label = " ".join((match.group(3) or "").split())[:80]
        cues.append({"time_us": time_us, "kind": match.group(1), "label": label})
    return cues, others


def score_marks(state: dict) -> dict:
    """What a score shows of picture time, by measure (0-based): {measure: {"tempo": BPM of a change there or
    None, "cues": [(ticks into the measure, words, kind)]}}. Bar 0's tempo is the score's opening mark."""
    per_bar = tm.bar_ticks(state["piece"]["time_signature"])
    last = state["piece"]["bars"] - 1
    marks = {}
    for change in state.get("tempo_changes", []):
        marks.setdefault(change["bar"], {"tempo": None, "cues": []})["tempo"] = change["tempo"]
    fps = state["piece"].get("fps", "25")
    for cue in ordered_cues(state):
        ticks = cue_ticks(state, cue)
        measure = min(ticks // per_bar, last)
        marks.setdefault(measure, {"tempo": None, "cues": []})["cues"].append(
            (ticks - measure * per_bar, cue_words(cue, fps), cue["kind"]))
    return marks


# -- MusicXML ---------------------------------------------------------------------------------

def _sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def metronome(measure_el, bpm):
    """MusicXML: a metronome mark and <sound tempo> at the start of a measure."""
    direction = _sub(measure_el, "direction", placement="above")
    mark = _sub(_sub(direction, "direction-type"), "metronome")
    _sub(mark, "beat-unit", "quarter")
    _sub(mark, "per-minute", bpm)
    _sub(direction, "sound", tempo=bpm)


def directions(measure_el, marks):
    """MusicXML: a tempo change at this measure (metronome mark and <sound tempo>), and its cues above the
    staff at their offset: a start or cadence cue (a section of the picture) as a rehearsal mark, a hit or
    stop as words."""
    if marks.get("tempo") is not None:
        metronome(measure_el, marks["tempo"])
    for offset, words, kind in marks.get("cues", []):
        direction = _sub(measure_el, "direction", placement="above")
        if kind in ("start", "cadence"):
            _sub(_sub(direction, "direction-type"), "rehearsal", words, enclosure="square")
        else:
            _sub(_sub(direction, "direction-type"), "words", words)
        if offset:
            _sub(direction, "offset", offset, sound="no")
