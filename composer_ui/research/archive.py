"""A study archive: several pieces' histories, analytics and snapshots in one zip, pseudonymous."""
import csv
import io
import json
import zipfile

from .. import selectors
from ..interop.midi_export import to_midi
from ..interop.musicxml_export import to_musicxml
from ..models import Membership, Piece
from .analytics import piece_facts, summarize
from .export import SCHEMA_VERSION, research_rows, to_csv, to_jsonl
from .pseudonyms import Pseudonyms

README = """Study archive of the co-composition studio (research log schema {schema}).

events.jsonl      one JSON object per history entry of every piece (docs/research-log.md)
events.csv        the same, flattened
participants.csv  pseudonym, piece, role: no names, emails or addresses anywhere in this archive
pieces.json       each piece's pseudonymous title, bars, tracks and final seq
analytics.json    contribution and decision analytics across the pieces
snapshots/        the piece as MIDI and MusicXML at every accept and reject decision
"""


def study_archive(piece_ids) -> bytes:
    piece_ids = sorted(set(piece_ids))
    pseudonyms = Pseudonyms(piece_ids)
    rows = list(research_rows(piece_ids, pseudonyms))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(schema=SCHEMA_VERSION))
        archive.writestr("events.jsonl", to_jsonl(rows))
        archive.writestr("events.csv", to_csv(rows))
        archive.writestr("participants.csv", _participants(piece_ids, pseudonyms))
        archive.writestr("pieces.json", json.dumps(_pieces(piece_ids, pseudonyms), indent=1))
        archive.writestr("analytics.json", json.dumps(pseudonymous_analytics(piece_ids, pseudonyms), indent=1))
        for path, data in decision_snapshots(rows, pseudonyms):
            archive.writestr(path, data)
    return buffer.getvalue()


def pseudonymous_analytics(piece_ids, pseudonyms: Pseudonyms) -> dict:
    summary = summarize([piece_facts(p) for p in piece_ids])
    for actor in summary["actors"]:
        if actor["kind"] == "user":
            actor["name"] = pseudonyms.key(actor["key"])[5:]
    # Rekey every "user:<id>" to "user:<pseudonym>" wherever it appears.
    return json.loads(json.dumps(summary), object_hook=lambda d: _rekey(d, pseudonyms))


def decision_snapshots(rows, pseudonyms: Pseudonyms):
    """(path, bytes) for the piece as it was right after each accept or reject."""
    names = pseudonyms.names()
    for row in rows:
        if row["event"] not in ("accept", "reject"):
            continue
        state = _scrubbed(selectors.state_at(piece_id=row["piece"], seq=row["seq"]), pseudonyms)
        stem = f"snapshots/piece-{row['piece']}/seq-{row['seq']:05d}-{row['event']}-job-{row['generation']['job']}"
        yield f"{stem}.mid", to_midi(state, names=names, seq=row["seq"])
        yield f"{stem}.musicxml", to_musicxml(state, names, seq=row["seq"])


def _scrubbed(state: dict, pseudonyms: Pseudonyms) -> dict:
    piece = {**state["piece"], "title": pseudonyms.scrub(state["piece"]["title"])}
    tracks = [{**t, "name": pseudonyms.scrub(t["name"])} for t in state["tracks"]]
    cues = {i: {**c, "label": pseudonyms.scrub(c["label"])} for i, c in state.get("cues", {}).items()}
    return {**state, "piece": piece, "tracks": tracks, "cues": cues}


def _participants(piece_ids, pseudonyms: Pseudonyms) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("participant", "piece", "role"))
    for m in Membership.objects.filter(piece_id__in=piece_ids).order_by("piece_id", "joined_at", "pk"):
        writer.writerow((pseudonyms.of(m.user_id), m.piece_id, m.role))
    return out.getvalue()


def _pieces(piece_ids, pseudonyms: Pseudonyms) -> list[dict]:
    out = []
    for piece in Piece.objects.filter(pk__in=piece_ids).order_by("pk"):
        _, state = selectors.piece_state(piece_id=piece.pk)
        out.append({"piece": piece.pk, "title": pseudonyms.scrub(piece.title), "head_seq": piece.head_seq,
                    "bars": state["piece"]["bars"], "time_signature": state["piece"]["time_signature"],
                    "tracks": [pseudonyms.scrub(t["name"]) for t in state["tracks"]],
                    "owner": pseudonyms.of(piece.owner_id)})
    return out


def _rekey(d: dict, pseudonyms: Pseudonyms) -> dict:
    for field in ("key", "actor"):
        if isinstance(d.get(field), str):
            d[field] = pseudonyms.key(d[field])
    return d
