"""Broken and hostile MIDI files for the import corpus (see make_hostile_corpus.py)."""
import random
import struct


# -- MIDI -----------------------------------------------------------------------------------------


def vlq(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def header(fmt=1, tracks=1, division=480, length=6) -> bytes:
    return b"MThd" + struct.pack(">IHHH", length, fmt, tracks, division)


def chunk(body: bytes, name=b"MTrk", declared=None) -> bytes:
    return name + struct.pack(">I", len(body) if declared is None else declared) + body


def meta(kind: int, data: bytes, delta=0) -> bytes:
    return vlq(delta) + bytes([0xFF, kind]) + vlq(len(data)) + data


END = meta(0x2F, b"")


def notes(specs, channel=0, running=False) -> bytes:
    """specs: [(delta_on, pitch, velocity, length)] played one after another."""
    out, first = bytearray(), True
    for delta, pitch, velocity, length in specs:
        status = bytes([0x90 | channel]) if (first or not running) else b""
        out += vlq(delta) + status + bytes([pitch, velocity])
        out += vlq(length) + (bytes([0x90 | channel]) if not running else b"") + bytes([pitch, 0])
        first = False
    return bytes(out)


def conductor(tempo=500000, numerator=4, denominator_power=2) -> bytes:
    return (meta(0x03, b"Song") + meta(0x51, tempo.to_bytes(3, "big")) +
            meta(0x58, bytes([numerator, denominator_power, 24, 8])) + meta(0x59, bytes([1, 0])) + END)


def melody_track(rng, count=16, channel=0, program=0) -> bytes:
    body = meta(0x03, f"Track {channel + 1}".encode()) + bytes([0, 0xC0 | channel, program])
    body += notes([(rng.choice([0, 120, 240]), rng.randint(40, 90), rng.randint(30, 120), rng.choice([120, 240, 480]))
                   for _ in range(count)], channel)
    return chunk(body + END)


def valid_midi(seed: int, tracks=2) -> bytes:
    rng = random.Random(seed)
    return header(1, tracks + 1) + chunk(conductor()) + b"".join(
        melody_track(rng, 12 + seed % 20, channel=i, program=rng.randrange(128)) for i in range(tracks))


def _in_chunk_header(data: bytes, position: int) -> bool:
    start = 14
    while start + 8 <= len(data):
        if start <= position < start + 8:
            return True
        start += 8 + struct.unpack_from(">I", data, start + 4)[0]
    return False


def midi_cases() -> list:
    cases = []

    def add(name, data, why, expect="refuse"):
        cases.append((f"{name}.mid", data, why, expect))

    good = valid_midi(1)
    simple = header(1, 1) + chunk(notes([(0, 60, 90, 480)]) + END)
    # empty files and truncated headers
    for length in range(0, 14):
        add(f"header-truncated-{length:02d}", good[:length], "header cut short")
    for magic in (b"MThD", b"RIFF", b"MTrk", b"\x89PNG", b"hell", b"\0\0\0\0", b"MThd"[::-1]):
        add(f"bad-magic-{magic.hex()}", magic + good[4:], "not MThd")
    add("riff-rmid", b"RIFF" + struct.pack("<I", len(good) + 4) + b"RMID" + good, "RIFF MIDI")
    add("text-file", b"this is not a MIDI file at all\n" * 10, "text")
    # header fields
    for length in (0, 5, 2**32 - 1, 1000):
        add(f"header-length-{length}", header(length=length) + simple[14:], "header length")
    for fmt in (2, 3, 0xFFFF):
        add(f"format-{fmt}", header(fmt, 1) + simple[14:], "unsupported format")
    add("format0-two-tracks", header(0, 2) + simple[14:] * 2, "type 0 with 2 tracks")
    for tracks in (0, 65, 1000, 65535):
        add(f"declared-tracks-{tracks}", header(1, tracks) + simple[14:], "track count")
    add("1000-tracks", header(1, 1000) + chunk(notes([(0, 60, 90, 10)]) + END) * 1000, "1,000 tracks")
    add("64-tracks-of-notes", header(1, 64) + b"".join(
        chunk(bytes([0, 0xC0 | (i % 16), 0]) + notes([(0, 60, 90, 10)], i % 16) + END) for i in range(64)),
        "more tracks than a piece holds")
    for division in (0, 0xE728, 0x8000, 0xE250, 15361, 32767, 65535):  # 0xE728: SMPTE -25 fps, 40 ticks
        add(f"division-{division}", header(1, 1, division) + simple[14:], "tick rate")
    # chunk lengths
    for declared in (2**32 - 1, 2**31, 10**6, len(simple) - 14 + 1):
        add(f"track-declares-{declared}", header(1, 1) + chunk(simple[22:], declared=declared), "huge declared length")
    add("alien-chunks-100", header(1, 1) + chunk(b"x" * 10, b"XFIH") * 100 + simple[14:], "too many unknown chunks")
    add("alien-chunk-binary-name", header(1, 1) + chunk(b"x", b"\x00\xff\x01\x02") + simple[14:], "corrupt chunk id")
    add("missing-tracks", header(1, 3) + simple[14:], "fewer tracks than declared")
    # truncations of a valid file
    for cut in range(14, len(good) - 1, max(1, (len(good) - 15) // 40)):
        add(f"truncated-at-{cut:05d}", good[:cut], "cut mid-file")
    # variable-length numbers and lengths
    add("vlq-overflow-delta", header(1, 1) + chunk(b"\xff\xff\xff\xff\x7f\x90\x3c\x40" + END), "5-byte VLQ")
    add("vlq-overflow-meta-length", header(1, 1) + chunk(b"\x00\xff\x01\xff\xff\xff\xff\x7f" + b"a" * 10 + END),
        "5-byte VLQ length")
    add("meta-length-past-track", header(1, 1) + chunk(b"\x00\xff\x01" + vlq(10**6) + b"abc"), "meta too long")
    add("sysex-length-huge", header(1, 1) + chunk(b"\x00\xf0" + vlq(0x0FFFFFFF) + b"\x01\x02\xf7"), "sysex too long")
    add("mido-34gb-message", header(1, 1) + chunk(b"\x00\xff\x7f\x8f\xff\xff\xff\x00" + END), "34 GB message (mido#95)")
    # status bytes
    add("running-status-without-status", header(1, 1) + chunk(b"\x00\x3c\x40\x10\x3c\x00" + END), "no status")
    add("running-status-after-sysex", header(1, 1) + chunk(b"\x00\x90\x3c\x40\x00\xf0\x01\xf7\x10\x3c\x00" + END),
        "running status cancelled by sysex")
    add("data-byte-over-127", header(1, 1) + chunk(b"\x00\x90\xbc\x40" + END), "data byte > 127")
    for status in (0xF1, 0xF2, 0xF4, 0xF5, 0xF8, 0xFE):
        add(f"status-{status:02x}", header(1, 1) + chunk(b"\x00" + bytes([status, 0, 0]) + END), "system byte in a file")
    add("channel-message-cut", header(1, 1) + chunk(b"\x00\x90\x3c"), "message cut at track end")
    add("event-cut-after-delta", header(1, 1) + chunk(b"\x00\x90\x3c\x40\x10"), "delta then nothing")
    # sizes and times
    add("million-notes", header(1, 1) + chunk(b"\x00\x90\x3c\x5a\x01\x3c\x00" + b"\x00\x3c\x5a\x01\x3c\x00" * 999_999
                                              + END), "a million notes (over the upload limit)")
    add("300k-events", header(1, 1) + chunk(
        b"\x00\x90" + b"\x00\x3c\x00" * 300_000 + END), "more events than allowed")
    add("25k-notes", header(1, 1) + chunk(notes([(0, 30 + i % 60, 90, 1) for i in range(25_000)], running=True) + END),
        "more notes than a piece holds")
    add("max-tick-huge-deltas", header(1, 1) + chunk(
        b"".join(b"\xff\xff\xff\x7f\xff\x01\x01a" for _ in range(64)) + END), "events far in time")
    add("note-at-tick-1e8", header(1, 1) + chunk(vlq(10**8 % 0x0FFFFFFF) + b"\x90\x3c\x40\x00\x3c\x00" + END),
        "note too late")
    add("long-note-3000-bars", header(1, 1) + chunk(notes([(0, 60, 90, 480 * 4 * 3000)]) + END), "too many bars")
    add("no-notes", header(1, 1) + chunk(meta(0x03, b"empty") + END), "nothing to import")
    add("empty-track", header(1, 1) + chunk(b""), "empty track")
    # benign oddities that must import
    add("benign-unterminated-notes", header(1, 1) + chunk(b"\x00\x90\x3c\x40\x00\x40\x40\x83\x60\xff\x2f\x00"),
        "notes without note-off", "import")
    add("benign-running-status", header(1, 1) + chunk(notes([(0, 60 + i, 90, 120) for i in range(20)], running=True)
                                                      + END), "running status", "import")
    add("benign-bad-tempo-and-key", header(1, 1) + chunk(
        meta(0x51, b"\0\0\0") + meta(0x58, bytes([4, 200, 24, 8])) + meta(0x59, bytes([100, 5])) +
        notes([(0, 60, 90, 480)]) + END), "zero tempo, impossible meter and key metas", "import")
    add("benign-trailing-garbage", simple + b"\x00\x01garbage", "bytes after the last track", "import")
    add("benign-no-end-of-track", header(1, 1) + chunk(notes([(0, 62, 90, 480)])), "no end-of-track", "import")
    add("benign-type0", header(0, 1) + chunk(notes([(0, 60, 90, 240)], 0) + notes([(0, 40, 90, 480)], 1) + END),
        "type 0 with two channels", "import")
    add("benign-drums", header(1, 1) + chunk(notes([(0, 36, 100, 120), (120, 38, 100, 120)], 9) + END),
        "drum channel", "import")
    add("benign-tpb-96", header(1, 1, 96) + chunk(notes([(0, 60, 90, 96), (0, 64, 90, 48)]) + END),
        "96 ticks per quarter", "import")
    # random mutations of valid files: anywhere (flips, insertions, deletions), or byte flips inside
    # the tracks' events only (chunk headers intact), which more often still parse
    rng = random.Random(20261126)
    for index in range(110):
        source = valid_midi(100 + index % 7)
        data = bytearray(source)
        if index % 2:
            inside = [i for i in range(22, len(data)) if not _in_chunk_header(source, i)]
            for _ in range(rng.randint(1, 6)):
                data[rng.choice(inside)] = rng.randrange(256)
            add(f"mutation-{index:03d}", bytes(data), "random byte flips in events", "either")
            continue
        for _ in range(rng.randint(1, 8)):
            action = rng.random()
            position = rng.randrange(len(data))
            if action < 0.6:
                data[position] = rng.randrange(256)
            elif action < 0.8:
                data.insert(position, rng.randrange(256))
            elif len(data) > 20:
                del data[position]
        add(f"mutation-{index:03d}", bytes(data), "random byte mutations", "either")
    return cases
