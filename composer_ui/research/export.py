"""Research exports: the history as JSON Lines and CSV, pseudonymous (docs/research-log.md)."""
import csv
import io
import json

from ..models import GenerationJob
from .pseudonyms import Pseudonyms
from .timeline import latency_ms, piece_history, proposal_of

SCHEMA_VERSION = 1
CSV_COLUMNS = ("schema", "piece", "seq", "time", "participant", "actor_kind", "event", "summary", "job", "model",
               "model_version", "model_checksum", "model_entry", "model_endpoint", "operation", "controls", "seed",
               "latency_ms", "payload")


def research_rows(piece_ids, pseudonyms: Pseudonyms | None = None):
    """One dict per history entry of each piece, in order: the schema of docs/research-log.md."""
    pseudonyms = pseudonyms or Pseudonyms(piece_ids)
    for piece_id in piece_ids:
        history = piece_history(piece_id=piece_id, with_ops=True)
        jobs = {j.pk: j for j in GenerationJob.objects.filter(piece_id=piece_id).select_related("proposal")}
        for entry in history["entries"]:
            yield row_of(piece_id, entry, jobs.get(entry["job_id"]), pseudonyms)


def row_of(piece_id: int, entry: dict, job, pseudonyms: Pseudonyms) -> dict:
    actor = entry["actor"]
    kind = actor.split(":", 1)[0]
    row = {"schema": SCHEMA_VERSION, "piece": piece_id, "seq": entry["seq"], "time": entry["at"],
           "participant": pseudonyms.key(actor)[5:] if kind == "user" else None,
           "actor_kind": kind if kind in ("user", "model") else "system", "event": entry["kind"],
           "summary": pseudonyms.scrub(entry["summary"]), "payload": pseudonyms.value(entry["details"])}
    if job is not None:
        row["generation"] = generation_of(job)
    return row


def generation_of(job) -> dict:
    proposal = proposal_of(job)
    return {"job": job.pk, "parent": job.parent_id, "model": job.model_name, "version": job.model_version,
            "checksum": job.model_checksum, "model_entry": job.model_entry, "endpoint": job.model_endpoint,
            "operation": job.operation, "tracks": job.tracks,
            "bars": [job.start_bar, job.end_bar], "controls": job.controls, "seed": job.seed,
            "candidates": job.num_candidates, "base_seq": job.base_seq, "status": job.status,
            "latency_ms": latency_ms(proposal) if proposal else None}


def to_jsonl(rows) -> str:
    return "".join(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n" for row in rows)


def to_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(v) for v in flat(row)])
    return out.getvalue()


def flat(row: dict) -> tuple:
    gen = row.get("generation") or {}
    return (row["schema"], row["piece"], row["seq"], row["time"], row["participant"] or "", row["actor_kind"],
            row["event"], row["summary"], gen.get("job", ""), gen.get("model", ""), gen.get("version", ""),
            gen.get("checksum", ""), gen.get("model_entry", ""), gen.get("endpoint", ""), gen.get("operation", ""),
            json.dumps(gen.get("controls")) if gen else "",
            gen.get("seed", ""), gen.get("latency_ms", ""), json.dumps(row["payload"], sort_keys=True))


def _cell(value):
    # A spreadsheet runs a cell that starts with = + - @ as a formula: quote it (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def analytics_csv(summary: dict) -> str:
    """The analytics as long-format rows: section, key, name, metric, value."""
    names = {a["key"]: _cell(a["name"]) for a in summary["actors"]}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("section", "key", "name", "metric", "value"))
    for row in summary["notes_by_author"]:
        for metric in ("written", "final"):
            writer.writerow(("notes_by_author", row["actor"], names.get(row["actor"], ""), metric, row[metric]))
    for row in summary["bars_by_author"]:
        writer.writerow(("bars_by_author", row["actor"], names.get(row["actor"], ""), "bars", row["bars"]))
    for metric, value in summary["ai_notes"].items():
        writer.writerow(("ai_notes", "", "", metric, "" if value is None else value))
    for group, rows in summary["acceptance"].items():
        for row in rows:
            for metric in ("proposals", "accepted", "rejected", "undecided", "rate"):
                writer.writerow((f"acceptance_{group}", row["key"], names.get(row["key"], ""), metric,
                                 "" if row[metric] is None else row[metric]))
    for metric in ("count", "median", "mean"):
        value = summary["decision_seconds"][metric]
        writer.writerow(("decision_seconds", "", "", metric, "" if value is None else value))
    for n, count in summary["auditioned_before_accept"]["histogram"].items():
        writer.writerow(("auditioned_before_accept", n, "", "accepts", count))
    return out.getvalue()
