"""Checks on untrusted MusicXML and .mxl before any XML parser sees them. Pure stdlib.

The server runs these in its own process: they only decode text, search it and read a zip's
directory, in time and memory bounded by the input's size. They refuse entity declarations
(billion laughs, quadratic blowup), internal DTD subsets and DOCTYPEs that are not MusicXML's
public one (external entities), roots that are not a MusicXML score, ``divisions`` that are not
positive, and, for ``.mxl``: archives that are not zips, too many entries, absolute or ``..``
names, encrypted entries or other compression methods, declared sizes or ratios of a zip bomb, and
a missing container or score. The score entry is then unpacked with a byte budget, so a zip that
lies about its sizes stops at the budget. Whatever passes is parsed again, by a hardened expat and
music21, in the sandbox.
"""
import io
import re
import zipfile

from .midi_read import Refusal

MAX_XML_CHARS = 16 * 1024 * 1024  # an unpacked score
MAX_MXL_ENTRIES = 32
MAX_MXL_TOTAL = 24 * 1024 * 1024  # declared, all entries
MAX_RATIO = 100  # uncompressed / compressed, per entry over RATIO_FLOOR
RATIO_FLOOR = 64 * 1024
MAX_TAGS = 2_000_000
CONTAINER_MAX = 64 * 1024
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "us-ascii": "ascii", "ascii": "ascii", "iso-8859-1": "latin-1",
             "latin-1": "latin-1", "latin1": "latin-1", "windows-1252": "cp1252", "cp1252": "cp1252",
             "utf-16": "utf-16"}
MUSICXML_MEDIA = "application/vnd.recordare.musicxml+xml"
_DECLARATION = re.compile(r"^<\?xml[^>]{0,200}?\?>")
_ENCODING = re.compile(rb"^<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']")
_DOCTYPE = re.compile(r"<!DOCTYPE\s+(score-partwise|score-timewise)\s+PUBLIC\s+(\"[^\"<>\[\]]{0,200}\"|'[^'<>\[\]]{0,200}')"
                      r"(\s+(\"[^\"<>\[\]]{0,300}\"|'[^'<>\[\]]{0,300}'))?\s*>")
_PROLOG_ITEM = re.compile(r"\s*(<\?[^>]{0,1000}?\?>|<!--.{0,100000}?-->|<!DOCTYPE[^>]{0,1000}>)", re.DOTALL)
_ROOT = re.compile(r"\s*<([A-Za-z_][A-Za-z0-9_.:-]{0,100})")
_DIVISIONS = re.compile(r"<divisions(?:\s[^>]{0,200})?>([^<]{0,100})</divisions\s*>")


def looks_like_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or data[:2] in (b"\xff\xfe", b"\xfe\xff")


def decode(data: bytes) -> str:
    """The XML as text: UTF-8 (the norm), UTF-16 with a byte-order mark, or a declared Latin encoding."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    elif data[:3] == b"\xef\xbb\xbf":
        encoding, data = "utf-8", data[3:]
    else:
        declared = _ENCODING.match(data[:300])
        name = declared.group(1).decode("ascii").lower() if declared else "utf-8"
        if name not in ENCODINGS:
            raise Refusal(f"the XML's encoding {name!r} is not supported; save it as UTF-8")
        encoding = ENCODINGS[name]
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise Refusal(f"the file is not valid {encoding.upper()} text") from None


def check_xml(data: bytes) -> str:
    """Refuse unsafe or non-score XML; return the score as UTF-8-declared text for the sandbox."""
    if len(data) > MAX_XML_CHARS * 2:
        raise Refusal(f"the score is larger than {MAX_XML_CHARS // (1024 * 1024)} MiB", "too_large")
    text = decode(data)
    if len(text) > MAX_XML_CHARS:
        raise Refusal(f"the score is larger than {MAX_XML_CHARS // (1024 * 1024)} MiB of text", "too_large")
    if "\x00" in text:
        raise Refusal("the XML contains NUL characters (corrupt or not text)")
    if "<!ENTITY" in text:
        raise Refusal("the XML declares entities (<!ENTITY ...>); they are refused because entity expansion is how "
                      "'billion laughs' and external-entity attacks work, and MusicXML does not need them")
    doctypes = text.count("<!DOCTYPE")
    if doctypes > 1:
        raise Refusal("the XML has more than one DOCTYPE")
    if doctypes == 1 and not _DOCTYPE.search(text):
        raise Refusal("the XML's DOCTYPE is not MusicXML's public one (a DTD with its own declarations, or one "
                      "loaded from a file or URL, is refused)")
    for marker in ("<!ELEMENT", "<!ATTLIST", "<!NOTATION"):
        if marker in text:
            raise Refusal(f"the XML contains DTD declarations ({marker} ...); they are refused")
    if text.count("<") > MAX_TAGS:
        raise Refusal(f"the XML has more than {MAX_TAGS:,} tags", "too_large")
    body = _DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
    position = 0
    while True:
        item = _PROLOG_ITEM.match(body, position)
        if not item:
            break
        position = item.end()
    root = _ROOT.match(body, position)
    if not root:
        raise Refusal("this is not a MusicXML score: no root element found")
    if root.group(1) == "score-timewise":
        raise Refusal("timewise MusicXML is not supported; export the score as partwise MusicXML (the default of "
                      "MuseScore, Finale, Sibelius and Dorico)")
    if root.group(1) != "score-partwise":
        raise Refusal(f"this XML is not a MusicXML score: its root element is <{root.group(1)[:40]}>, "
                      "not <score-partwise>")
    for match in _DIVISIONS.finditer(body):
        value = match.group(1).strip()
        try:
            number = float(value)
        except ValueError:
            number = 0.0
        if not 0 < number <= 1_000_000 or number != number:
            raise Refusal(f"the score's <divisions> is {value[:20]!r}; it must be a positive number (corrupt file)")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _safe_name(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return False
    return ".." not in name.split("/")


def check_mxl(data: bytes) -> tuple[str, str]:
    """(entry name, checked score text) of a compressed MusicXML archive, or Refusal."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as error:
        raise Refusal(f"not a valid .mxl archive (zip): {str(error)[:100]}") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_MXL_ENTRIES:
            raise Refusal(f"the .mxl archive has {len(entries):,} entries; at most {MAX_MXL_ENTRIES} are accepted")
        total = 0
        for info in entries:
            if not _safe_name(info.filename):
                raise Refusal(f"the .mxl archive has an unsafe entry name {info.filename[:80]!r} "
                              "(absolute, or going up with '..')")
            if info.flag_bits & 0x1:
                raise Refusal("the .mxl archive is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise Refusal(f"the .mxl archive uses compression method {info.compress_type}; only stored and "
                              "deflate are accepted")
            total += info.file_size
            if total > MAX_MXL_TOTAL:
                raise Refusal(f"the .mxl archive unpacks to more than {MAX_MXL_TOTAL // (1024 * 1024)} MiB",
                              "too_large")
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise Refusal(f"the .mxl entry {info.filename[:80]!r} would unpack {info.file_size // max(info.compress_size, 1):,} "
                              f"times its packed size (a zip bomb?); at most {MAX_RATIO} times is accepted")
        names = {info.filename: info for info in entries}
        name = _score_entry(archive, names)
        text = _read_limited(archive, names[name], MAX_XML_CHARS)
    return name, check_xml(text)


def _read_limited(archive, info, limit: int) -> bytes:
    chunks, size = [], 0
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(64 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise Refusal(f"the .mxl entry {info.filename[:80]!r} unpacks to more than "
                                  f"{limit // (1024 * 1024)} MiB", "too_large")
                chunks.append(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise Refusal(f"the .mxl archive is corrupt ({str(error)[:100]})") from None
    except Refusal:
        raise
    except Exception:  # zlib.error and friends
        raise Refusal("the .mxl archive's compressed data is corrupt") from None
    return b"".join(chunks)


def _score_entry(archive, names: dict) -> str:
    """The score's entry: META-INF/container.xml's first MusicXML rootfile, or the only XML entry
    (Noteflight names it just '.xml')."""
    if "META-INF/container.xml" in names:
        container = _read_limited(archive, names["META-INF/container.xml"], CONTAINER_MAX)
        try:
            text = container.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Refusal("the .mxl container (META-INF/container.xml) is not UTF-8") from None
        if "<!ENTITY" in text or "<!DOCTYPE" in text:
            raise Refusal("the .mxl container declares a DOCTYPE or entities; refused")
        for match in re.finditer(r"<rootfile\b([^>]{0,2000})>", text):
            attributes = dict(re.findall(r"([A-Za-z-]+)\s*=\s*\"([^\"]{0,1000})\"", match.group(1)))
            path, media = attributes.get("full-path"), attributes.get("media-type", MUSICXML_MEDIA)
            if path and media == MUSICXML_MEDIA:
                if path not in names:
                    raise Refusal(f"the .mxl container names {path[:80]!r}, which is not in the archive")
                return path
        raise Refusal("the .mxl container (META-INF/container.xml) names no MusicXML score")
    scores = [n for n in names if not n.startswith("META-INF/") and not n.endswith("/")
              and n.lower().endswith((".xml", ".musicxml"))]
    if len(scores) == 1:
        return scores[0]
    if not scores:
        raise Refusal("the .mxl archive has no META-INF/container.xml and no score (.xml or .musicxml) inside")
    raise Refusal("the .mxl archive has no META-INF/container.xml and several XML files; which is the score?")
