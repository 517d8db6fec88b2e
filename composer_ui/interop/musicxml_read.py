"""MusicXML text -> the importer's neutral score, with a hardened expat pass and music21.

Runs in the sandbox. ``harden_check`` parses the text once with expat set to refuse any DOCTYPE
with an internal subset, entity declarations and external entity references, and bounds the
element count and depth; only then does ElementTree build the tree that music21 reads (never
through music21's file converters, so no pickle cache is read or written).
"""
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from xml.parsers import expat

from .harmony import symbol_from_harmony
from .midi_read import Refusal

TICKS_PER_QUARTER = 480
MAX_ELEMENTS = 2_000_000
MAX_DEPTH = 64
_PART_STAFF = re.compile(r"(.+)-Staff(\d+)")  # music21's id for one staff of a multi-staff part


def harden_check(text: str) -> None:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    state = {"elements": 0, "depth": 0, "root": None}

    def doctype(name, system_id, public_id, has_internal_subset):
        if has_internal_subset:
            raise Refusal("the XML's DOCTYPE declares things of its own (an internal DTD subset); refused")

    def entity(*args):
        raise Refusal("the XML declares entities; refused (entity expansion attacks)")

    def external(*args):
        raise Refusal("the XML refers to an external entity; refused")

    def start(name, attributes):
        state["elements"] += 1
        state["depth"] += 1
        if state["root"] is None:
            state["root"] = name
            if name != "score-partwise":
                raise Refusal(f"this XML is not a partwise MusicXML score (root <{name[:40]}>)")
        if state["elements"] > MAX_ELEMENTS:
            raise Refusal(f"the score has more than {MAX_ELEMENTS:,} elements", "too_large")
        if state["depth"] > MAX_DEPTH:
            raise Refusal(f"the XML nests deeper than {MAX_DEPTH} levels; MusicXML never does")

    def end(name):
        state["depth"] -= 1

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.NotationDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(text.encode("utf-8"), True)
    except expat.ExpatError as error:
        raise Refusal(f"the XML is not well-formed ({expat.ErrorString(error.code)} at line {error.lineno})") from None


def _ticks(offset) -> int:
    return int(round(Fraction(offset).limit_denominator(1_000_000) * TICKS_PER_QUARTER))


def _velocity(member, element) -> int:
    for source in (member, element):
        volume = getattr(source, "volume", None)
        velocity = getattr(volume, "velocity", None) if volume is not None else None
        if velocity:
            return max(1, min(127, int(round(velocity))))
    return 80


def part_notes(part, warnings_counts: dict) -> tuple[list, bool]:
    """[[start, duration, pitch, velocity]] of one music21 part, ties joined; and whether it is percussion.

    Ties join a note to the next of the same pitch that starts where it ends, whatever its voice
    (programs move tied notes between voices at bar lines).
    """
    from music21 import note as m21note
    from music21 import stream

    done, open_ties, percussion = [], {}, False
    for measure in part.getElementsByClass(stream.Measure):
        measure_tick = _ticks(measure.offset)
        containers = [(measure, 0)] + [(voice, _ticks(voice.offset)) for voice in measure.voices]
        for container, container_tick in containers:
            for element in container.notes:
                if element.duration.isGrace:
                    warnings_counts["grace"] = warnings_counts.get("grace", 0) + 1
                    continue
                start = measure_tick + container_tick + _ticks(element.offset)
                length = _ticks(element.quarterLength)
                if length <= 0:
                    continue
                members = list(element.notes) if element.isChord else [element]
                for member in members:
                    if isinstance(member, m21note.Unpitched):
                        percussion = True
                        pitch = round(member.displayPitch().ps)
                    else:
                        pitch = round(member.pitch.ps)  # .midi would fold octaves into range
                    if not 0 <= pitch <= 127:
                        warnings_counts["range"] = warnings_counts.get("range", 0) + 1
                        continue
                    tie = member.tie or element.tie
                    kind = tie.type if tie is not None else None
                    key = (pitch, start)
                    if kind in ("stop", "continue") and key in open_ties:
                        entry = open_ties.pop(key)
                        entry[1] += length
                    else:
                        entry = [start, length, pitch, _velocity(member, element)]
                        done.append(entry)
                    if kind in ("start", "continue"):
                        open_ties[(pitch, start + length)] = entry
    return done, percussion


def part_groups(score) -> list[list]:
    """The score's parts, each as the list of its staves: music21 splits a part with several staves (a
    piano's grand staff) into PartStaffs, and the studio keeps one track per part."""
    from music21 import stream

    groups, index = [], {}
    for part in score.parts:
        match = _PART_STAFF.fullmatch(str(part.id)) if isinstance(part, stream.PartStaff) else None
        key = match.group(1) if match else ("part", len(groups))
        if key not in index:
            index[key] = len(groups)
            groups.append([])
        groups[index[key]].append(part)
    return groups


def _step_alter(pitch) -> tuple[str, int]:
    return pitch.step, int(round(pitch.alter or 0))


def chord_symbols(parts, counts: dict) -> list:
    """[[tick, canonical symbol]] of the chord symbols (``<harmony>``) above the first part that has them."""
    from music21 import harmony

    for part in parts:
        found = []
        for symbol in part.recurse().getElementsByClass(harmony.Harmony):
            tick = _ticks(symbol.getOffsetInHierarchy(part))
            if isinstance(symbol, harmony.NoChord):
                text = symbol_from_harmony(None, "none")
            else:
                root, bass = symbol.root(), symbol.bass()
                degrees = [(m.degree, m.interval.semitones if m.interval else 0, m.modType)
                           for m in symbol.getChordStepModifications()]
                text = symbol_from_harmony(_step_alter(root) if root else None, symbol.chordKind or "", degrees,
                                           _step_alter(bass) if bass and root and bass.name != root.name else None)
            if text is None:
                counts.setdefault("chords", []).append(str(symbol.chordKindStr or symbol.chordKind or "?")[:20])
                continue
            found.append([tick, text])
        if found or counts.get("chords"):
            return sorted(found, key=lambda c: c[0])
    return []


def read_musicxml(text: str, *, max_notes: int = 20_000) -> dict:
    """The neutral score of a MusicXML text (already checked by xml_checks.check_xml)."""
    harden_check(text)
    from music21 import key as m21key
    from music21 import meter, stream, tempo
    from music21.musicxml.xmlToM21 import MusicXMLImporter

    root = ET.fromstring(text)
    importer = MusicXMLImporter()
    importer.xmlRootToScore(root, importer.stream)
    score = importer.stream
    parts = part_groups(score)
    if not parts:
        raise Refusal("the score has no parts")
    warnings, counts, tracks, total = [], {}, [], 0
    for index, staves in enumerate(parts):
        part = staves[0]
        instrument = part.getInstrument(returnDefault=False)
        notes, percussion = [], False
        for staff in staves:
            found, drums = part_notes(staff, counts)
            notes += found
            percussion = percussion or drums
        total += len(notes)
        if total > max_notes:
            raise Refusal(f"the score holds more than {max_notes:,} notes, the most a piece may have", "too_large")
        program = getattr(instrument, "midiProgram", None)
        channel = getattr(instrument, "midiChannel", None)
        name = part.partName or getattr(instrument, "partName", None) or getattr(instrument, "instrumentName", None)
        tracks.append({"name": str(name or f"Part {index + 1}"),
                       "program": program if isinstance(program, int) and 0 <= program <= 127 else 0,
                       "channel": 9 if percussion else channel if isinstance(channel, int) and 0 <= channel <= 15 else None,
                       "drum": percussion, "notes": sorted(notes)})
    if counts.get("grace"):
        warnings.append(f"{counts['grace']} grace note{'s' if counts['grace'] > 1 else ''} were left out "
                        "(they take no time in the score)")
    if counts.get("range"):
        warnings.append(f"{counts['range']} note{'s' if counts['range'] > 1 else ''} outside the MIDI range "
                        "(0-127) were left out")
    chords = chord_symbols([p for staves in parts for p in staves], counts)
    if counts.get("chords"):
        unread = counts["chords"]
        warnings.append(f"{len(unread)} chord symbol{'s' if len(unread) > 1 else ''} could not be read and were "
                        f"left out (kinds: {', '.join(sorted(set(unread))[:5])})")
    first = parts[0][0]
    signatures = [[_ticks(ts.getOffsetInHierarchy(first)), ts.numerator, ts.denominator]
                  for ts in first.recurse().getElementsByClass(meter.TimeSignature)]
    keys = []
    for signature in first.recurse().getElementsByClass(m21key.KeySignature):
        found = signature if isinstance(signature, m21key.Key) else signature.asKey("major")
        tonic = found.tonic.name.replace("-", "b")
        keys.append([_ticks(signature.getOffsetInHierarchy(first)), f"{tonic} {found.mode}"])
    tempos = []
    for part in (p for staves in parts for p in staves):
        for mark in part.recurse().getElementsByClass(tempo.MetronomeMark):
            bpm = mark.getQuarterBPM()
            if bpm:
                tempos.append([_ticks(mark.getOffsetInHierarchy(part)), float(bpm)])
    tempos = sorted({(t, round(b, 3)) for t, b in tempos})
    pickup = 0
    measures = list(first.getElementsByClass(stream.Measure))
    if measures and measures[0].paddingLeft and measures[0].barDuration is not None:
        pickup = _ticks(measures[0].barDuration.quarterLength - measures[0].paddingLeft)
    title = None
    if score.metadata is not None:
        title = score.metadata.bestTitle
    return {"format": "musicxml", "title": str(title) if title else None, "tempos": [list(t) for t in tempos],
            "time_signatures": sorted(signatures), "keys": sorted(keys, key=lambda k: k[0]), "pickup": max(0, pickup),
            "tracks": tracks, "chords": chords, "warnings": warnings}
