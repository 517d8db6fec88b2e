"""Generate a corpus of broken and hostile MIDI, MusicXML and .mxl files, deterministically.

    python tests/interop/make_hostile_corpus.py OUTDIR

writes the files and ``manifest.json`` ([{"file", "kind", "expect", "why"}]). ``expect`` is
``refuse`` (the importer must refuse it with a clear message), ``import`` (benign: it must import)
or ``either`` (random mutations of valid files: refused clearly or imported, never anything else).
Nothing here imports Django or the studio; the corpus is generated at test time, never committed.
"""
import io
import json
import random
import struct
import sys
import zipfile
from pathlib import Path

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
    for division in (0, 0xE728, 0x8000, 0xE250, 9601, 32767, 65535):  # 0xE728: SMPTE -25 fps, 40 ticks
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


# -- MusicXML and .mxl ----------------------------------------------------------------------------

DOCTYPE = ('<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" '
           '"http://www.musicxml.org/dtds/partwise.dtd">')


def score(body_notes=None, divisions="1", doctype=DOCTYPE, title="Corpus", extra="") -> str:
    body_notes = body_notes or ('<note><pitch><step>C</step><octave>4</octave></pitch><duration>4</duration>'
                                '<type>whole</type></note>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n<score-partwise version="4.0">'
            f'<work><work-title>{title}</work-title></work>{extra}'
            '<part-list><score-part id="P1"><part-name>Voice</part-name></score-part></part-list>'
            f'<part id="P1"><measure number="1"><attributes><divisions>{divisions}</divisions>'
            '<time><beats>4</beats><beat-type>4</beat-type></time></attributes>'
            f'{body_notes}</measure></part></score-partwise>\n')


LAUGHS = ('<!DOCTYPE score-partwise [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)) + ']>')


def mxl(entries, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of (name, data) entries; data may be a list of byte chunks (huge entries are streamed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
            info.compress_type = compression
            if isinstance(data, list):
                with archive.open(info, "w") as stream:
                    for part in data:
                        stream.write(part)
            else:
                archive.writestr(info, data)
    return buffer.getvalue()


def repeated(prefix: str, byte: bytes, count: int, suffix: str) -> list:
    """prefix + byte * count + suffix as chunks, without building the whole string."""
    block = byte * (1 << 20)
    chunks = [prefix.encode()] + [block] * (count >> 20) + [byte * (count & ((1 << 20) - 1)), suffix.encode()]
    return chunks


CONTAINER = ('<?xml version="1.0" encoding="UTF-8"?><container><rootfiles>'
             '<rootfile full-path="{path}" media-type="application/vnd.recordare.musicxml+xml"/>'
             '</rootfiles></container>')


def container(path="score.xml") -> tuple:
    return ("META-INF/container.xml", CONTAINER.format(path=path))


def lying_zip(real, claimed: int) -> bytes:
    """A zip whose headers claim ``claimed`` bytes for an entry that unpacks to more or less."""
    data = bytearray(mxl([container(), ("score.xml", real)]))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while True:
            start = data.find(signature, start)
            if start < 0:
                break
            name_length = struct.unpack_from("<H", data, start + (26 if signature == b"PK\x03\x04" else 28))[0]
            name_start = start + (30 if signature == b"PK\x03\x04" else 46)
            if bytes(data[name_start:name_start + name_length]) == b"score.xml":
                struct.pack_into("<I", data, start + offset, claimed)
            start += 4
    return bytes(data)


def xml_cases() -> list:
    cases = []

    def add(name, data, why, expect="refuse"):
        cases.append((name, data.encode("utf-8") if isinstance(data, str) else data, why, expect))

    valid = score()
    many_notes = "".join('<note><pitch><step>D</step><octave>4</octave></pitch><duration>1</duration>'
                         '<type>quarter</type></note>' for _ in range(4))
    # entity attacks
    add("billion-laughs.musicxml", valid.replace(DOCTYPE, LAUGHS).replace("Corpus", "&lol9;"), "billion laughs")
    add("billion-laughs-no-doctype-name.musicxml", LAUGHS.replace("score-partwise", "lolz") + "<lolz>&lol9;</lolz>",
        "billion laughs, other root")
    add("billion-laughs.mxl", mxl([container(), ("score.xml", valid.replace(DOCTYPE, LAUGHS).replace("Corpus", "&lol9;"))]),
        "billion laughs inside .mxl")
    add("billion-laughs-utf16.musicxml", valid.replace(DOCTYPE, LAUGHS).replace("Corpus", "&lol9;")
        .replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"), "billion laughs in UTF-16")
    big = "x" * 50_000
    add("quadratic-blowup.musicxml", valid.replace(DOCTYPE, f'<!DOCTYPE score-partwise [<!ENTITY a "{big}">]>')
        .replace("Corpus", "&a;" * 20_000), "quadratic blowup")
    add("xxe-file.musicxml", valid.replace(DOCTYPE, '<!DOCTYPE score-partwise [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
        .replace("Corpus", "&x;"), "external entity (file)")
    add("xxe-http.musicxml", valid.replace(DOCTYPE, '<!DOCTYPE score-partwise [<!ENTITY x SYSTEM "http://127.0.0.1:1/x">]>')
        .replace("Corpus", "&x;"), "external entity (http)")
    add("xxe-parameter.musicxml", valid.replace(DOCTYPE, '<!DOCTYPE score-partwise [<!ENTITY % p SYSTEM '
                                                '"http://127.0.0.1:1/p.dtd"> %p;]>'), "parameter entity")
    add("external-dtd-system.musicxml", valid.replace(DOCTYPE, '<!DOCTYPE score-partwise SYSTEM "file:///etc/passwd">'),
        "external DTD")
    add("external-dtd-http.musicxml", valid.replace(DOCTYPE, '<!DOCTYPE score-partwise SYSTEM "http://127.0.0.1:1/d">'),
        "external DTD over http")
    add("internal-subset-elements.musicxml", valid.replace(DOCTYPE, '<!DOCTYPE score-partwise [<!ELEMENT a ANY>]>'),
        "internal DTD subset")
    add("two-doctypes.musicxml", valid.replace(DOCTYPE, DOCTYPE + DOCTYPE), "two DOCTYPEs")
    add("doctype-public-then-subset.musicxml", valid.replace(DOCTYPE, DOCTYPE[:-1] + ' [<!ENTITY a "b">]>'),
        "public DOCTYPE with a subset")
    add("entity-in-container.mxl", mxl([("META-INF/container.xml", LAUGHS + "<container>&lol9;</container>"),
                                        ("score.xml", valid)]), "entities in container.xml")
    add("attlist.musicxml", valid.replace(DOCTYPE, "") + "<!ATTLIST a b CDATA 'c'>", "DTD declaration after root")
    # sizes
    head, tail = score(title="@@").split("@@")
    add("huge-single-element.mxl", mxl([container(), ("score.xml", repeated(head, b"A", 100_000_000, tail))]),
        "100 MB single element, compressed")
    add("huge-title-benign.musicxml", score(title="T" * 1_500_000), "1.5 MB title, under the upload limit", "import")
    add("over-upload-limit.musicxml", score(extra="<!-- " + "p" * 3_000_000 + " -->"), "3 MB upload")
    add("zip-bomb-ratio.mxl", mxl([container(), ("score.xml", repeated(valid, b" ", 40_000_000, ""))]),
        "ratio ~1000 zip bomb")
    add("zip-bomb-total.mxl", mxl([container(), ("score.xml", valid)] +
                                  [(f"pad{i}.bin", repeated("", b"\0", 5_000_000, "")) for i in range(6)]),
        "too much unpacked in total")
    add("zip-bomb-lying-sizes.mxl", lying_zip(repeated(valid, b" ", 30_000_000, ""), 1000), "sizes lie (small claim)")
    add("zip-lying-larger.mxl", lying_zip(valid.encode(), 10_000_000), "sizes lie (large claim)")
    add("nested-zip.mxl", mxl([container(), ("score.xml", mxl([container(), ("score.xml", valid)]))]),
        "a zip inside the score entry")
    add("10000-entries.mxl", mxl([container(), ("score.xml", valid)] + [(f"e/{i}.txt", "") for i in range(10_000)]),
        "10,000 entries")
    add("33-entries.mxl", mxl([container(), ("score.xml", valid)] + [(f"e{i}.txt", "") for i in range(31)]),
        "33 entries")
    deep = "<a>" * 100_000 + "</a>" * 100_000
    add("deep-nesting.musicxml", score(extra=f"<miscellaneous>{deep}</miscellaneous>"), "100,000 levels deep")
    add("many-tags.musicxml", score(extra="<b/>" * 500_000), "500,000 stray tags", "either")
    # names inside the archive
    for index, name in enumerate(("../score.xml", "../../../../etc/passwd", "/etc/passwd", "/score.xml",
                                  "C:/score.xml", "a/../../score.xml", "..\\score.xml", "ok/../score.xml")):
        add(f"traversal-{index}.mxl", mxl([container(name), (name, valid)]), f"unsafe name {name!r}")
    # containers
    add("missing-container-two-scores.mxl", mxl([("a.xml", valid), ("b.xml", valid)]), "no container, two XMLs")
    add("missing-container-no-score.mxl", mxl([("readme.txt", "hello")]), "no container, no XML")
    add("container-points-nowhere.mxl", mxl([container("missing.xml"), ("score.xml", valid)]), "rootfile missing")
    add("container-other-media.mxl", mxl([("META-INF/container.xml", CONTAINER.replace(
        "application/vnd.recordare.musicxml+xml", "application/pdf").format(path="score.pdf")),
        ("score.pdf", "%PDF")]), "container names no MusicXML")
    add("container-garbage.mxl", mxl([("META-INF/container.xml", b"\xff\xfe\x00garbage"), ("score.xml", valid)]),
        "container is not UTF-8")
    add("noteflight-dot-xml.mxl", mxl([(".xml", valid)]), "Noteflight's single entry named .xml", "import")
    add("no-mimetype-benign.mxl", mxl([container(), ("score.xml", valid)]), "plain valid .mxl", "import")
    add("single-entry-benign.mxl", mxl([("My Song.musicxml", valid)]), "single score, no container", "import")
    add("stored-benign.mxl", mxl([container(), ("score.xml", valid)], compression=zipfile.ZIP_STORED),
        "stored, not deflated", "import")
    add("bzip2.mxl", mxl([container(), ("score.xml", valid)], compression=zipfile.ZIP_BZIP2), "bzip2 compression")
    add("lzma.mxl", mxl([container(), ("score.xml", valid)], compression=zipfile.ZIP_LZMA), "lzma compression")
    encrypted = bytearray(mxl([container(), ("score.xml", valid)]))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := encrypted.find(signature, start)) >= 0:
            struct.pack_into("<H", encrypted, start + offset, 1)
            start += 4
    add("encrypted.mxl", bytes(encrypted), "encrypted entries")
    good_mxl = mxl([container(), ("score.xml", valid)])
    add("mxl-truncated-half.mxl", good_mxl[:len(good_mxl) // 2], "truncated zip")
    add("mxl-truncated-end.mxl", good_mxl[:-10], "zip without its end")
    add("mxl-only-signature.mxl", b"PK\x03\x04" + b"\0" * 30, "PK and nothing")
    corrupt = bytearray(good_mxl)
    start = corrupt.find(b"score.xml") + len("score.xml") + 5
    corrupt[start:start + 8] = b"\xde\xad\xbe\xef\xde\xad\xbe\xef"
    add("mxl-corrupt-deflate.mxl", bytes(corrupt), "corrupt compressed data")
    # not scores
    add("xhtml.musicxml", '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>hi</body></html>',
        "XHTML")
    add("svg.xml", '<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>', "SVG")
    add("opus.musicxml", '<?xml version="1.0"?><opus><title>x</title></opus>', "MusicXML opus")
    add("timewise.musicxml", '<?xml version="1.0"?><score-timewise version="4.0"><part-list/></score-timewise>',
        "timewise score")
    add("rss.xml", '<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "RSS")
    add("plain-element.xml", "<a/>", "one element")
    add("comment-only.xml", "<!-- nothing -->", "no root")
    add("container-as-score.musicxml", CONTAINER.format(path="x"), "a container, not a score")
    # divisions and numbers
    for value in ("0", "-1", "abc", "NaN", "", "1e400", "0.0", "-0"):
        add(f"divisions-{value or 'empty'}.musicxml", score(divisions=value), f"divisions {value!r}")
    # encodings
    add("encoding-utf7.musicxml", valid.replace('encoding="UTF-8"', 'encoding="UTF-7"'), "UTF-7 declared")
    add("not-utf8.musicxml", valid.encode("utf-8").replace(b"Corpus", b"\xff\xfe\xfd"), "invalid UTF-8")
    add("nul-bytes.musicxml", valid.replace("Corpus", "\x00\x00"), "NUL characters")
    add("latin1-benign.musicxml", valid.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace("Corpus", "Café")
        .encode("latin-1"), "Latin-1 declared and used", "import")
    add("utf16-benign.musicxml", valid.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
        "UTF-16 with a BOM", "import")
    # garbage and truncations
    rng = random.Random(4242)
    for index in range(12):
        add(f"garbage-{index:02d}.musicxml", b"<" + bytes(rng.randrange(256) for _ in range(rng.randint(10, 3000))),
            "random bytes after <")
    for index, cut in enumerate((60, 150, 300, 420, len(valid) - 30)):
        add(f"truncated-{index}.musicxml", valid[:cut], "cut mid-document")
    add("empty.musicxml", b"", "empty file")
    add("whitespace.musicxml", b"   \n\t  ", "only whitespace")
    add("unclosed-root.musicxml", valid.replace("</score-partwise>", ""), "root never closed")
    add("mismatched-tags.musicxml", valid.replace("</measure>", "</measures>"), "tags do not match")
    add("no-parts-benign-refusal.musicxml", '<?xml version="1.0"?><score-partwise version="4.0"><part-list/>'
                                            '</score-partwise>', "a score without parts")
    add("no-notes.musicxml", score(body_notes='<note><rest/><duration>4</duration></note>'), "only a rest")
    add("bad-pitch-step.musicxml", score(body_notes='<note><pitch><step>H</step><octave>4</octave></pitch>'
                                                    '<duration>4</duration></note>'), "step H")
    add("huge-octave.musicxml", score(body_notes='<note><pitch><step>C</step><octave>400</octave></pitch>'
                                                 '<duration>4</duration></note>'), "octave 400")
    add("huge-duration.musicxml", score(body_notes='<note><pitch><step>C</step><octave>4</octave></pitch>'
                                                   '<duration>99999999999</duration></note>'), "absurd duration")
    add("negative-duration.musicxml", score(body_notes='<note><pitch><step>C</step><octave>4</octave></pitch>'
                                                       '<duration>-4</duration></note>'), "negative duration", "either")
    add("benign-four-notes.musicxml", score(body_notes=many_notes), "four quarter notes", "import")
    add("xinclude.musicxml", score(extra='<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                         'href="file:///etc/passwd" parse="text"/>'), "XInclude (never processed)",
        "either")
    add("stylesheet-pi.musicxml", valid.replace(DOCTYPE, '<?xml-stylesheet href="http://127.0.0.1:1/x.xsl"?>' + DOCTYPE),
        "a stylesheet processing instruction (never fetched)", "import")
    add("namespaced-root.musicxml", '<?xml version="1.0"?><mx:score-partwise xmlns:mx="urn:x" version="4.0">'
                                    '</mx:score-partwise>', "prefixed root")
    add("timewise.mxl", mxl([container(), ("score.xml", '<?xml version="1.0"?><score-timewise version="4.0">'
                                                        '<part-list/></score-timewise>')]), "timewise inside .mxl")
    add("doctype-lowercase.musicxml", valid.replace("<!DOCTYPE", "<!doctype"), "lowercase doctype (not XML)")
    add("utf32.musicxml", valid.encode("utf-32"), "UTF-32 text")
    return cases


def generate(directory) -> list[dict]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    manifest = []
    for kind, cases in (("midi", midi_cases()), ("xml", xml_cases())):
        for name, data, why, expect in cases:
            (directory / name).write_bytes(data)
            manifest.append({"file": name, "kind": kind, "expect": expect, "why": why, "bytes": len(data)})
    names = [m["file"] for m in manifest]
    assert len(names) == len(set(names)), "duplicate corpus names"
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


if __name__ == "__main__":
    found = generate(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    print(f"{sum(m['kind'] == 'midi' for m in found)} MIDI and {sum(m['kind'] == 'xml' for m in found)} "
          "MusicXML/.mxl files")
