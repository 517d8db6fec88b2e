"""Hostile MusicXML and .mxl files for the import corpus (see make_hostile_corpus.py)."""
import io
import random
import struct
import zipfile


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
