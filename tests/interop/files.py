"""Small valid MIDI and MusicXML files for the import tests, built with mido and by hand."""
import io

import mido


def midi_bytes(tracks, *, ticks_per_beat=480, tempos=((0, 120),), time_signatures=((0, 4, 4),), key="C",
               midi_type=1, conductor_name="Test song"):
    """``tracks``: [(name, channel, program, [(start, duration, pitch, velocity)])] in the file's ticks."""
    midi = mido.MidiFile(type=midi_type, ticks_per_beat=ticks_per_beat)
    conductor = [(0, 0, mido.MetaMessage("track_name", name=conductor_name))]
    conductor += [(t, 1, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm))) for t, bpm in tempos]
    conductor += [(t, 1, mido.MetaMessage("time_signature", numerator=n, denominator=d))
                  for t, n, d in time_signatures]
    if key:
        conductor.append((0, 1, mido.MetaMessage("key_signature", key=key)))
    built = []
    for name, channel, program, notes in tracks:
        events = [(0, 0, mido.MetaMessage("track_name", name=name)),
                  (0, 1, mido.Message("program_change", channel=channel, program=program))]
        for start, duration, pitch, velocity in notes:
            events.append((start, 3, mido.Message("note_on", channel=channel, note=pitch, velocity=velocity)))
            events.append((start + duration, 2, mido.Message("note_off", channel=channel, note=pitch)))
        built.append(events)
    if midi_type == 0:
        built = [conductor + [e for events in built for e in events if e[2].type != "track_name"]]
    else:
        built = [conductor] + built
    for events in built:
        track, now = mido.MidiTrack(), 0
        for tick, _, message in sorted(events, key=lambda e: (e[0], e[1])):
            track.append(message.copy(time=tick - now))
            now = tick
        midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def simple_midi(notes=((0, 480, 60, 90), (480, 480, 64, 90), (960, 960, 67, 90)), **kwargs):
    return midi_bytes([("Piano", 0, 0, list(notes))], **kwargs)


PICKUP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 3.1 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">
<score-partwise version="3.1">
  <work><work-title>Pickup tune</work-title></work>
  <part-list><score-part id="P1"><part-name>Flute</part-name>
  <score-instrument id="P1-I1"><instrument-name>Flute</instrument-name></score-instrument>
  <midi-instrument id="P1-I1"><midi-channel>3</midi-channel><midi-program>74</midi-program></midi-instrument>
  </score-part></part-list>
  <part id="P1">
    <measure number="0" implicit="yes">
      <attributes><divisions>2</divisions><key><fifths>-1</fifths></key>
        <time><beats>3</beats><beat-type>4</beat-type></time></attributes>
      <direction><sound tempo="72"/></direction>
      <note><pitch><step>C</step><octave>5</octave></pitch><duration>2</duration><type>quarter</type></note>
    </measure>
    <measure number="1">
      <note><pitch><step>F</step><octave>5</octave></pitch><duration>4</duration><tie type="start"/><type>half</type></note>
      <note><pitch><step>F</step><octave>5</octave></pitch><duration>2</duration><tie type="stop"/><type>quarter</type></note>
    </measure>
    <measure number="2">
      <note><pitch><step>B</step><alter>-1</alter><octave>4</octave></pitch><duration>6</duration><type>half</type><dot/></note>
    </measure>
  </part>
</score-partwise>
"""
