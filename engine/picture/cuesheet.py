"""Cue sheets in and out: plain CSV or TSV with the columns timecode, label, kind.

Reading is all or nothing: `read_cue_sheet` returns every cue, or raises CueSheetError listing every bad
line with its line number and reason, and then no cue at all is returned.

What a sheet may be:
- UTF-8 (with or without a byte order mark) or UTF-16 with a byte order mark (Excel's "Unicode text");
  at most 1 MB and 1000 cues (a piece holds 1000); LF, CRLF or CR line ends.
- Separated by tabs, commas or semicolons: the first of those that splits the first non-empty line into
  three columns. In a semicolon sheet a drop-frame "00:01:00;02" is put back together.
- An optional header row first (e.g. "Timecode,Label,Kind"); empty lines (or only separators) are skipped;
  cells may be quoted ("Boom, loud"), with "" for a quote inside.
- timecode: anything `timecode.parse_time` accepts at the caller's frame rate (SMPTE or seconds);
  label: up to 80 characters, no control characters, may be empty; kind: hit, cadence, start or stop, in
  any case.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from engine.picture.timecode import MAX_US, format_seconds, format_us, parse_time, rate

KINDS = ("hit", "cadence", "start", "stop")
MAX_BYTES = 1_000_000
MAX_CUES = 1_000
MAX_LABEL = 80
MAX_PROBLEMS = 100  # reported one by one; the rest are counted
COLUMNS = ("timecode", "label", "kind")
HEADER_NAMES = ({"timecode", "time code", "time", "tc", "start", "in"}, {"label", "name", "cue", "description"},
                {"kind", "type"})
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # as composer_ui/op_schema.py refuses
_DF_PARTS = re.compile(r"[0-9]{1,2}([:;][0-9]{2}){3}")


@dataclass(frozen=True)
class Cue:
    time_us: int
    label: str
    kind: str


@dataclass(frozen=True)
class Problem:
    line: int | None  # 1-based line of the file; None for the file as a whole
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.reason}" if self.line is not None else self.reason


class CueSheetError(ValueError):
    """Every problem found; nothing was imported."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def read_cue_sheet(data, fps: str) -> list[Cue]:
    """Every cue of a sheet (bytes or text), in file order, or CueSheetError listing every bad line."""
    rate(fps)  # a bad rate is the caller's error, not the sheet's
    text = _decode(data)
    rows = list(_rows(text))
    if not rows:
        raise CueSheetError([Problem(None, "the sheet has no cues")])
    first = rows[0][1]
    if isinstance(first, list) and _is_header(first, fps):
        rows = rows[1:]
    cues, problems = [], []
    for line, row in rows:
        cue = _cue(row, fps)
        (cues if isinstance(cue, Cue) else problems).append(cue if isinstance(cue, Cue) else Problem(line, cue))
    if len(cues) > MAX_CUES:
        problems.append(Problem(None, f"{len(cues)} cues: a piece holds at most {MAX_CUES}"))
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        raise CueSheetError(problems[:MAX_PROBLEMS] + ([Problem(None, f"and {extra} more bad lines")] if extra > 0
                                                       else []))
    if not cues:
        raise CueSheetError([Problem(None, "the sheet has no cues")])
    return cues


def _decode(data) -> str:
    if isinstance(data, str):
        text = data
    elif isinstance(data, (bytes, bytearray)):
        if len(data) > MAX_BYTES:
            raise CueSheetError([Problem(None, f"the sheet is over {MAX_BYTES // 1_000_000} MB")])
        encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
        try:
            text = bytes(data).decode(encoding)
        except UnicodeDecodeError as e:
            line = bytes(data[:e.start]).count(b"\n") + 1
            name = "UTF-16" if encoding == "utf-16" else "UTF-8"
            raise CueSheetError([Problem(line, f"not {name} text: save the sheet as UTF-8 CSV or "
                                               "tab-separated text")]) from None
    else:
        raise TypeError("a cue sheet is bytes or str")
    if len(text) > MAX_BYTES:
        raise CueSheetError([Problem(None, f"the sheet is over {MAX_BYTES // 1_000_000} MB")])
    return text.removeprefix("\ufeff")


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip(" \t,;")), "")[:1000]  # enough to tell
    counts = {}
    for delimiter in ("\t", ",", ";"):
        try:
            row = _trim(next(csv.reader([first], delimiter=delimiter, skipinitialspace=True), []))
        except csv.Error:  # the line is unreadable whichever way it is cut; reading says so with its number
            row = []
        counts[delimiter] = len(_rejoin(row) if delimiter == ";" else row)
    return next((d for d, n in counts.items() if n == 3), next((d for d, n in counts.items() if n > 3), ","))


def _rows(text: str):
    """(line, cells) for each non-empty record, or (line, reason) where the CSV itself cannot be read."""
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield line, f"unreadable: {e}"
            continue
        row = _trim(row)
        if delimiter == ";":
            row = _rejoin(row)
        if any(cell.strip() for cell in row):
            yield line, row


def _trim(row: list[str]) -> list[str]:
    """Without the empty cells a spreadsheet leaves after the last column."""
    while row and not row[-1].strip():
        row = row[:-1]
    return row


def _rejoin(row: list[str]) -> list[str]:
    """In a semicolon sheet, "00:01:00;02" (or "00;01;00;02") was split at its drop-frame semicolons."""
    for parts in (2, 4):
        joined = ";".join(cell.strip() for cell in row[:parts])
        if len(row) >= parts + 2 and _DF_PARTS.fullmatch(joined):
            return [joined] + row[parts:]
    return row


def _is_header(row: list[str], fps: str) -> bool:
    names = [cell.strip().lower() for cell in row]
    if len(names) != 3 or not all(name in allowed for name, allowed in zip(names, HEADER_NAMES)):
        return False
    try:
        parse_time(row[0], fps)
    except ValueError:
        return True
    return False


def _cue(row, fps: str):
    """A Cue, or the reason the row is not one."""
    if isinstance(row, str):
        return row
    if len(row) != 3:
        return f"expected 3 columns ({', '.join(COLUMNS)}), found {len(row)}"
    time_text, label, kind = row[0], row[1].strip(), row[2].strip().lower()
    reasons = []
    try:
        time_us = parse_time(time_text, fps)
    except ValueError as e:
        reasons.append(str(e))
    if len(label) > MAX_LABEL:
        reasons.append(f"the label is longer than {MAX_LABEL} characters")
    elif UNPRINTABLE.search(label):
        reasons.append("the label contains control characters")
    if kind not in KINDS:
        shown = row[2].strip()[:20]
        reasons.append(f"the kind must be hit, cadence, start or stop, not {shown!r}")
    return "; ".join(reasons) if reasons else Cue(time_us, label, kind)


def write_cue_sheet(cues, fps: str, *, delimiter: str = ",", seconds: bool = False) -> str:
    """A sheet of `cues` (Cue or {time_us, label, kind}) sorted by time, with a header row. Timecode snaps
    each time to its nearest frame; `seconds=True` writes exact microseconds instead (1:02.250001)."""
    rate(fps)
    if delimiter not in ("\t", ",", ";"):
        raise ValueError("a cue sheet is separated by tabs, commas or semicolons")
    rows = []
    for cue in cues:
        time_us, label, kind = ((cue["time_us"], cue.get("label", ""), cue["kind"]) if isinstance(cue, dict)
                                else (cue.time_us, cue.label, cue.kind))
        if isinstance(time_us, bool) or not isinstance(time_us, int) or not 0 <= time_us <= MAX_US:
            raise ValueError(f"a cue's time is whole microseconds from 0 to 24 hours, not {time_us!r}")
        if kind not in KINDS or not isinstance(label, str) or len(label) > MAX_LABEL or UNPRINTABLE.search(label):
            raise ValueError(f"not a cue: {cue!r}")
        rows.append((time_us, label, kind))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(("time" if seconds else "timecode", "label", "kind"))
    for time_us, label, kind in sorted(rows, key=lambda r: r[0]):
        writer.writerow((format_seconds(time_us) if seconds else format_us(time_us, fps), label, kind))
    return out.getvalue()
