"""One studio track -> one MusicXML ``<part>``: the notation half of the MusicXML export. Pure.

Notes are quantized to the 16th grid for notation, split at bar lines (and where a chord symbol starts,
so each ``<harmony>`` sits on a note or rest of its own) into writable values with ties, spelled in the
piece's key with accidentals as a score shows them; equal-length simultaneous notes become chords and
overlapping ones separate voices. The clef, or a grand staff, comes from staves.py (the one home of
those rules); on a grand staff each staff has its own voices (1-4 above, 5-8 below).
"""
import bisect
import xml.etree.ElementTree as ET

from ..state import TICKS_PER_QUARTER, bar_ticks
from . import attribution, picture_marks, staves
from .harmony import harmony_fields
from .keys import key_fifths, key_mode, signature_alters, spell

AI_COLOUR = "#7A5AF8"  # the roll's violet for AI notes (static/js/roll/paint.js), so a score and the roll agree
GRID = TICKS_PER_QUARTER // 4  # 16th notes
DIVISIONS = TICKS_PER_QUARTER  # <duration> is in ticks
# Writable values, longest first: (ticks, type, dots)
VALUES = [(3840, "breve", 0), (2880, "whole", 1), (1920, "whole", 0), (1440, "half", 1), (960, "half", 0),
          (720, "quarter", 1), (480, "quarter", 0), (360, "eighth", 1), (240, "eighth", 0), (180, "16th", 1),
          (120, "16th", 0), (90, "32nd", 1), (60, "32nd", 0), (30, "64th", 0), (15, "128th", 0)]
ACCIDENTALS = {-2: "flat-flat", -1: "flat", 0: "natural", 1: "sharp", 2: "double-sharp"}


def quantize_for_notation(start: int, duration: int, end_of_piece: int) -> tuple[int, int]:
    """Snap a note to the 16th grid, at least a 16th long, inside the piece."""
    begin = (start + GRID // 2) // GRID * GRID
    end = max((start + duration + GRID // 2) // GRID * GRID, begin + GRID)
    if end > end_of_piece:
        end = end_of_piece
        begin = min(begin, end - GRID)
    return begin, end - begin


def split_value(ticks: int) -> list[tuple[int, str, int]]:
    """Writable values that add up to ``ticks`` (longest first)."""
    pieces = []
    for value, kind, dots in VALUES:
        while ticks >= value:
            pieces.append((value, kind, dots))
            ticks -= value
    if ticks:  # cannot happen on the grid; never lose time
        pieces.append((ticks, "128th", 0))
    return pieces


def sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def _voices(groups: list) -> list[list]:
    """Greedy: each group (start, duration, notes) goes to the first voice free at its start."""
    voices, ends = [], []
    for group in groups:
        for index, end in enumerate(ends):
            if end <= group[0]:
                break
        else:
            index = len(ends)
            ends.append(0)
            voices.append([])
        voices[index].append(group)
        ends[index] = group[0] + group[1]
    return voices


def _segments(groups: list, bar: int, cuts=()) -> dict:
    """{measure: [(offset in measure, length, group, tied from before, tied to after)]}, groups cut at bar
    lines and at the ticks in ``cuts`` (sorted: where chord symbols start, so each has a note to sit on)."""
    found = {}
    for group in groups:
        start, duration = group[0], group[1]
        position = start
        while position < start + duration:
            measure = position // bar
            stop = min(start + duration, (measure + 1) * bar)
            after = bisect.bisect_right(cuts, position)
            if after < len(cuts):
                stop = min(stop, cuts[after])
            found.setdefault(measure, []).append((position - measure * bar, stop - position, group,
                                                  position > start, stop < start + duration))
            position = stop
    return found


def _accidentals(segments_by_voice: dict, measure: int, piece_key: str) -> dict:
    """{(voice, segment index, note id): accidental to show}: the score's rule, across voices in time order."""
    alters = signature_alters(key_fifths(piece_key))
    current, shown = {}, {}
    events = []
    for voice, by_measure in segments_by_voice.items():
        for index, segment in enumerate(by_measure.get(measure, [])):
            events.append((segment[0], voice, index, segment))
    for offset, voice, index, (_, _, group, tied_from, _) in sorted(events, key=lambda e: (e[0], e[1], e[2])):
        for note in group[2]:
            step, alter, octave = spell(note["pitch"], piece_key)
            expected = current.get((step, octave), alters[step])
            if not tied_from and alter != expected:
                shown[(voice, index, note["id"])] = ACCIDENTALS.get(alter, "natural")
            current[(step, octave)] = alter
    return shown


def _note(measure_el, *, voice, ticks, kind, dots, note=None, chord=False, tie_stop=False, tie_start=False,
          accidental=None, piece_key=None, staff=None):
    element = sub(measure_el, "note")
    if note is not None:
        if attribution.is_ai(note):
            element.set("color", AI_COLOUR)
        element.set("dynamics", f"{note['velocity'] * 100 / 90:.4f}")
        if chord:
            sub(element, "chord")
        step, alter, octave = spell(note["pitch"], piece_key)
        pitch = sub(element, "pitch")
        sub(pitch, "step", step)
        if alter:
            sub(pitch, "alter", alter)
        sub(pitch, "octave", octave)
    else:
        sub(element, "rest")
    sub(element, "duration", ticks)
    if tie_stop:
        sub(element, "tie", type="stop")
    if tie_start:
        sub(element, "tie", type="start")
    sub(element, "voice", voice)
    sub(element, "type", kind)
    for _ in range(dots):
        sub(element, "dot")
    if accidental:
        sub(element, "accidental", accidental)
    if staff:
        sub(element, "staff", staff)
    if tie_stop or tie_start:
        notations = sub(element, "notations")
        if tie_stop:
            sub(notations, "tied", type="stop")
        if tie_start:
            sub(notations, "tied", type="start")


def _rests(measure_el, voice, ticks, bar, staff=None):
    if ticks == bar:
        element = sub(measure_el, "note")
        sub(element, "rest", measure="yes")
        sub(element, "duration", ticks)
        sub(element, "voice", voice)
        if staff:
            sub(element, "staff", staff)
        return
    for value, kind, dots in split_value(ticks):
        _note(measure_el, voice=voice, ticks=value, kind=kind, dots=dots, staff=staff)


def _harmony(measure_el, symbol):
    """A chord symbol, written just before the note or rest that starts where it does."""
    fields = harmony_fields(symbol)
    element = sub(measure_el, "harmony")
    root = sub(element, "root")
    step = sub(root, "root-step", fields["root"][0])
    if fields["kind"] == "none":  # no chord: the root is only there because MusicXML needs one
        step.set("text", "")
    if fields["root"][1]:
        sub(root, "root-alter", fields["root"][1])
    sub(element, "kind", fields["kind"]).set("text", fields["text"])
    if fields["bass"]:
        bass = sub(element, "bass")
        sub(bass, "bass-step", fields["bass"][0])
        if fields["bass"][1]:
            sub(bass, "bass-alter", fields["bass"][1])
    for value, alter, kind in fields["degrees"]:
        degree = sub(element, "degree")
        sub(degree, "degree-value", value)
        sub(degree, "degree-alter", alter)
        sub(degree, "degree-type", kind)


def _harmony_ticks(chords, end_of_piece: int) -> dict:
    """{notation tick: symbol}: chord starts on the 16th grid (the first of two that land together)."""
    found = {}
    for chord in sorted(chords, key=lambda c: (c["start"], c["id"])):
        tick, _ = quantize_for_notation(chord["start"], chord["duration"], end_of_piece)
        found.setdefault(tick, chord["symbol"])
    return found


def _attributes(measure_el, piece, plan):
    attributes = sub(measure_el, "attributes")
    sub(attributes, "divisions", DIVISIONS)
    key = sub(attributes, "key")
    sub(key, "fifths", key_fifths(piece["key"]))
    sub(key, "mode", key_mode(piece["key"]))
    time = sub(attributes, "time")
    sub(time, "beats", piece["time_signature"][0])
    sub(time, "beat-type", piece["time_signature"][1])
    if plan.staves > 1:
        sub(attributes, "staves", plan.staves)
        sub(attributes, "part-symbol", "brace")
    for number, clef_plan in enumerate(plan.clefs, 1):
        clef = sub(attributes, "clef", **({"number": number} if plan.staves > 1 else {}))
        sub(clef, "sign", clef_plan["sign"])
        if clef_plan["line"] is not None:
            sub(clef, "line", clef_plan["line"])
        if clef_plan["octave_change"]:
            sub(clef, "clef-octave-change", clef_plan["octave_change"])


def _layers(notes, plan, bar, end_of_piece, cuts):
    """[(staff, {voice number: segments by measure}, the staff's main voice)]: each staff's notes as
    chords-in-voices; the first staff's main voice is also cut where a chord symbol starts."""
    layers, next_voice = [], 1
    for staff in range(1, plan.staves + 1):
        groups = {}
        for note in notes:
            if plan.staff_of(note["pitch"]) == staff:
                start, duration = quantize_for_notation(note["start"], note["duration"], end_of_piece)
                groups.setdefault((start, duration), []).append(note)
        ordered = sorted(((s, d, sorted(ns, key=lambda n: (n["pitch"], n["id"]))) for (s, d), ns in groups.items()),
                         key=lambda g: (g[0], -g[1]))
        voices = _voices(ordered) or [[]]
        numbered = {next_voice + i: _segments(groups_, bar, cuts if staff == 1 and i == 0 else ())
                    for i, groups_ in enumerate(voices)}
        layers.append((staff, numbered, next_voice))
        next_voice += max(4, len(voices))
    return layers


def write_part(root, index, track, notes, state, chords=(), marks=None):
    """One part; ``marks`` (picture_marks.score_marks: tempo changes and cues by measure) go above it."""
    piece = state["piece"]
    bar, bars = bar_ticks(piece), piece["bars"]
    plan = staves.plan_for_track(track, notes)
    harmonies = _harmony_ticks(chords, bar * bars)
    cuts = sorted(harmonies)
    layers = _layers(notes, plan, bar, bar * bars, cuts)
    staff_of = (lambda staff: staff) if plan.staves > 1 else (lambda staff: None)
    part = sub(root, "part", id=f"P{index}")
    for measure in range(bars):
        measure_el = sub(part, "measure", number=measure + 1)
        if measure == 0:
            _attributes(measure_el, piece, plan)
            if index == 1:
                picture_marks.metronome(measure_el, piece["tempo"])
        if marks and measure in marks:
            picture_marks.directions(measure_el, marks[measure])
        origin = measure * bar

        def rests(voice, staff, begin, end, with_chords):
            points = [begin] + [c - origin for c in cuts if origin + begin < c < origin + end] + [end]
            for a, b in zip(points, points[1:]):
                if with_chords and origin + a in harmonies:
                    _harmony(measure_el, harmonies[origin + a])
                _rests(measure_el, voice, b - a, bar, staff_of(staff))

        cursor = 0
        for staff, numbered, main in layers:
            shown = _accidentals(numbered, measure, piece["key"])
            chorded = staff == 1
            for voice, by_measure in numbered.items():
                segments = by_measure.get(measure, [])
                if voice != main and not segments:
                    continue
                if cursor:
                    sub(sub(measure_el, "backup"), "duration", cursor)
                cursor = 0
                with_chords = chorded and voice == main
                for number, (offset, length, group, tied_from, tied_to) in enumerate(segments):
                    if offset > cursor:
                        if voice == main:
                            rests(voice, staff, cursor, offset, with_chords)
                        else:
                            sub(sub(measure_el, "forward"), "duration", offset - cursor)
                    if with_chords and origin + offset in harmonies:
                        _harmony(measure_el, harmonies[origin + offset])
                    pieces = split_value(length)
                    for piece_index, (value, kind, dots) in enumerate(pieces):
                        stop = tied_from or piece_index > 0
                        start = tied_to or piece_index < len(pieces) - 1
                        for member, note in enumerate(group[2]):
                            accidental = shown.get((voice, number, note["id"])) if piece_index == 0 else None
                            _note(measure_el, voice=voice, ticks=value, kind=kind, dots=dots, note=note, chord=member > 0,
                                  tie_stop=stop, tie_start=start, accidental=accidental, piece_key=piece["key"],
                                  staff=staff_of(staff))
                    cursor = offset + length
                if voice == main and cursor < bar:
                    rests(voice, staff, cursor, bar, with_chords)
                    cursor = bar
