"""Everything a researcher takes away leaves through here, pseudonymous (docs/research-log.md).

``download`` makes one `Pseudonyms` for the pieces and hands it to the file's builder, which has
no other way to learn who is who; views.py and ``manage.py export_study`` send or write only what
``download`` returns. A new kind of file is a new entry in FILES, and
tests/research/test_downloads.py searches every research download for every member's name,
username and email. (The history page's own JSON, drawn in the browser for members who see each
other's names in the room anyway, is not a download.)
"""
import json
from collections.abc import Callable
from dataclasses import dataclass

from .archive import pseudonymous_analytics, study_archive
from .export import analytics_csv, research_rows, to_csv, to_jsonl
from .pseudonyms import Pseudonyms


@dataclass(frozen=True)
class File:
    content_type: str
    build: Callable[[list[int], Pseudonyms], str | bytes]


def _events_jsonl(piece_ids: list[int], pseudonyms: Pseudonyms) -> str:
    return to_jsonl(research_rows(piece_ids, pseudonyms))


def _events_csv(piece_ids: list[int], pseudonyms: Pseudonyms) -> str:
    return to_csv(research_rows(piece_ids, pseudonyms))


def _analytics(piece_ids: list[int], pseudonyms: Pseudonyms) -> dict:
    return pseudonymous_analytics(piece_ids, pseudonyms, piece_id=piece_ids[0] if len(piece_ids) == 1 else None)


def _analytics_json(piece_ids: list[int], pseudonyms: Pseudonyms) -> str:
    return json.dumps(_analytics(piece_ids, pseudonyms), indent=1)


def _analytics_csv(piece_ids: list[int], pseudonyms: Pseudonyms) -> str:
    return analytics_csv(_analytics(piece_ids, pseudonyms))


FILES = {
    "events.jsonl": File("application/x-ndjson; charset=utf-8", _events_jsonl),
    "events.csv": File("text/csv; charset=utf-8", _events_csv),
    "analytics.json": File("application/json; charset=utf-8", _analytics_json),
    "analytics.csv": File("text/csv; charset=utf-8", _analytics_csv),
    "study.zip": File("application/zip", study_archive),
}


@dataclass(frozen=True)
class Download:
    body: bytes
    content_type: str
    filename: str


def download(kind: str, piece_ids, *, filename: str) -> Download:
    """File ``kind`` (a key of FILES) of these pieces, with every person in it a pseudonym."""
    piece_ids = sorted(set(piece_ids))
    file = FILES[kind]
    body = file.build(piece_ids, Pseudonyms(piece_ids))
    return Download(body if isinstance(body, bytes) else body.encode(), file.content_type, filename)
