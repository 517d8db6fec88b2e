"""Reading Standard MIDI Files defensively. Pure stdlib, no MIDI library.

``scan`` walks every chunk and event of an untrusted file without building
anything, and refuses (``Refusal`` with a message for the user) what is
malformed or too big: a missing ``MThd``, format 2, SMPTE or absurd tick rates,
too many tracks, chunk lengths past the end of the file, variable-length
numbers over 4 bytes, running status with no status, bytes that are not MIDI,
too many events or notes, events too far in time. The server runs it before
spawning the sandbox; ``extract`` (run in the sandbox) walks the file again and
pairs note-ons with note-offs into notes at 480 ticks per quarter.
"""
import struct

from .midi_chords import chord_texts

TICKS_PER_QUARTER = 480
MAX_TRACKS = 64
MAX_EVENTS = 200_000
MAX_TICKS_PER_QUARTER = 15_360   # music21 writes 10,080; the highest a DAW offers is 15,360
MAX_TICK = 10_000_000  # at 480 per quarter, as op_schema.MAX_TICK
MAX_ALIEN_CHUNKS = 64


class Refusal(Exception):
    """The file is refused; ``str(error)`` says why, for the person who uploaded it."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.code = code


def _u32(data, pos):
    return struct.unpack_from(">I", data, pos)[0]


def _vlq(data, pos, end, where):
    value = 0
    for count in range(4):
        if pos >= end:
            raise Refusal(f"{where}: a number is cut off at the end of the track (the file is truncated or corrupt)")
        byte = data[pos]
        pos += 1
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos
    raise Refusal(f"{where}: a variable-length number runs over 4 bytes (corrupt file)")


def read_header(data: bytes) -> tuple[int, int, int, int]:
    """(format, declared tracks, ticks per quarter, offset of the first chunk), or Refusal."""
    if data[:4] == b"RIFF" and data[8:12] == b"RMID":
        raise Refusal("this is a RIFF MIDI (.rmi) file; save it as a Standard MIDI File (.mid)")
    if data[:4] != b"MThd":
        raise Refusal("not a MIDI file: it does not start with 'MThd'")
    if len(data) < 14:
        raise Refusal("the MIDI header is truncated")
    length = _u32(data, 4)
    if length < 6:
        raise Refusal(f"the MIDI header says it is {length} bytes long; it must be at least 6")
    if 8 + length > len(data):
        raise Refusal(f"the MIDI header declares {length} bytes but the file has only {len(data) - 8} after it")
    fmt, tracks, division = struct.unpack_from(">HHH", data, 8)
    if fmt == 2:
        raise Refusal("MIDI format 2 (independent patterns) is not supported; save as type 1 or type 0")
    if fmt not in (0, 1):
        raise Refusal(f"unknown MIDI format {fmt}; only types 0 and 1 are supported")
    if tracks == 0:
        raise Refusal("the MIDI file declares no tracks")
    if tracks > MAX_TRACKS:
        raise Refusal(f"the MIDI file declares {tracks} tracks; at most {MAX_TRACKS} are accepted")
    if fmt == 0 and tracks != 1:
        raise Refusal(f"a type 0 MIDI file has exactly one track; this one declares {tracks}")
    if division & 0x8000:
        raise Refusal("SMPTE (frames per second) timing is not supported; save with ticks per quarter note")
    if division == 0:
        raise Refusal("the MIDI file's time division is 0 ticks per quarter note (corrupt)")
    if division > MAX_TICKS_PER_QUARTER:
        raise Refusal(f"the MIDI file's time division is {division} ticks per quarter note; "
                      f"at most {MAX_TICKS_PER_QUARTER} are accepted")
    return fmt, tracks, division, 8 + length


def track_chunks(data: bytes, declared: int, start: int) -> tuple[list[tuple[int, int]], int]:
    """[(start, end)] of each MTrk's bytes, and how many bytes after the last one were ignored."""
    chunks, pos, alien = [], start, 0
    while len(chunks) < declared:
        if pos >= len(data):
            raise Refusal(f"the header announces {declared} tracks but the file holds only {len(chunks)} "
                          "(truncated?)")
        if len(data) - pos < 8:
            raise Refusal(f"track {len(chunks) + 1}'s header is cut off (the file is truncated)")
        name, length = data[pos:pos + 4], _u32(data, pos + 4)
        if pos + 8 + length > len(data):
            raise Refusal(f"chunk {name!r} at byte {pos} declares {length} bytes but only {len(data) - pos - 8} "
                          "remain: the file is truncated or corrupt")
        if name == b"MTrk":
            chunks.append((pos + 8, pos + 8 + length))
        elif not all(0x20 <= b < 0x7F for b in name):
            raise Refusal(f"corrupt chunk header at byte {pos} (expected 'MTrk')")
        else:
            alien += 1
            if alien > MAX_ALIEN_CHUNKS:
                raise Refusal(f"the file holds more than {MAX_ALIEN_CHUNKS} unknown chunks")
        pos += 8 + length
    return chunks, len(data) - pos


def iter_events(data: bytes, start: int, end: int, track_number: int):
    """Yield (delta, status, payload) for one MTrk: payload is the data bytes of a channel message, or
    (type, bytes) for a meta event, or None for sysex. Refusal on anything malformed."""
    pos, running = start, None
    while pos < end:
        where = f"track {track_number}, byte {pos}"
        delta, pos = _vlq(data, pos, end, where)
        if pos >= end:
            raise Refusal(f"{where}: an event is cut off at the end of the track")
        status = data[pos]
        if status < 0x80:
            if running is None:
                raise Refusal(f"{where}: running status with no previous status byte (corrupt file)")
            status = running
        else:
            pos += 1
        if status == 0xFF:
            if pos >= end:
                raise Refusal(f"{where}: a meta event is cut off")
            kind = data[pos]
            length, pos = _vlq(data, pos + 1, end, where)
            if pos + length > end:
                raise Refusal(f"{where}: a meta event declares {length} bytes, more than its track holds")
            yield delta, status, (kind, data[pos:pos + length])
            pos += length
            if kind == 0x2F:  # end of track: whatever follows is ignored
                return
        elif status in (0xF0, 0xF7):
            length, pos = _vlq(data, pos, end, where)
            if pos + length > end:
                raise Refusal(f"{where}: a system exclusive message declares {length} bytes, more than its "
                              "track holds")
            pos += length
            running = None
            yield delta, status, None
        elif status >= 0xF0:
            raise Refusal(f"{where}: byte 0x{status:02X} is not allowed in a MIDI file")
        else:
            size = 1 if status & 0xF0 in (0xC0, 0xD0) else 2
            if pos + size > end:
                raise Refusal(f"{where}: a channel message is cut off")
            payload = data[pos:pos + size]
            if any(b > 0x7F for b in payload):
                raise Refusal(f"{where}: a data byte is over 127 (corrupt file)")
            pos += size
            running = status
            yield delta, status, payload


def scan(data: bytes, *, max_notes: int = 20_000, max_events: int = MAX_EVENTS, max_tick: int = MAX_TICK) -> dict:
    """Walk the whole file; return its shape, or raise Refusal. Allocates nothing per event."""
    fmt, declared, division, start = read_header(data)
    chunks, trailing = track_chunks(data, declared, start)
    limit = max_tick * division // TICKS_PER_QUARTER  # in the file's ticks
    events = notes = last = 0
    for number, (begin, end) in enumerate(chunks, 1):
        tick = 0
        for delta, status, payload in iter_events(data, begin, end, number):
            tick += delta
            if tick > limit:
                raise Refusal(f"track {number} has an event at quarter note {tick // division:,}; "
                              f"the studio holds pieces up to {max_tick // TICKS_PER_QUARTER:,} quarter notes")
            events += 1
            if events > max_events:
                raise Refusal(f"the file holds more than {max_events:,} MIDI events", "too_large")
            if status & 0xF0 == 0x90 and status < 0xF0 and payload[1] > 0:
                notes += 1
                if notes > max_notes:
                    raise Refusal(f"the file holds more than {max_notes:,} notes, the most a piece may have",
                                  "too_large")
        last = max(last, tick)
    return {"format": fmt, "tracks": declared, "ticks_per_quarter": division, "events": events, "notes": notes,
            "last_tick": last, "trailing_bytes": trailing}


def _text(raw: bytes, limit: int = 80) -> str:
    text = raw.decode("utf-8", "replace") if _is_utf8(raw) else raw.decode("latin-1")
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:limit]


SMPTE_RATES = (24, 25, 29.97, 30)  # the rate code in bits 5-6 of an SMPTE offset's hours byte
MAX_MARKERS = 1_000


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _key_name(sf: int, minor: int) -> str | None:
    from .keys import key_name

    if not -7 <= sf <= 7 or minor not in (0, 1):
        return None
    return key_name(sf, "minor" if minor else "major")


def extract(data: bytes, *, max_notes: int = 20_000, max_events: int = MAX_EVENTS, max_tick: int = MAX_TICK) -> dict:
    """The file's notes and global settings at 480 ticks per quarter, as the importer's neutral score.

    Notes pair first-in first-out per (track, channel, pitch); a type 0 file is split by channel. The
    first volume (CC 7) and pan (CC 10) of a track's channel become its ``volume`` and ``pan``.
    """
    shape = scan(data, max_notes=max_notes, max_events=max_events, max_tick=max_tick)
    fmt, division = shape["format"], shape["ticks_per_quarter"]
    _, declared, _, start = read_header(data)
    chunks, trailing = track_chunks(data, declared, start)

    def scale(tick):
        return (tick * TICKS_PER_QUARTER + division // 2) // division

    warnings = []
    if trailing:
        warnings.append(f"ignored {trailing} bytes after the last track")
    if division != TICKS_PER_QUARTER:
        warnings.append(f"the file has {division} ticks per quarter note; times were converted to 480")
    tempos, signatures, keys, groups, texts, markers, smpte = [], [], [], {}, [], [], None
    names, channel_names, programs, levels = {}, {}, {}, {}
    stray_offs = zero_length = unterminated = late_programs = 0
    for number, (begin, end) in enumerate(chunks):
        tick, prefix, open_notes = 0, None, {}
        for delta, status, payload in iter_events(data, begin, end, number + 1):
            tick += delta
            if status == 0xFF:
                kind, raw = payload
                if kind == 0x51 and len(raw) == 3:
                    micros = int.from_bytes(raw, "big")
                    if micros:
                        tempos.append([scale(tick), 60_000_000 / micros])
                elif kind == 0x58 and len(raw) >= 2:
                    if raw[1] <= 5 and raw[0] >= 1:
                        signatures.append([scale(tick), raw[0], 2 ** raw[1]])
                    else:
                        warnings.append("ignored an impossible time signature")
                elif kind == 0x59 and len(raw) == 2:
                    name = _key_name(raw[0] - 256 if raw[0] > 127 else raw[0], raw[1])
                    if name:
                        keys.append([scale(tick), name])
                elif kind == 0x06 and raw and len(markers) < MAX_MARKERS:
                    markers.append([scale(tick), _text(raw, 200)])
                elif kind == 0x54 and len(raw) == 5 and smpte is None and tick == 0:
                    smpte = [raw[0] & 0x1F, raw[1], raw[2], raw[3], raw[4], SMPTE_RATES[(raw[0] >> 5) & 3]]
                elif kind == 0x20 and len(raw) == 1:
                    prefix = raw[0] & 0x0F
                elif kind == 0x01 and raw and len(texts) < MAX_EVENTS:
                    texts.append((number, scale(tick), _text(raw)))
                elif kind in (0x03, 0x04) and raw:
                    text = _text(raw)
                    if text and prefix is not None:
                        channel_names.setdefault((number if fmt == 1 else 0, prefix), text)
                    elif text and kind == 0x03:
                        names.setdefault(number, text)
                continue
            if payload is None:  # sysex
                continue
            kind, channel = status & 0xF0, status & 0x0F
            group = (number if fmt == 1 else 0, channel)
            if kind == 0xB0 and payload[0] in (7, 10):  # the first volume and pan of each track and channel
                levels.setdefault(group, {}).setdefault("volume" if payload[0] == 7 else "pan", payload[1])
            elif kind == 0xC0:
                if group in programs and group in groups:
                    late_programs += 1
                else:
                    programs[group] = payload[0]
            elif kind == 0x90 and payload[1] > 0:
                open_notes.setdefault((channel, payload[0]), []).append((tick, payload[1]))
            elif kind == 0x80 or kind == 0x90:
                queue = open_notes.get((channel, payload[0]))
                if not queue:
                    stray_offs += 1
                    continue
                begin_tick, velocity = queue.pop(0)
                start_480, end_480 = scale(begin_tick), scale(tick)
                if end_480 <= start_480:
                    if tick == begin_tick:
                        zero_length += 1
                        continue
                    end_480 = start_480 + 1
                groups.setdefault(group, []).append([start_480, end_480 - start_480, payload[0], velocity])
        for (channel, pitch), queue in open_notes.items():
            for begin_tick, velocity in queue:
                unterminated += 1
                start_480 = scale(begin_tick)
                end_480 = max(scale(tick), start_480 + TICKS_PER_QUARTER)
                groups.setdefault((number if fmt == 1 else 0, channel), []).append(
                    [start_480, end_480 - start_480, pitch, velocity])
    if stray_offs:
        warnings.append(f"ignored {stray_offs} note-offs with no note sounding")
    if zero_length:
        warnings.append(f"dropped {zero_length} notes of zero length")
    if unterminated:
        warnings.append(f"{unterminated} notes never ended; they end with their track")
    if late_programs:
        warnings.append(f"ignored {late_programs} program changes after a track's first note")
    per_track_channels = {}
    for track, channel in groups:
        per_track_channels.setdefault(track, []).append(channel)
    tracks = []
    for (track, channel) in sorted(groups):
        base = channel_names.get((track, channel)) or (names.get(track) if fmt == 1 else None)
        if base and fmt == 1 and len(per_track_channels[track]) > 1 and (track, channel) not in channel_names:
            base = f"{base} (channel {channel + 1})"
        name = base or ("Drums" if channel == 9 else f"Channel {channel + 1}" if fmt == 0 else f"Track {track + 1}")
        notes = sorted(groups[(track, channel)], key=lambda n: (n[0], n[2], n[1]))
        tracks.append({"name": name, "program": programs.get((track, channel), 0), "channel": channel,
                       "drum": channel == 9, "notes": notes, **levels.get((track, channel), {})})
    chords, unread = chord_texts(texts, names, fmt)
    if unread:
        warnings.append(f"{unread} text event{'s' if unread > 1 else ''} in the Chords track could not be read as "
                        "chord symbols and were left out")
    title = None
    if fmt == 1 and 0 in names and not any(t == 0 for t, _ in groups):
        title = names[0]
    elif fmt == 0 and 0 in names:
        title = names[0]
    return {"format": "midi", "midi_type": fmt, "source_ticks_per_quarter": division, "title": title,
            "tempos": sorted(tempos), "markers": sorted(markers, key=lambda m: m[0]), "smpte_offset": smpte,
            "time_signatures": sorted(signatures), "keys": sorted(keys, key=lambda k: k[0]),
            "pickup": 0, "tracks": tracks, "chords": chords, "warnings": warnings}
