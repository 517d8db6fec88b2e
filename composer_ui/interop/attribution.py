"""Who wrote what, in files: labels, AI-accepted regions and the contribution statement. Pure.

``names`` maps user ids to display names; authors it does not know are shown
as "user <id>". A note's ``author`` is who created it (a person, or a model
``name@version`` for accepted AI notes), ``accepted_by`` who accepted an AI
note, and ``human_edited`` says a person changed an AI note afterwards. The
author keys and bar numbers it shares with research/ live in ../attribution.py.
"""
from ..attribution import author_key, bar_of, bar_ranges

SCHEMA_VERSION = 1


def author_label(author: dict | None, names: dict) -> str:
    author = author or {"kind": "system"}
    if author.get("kind") == "user":
        return user_label(author.get("id"), names)
    if author.get("kind") == "model":
        return f"AI {author.get('name') or 'model'}"
    return "the studio"


def user_label(user_id, names: dict) -> str:
    if user_id is None:
        return "nobody"
    return names.get(user_id) or names.get(str(user_id)) or f"user {user_id}"


def accepted_by_id(note: dict):
    accepted = note.get("accepted_by")
    if isinstance(accepted, dict):
        return accepted.get("id")
    return accepted


def split_model_name(name: str) -> tuple[str, str]:
    """``gridcoco@1.0.0+2026`` -> (``gridcoco``, ``1.0.0+2026``)."""
    model, _, version = (name or "").rpartition("@")
    return (model, version) if model else (name or "", "")


def is_ai(note: dict) -> bool:
    return (note.get("author") or {}).get("kind") == "model"






def ordered_notes(state: dict) -> list:
    """Notes in a stable musical order: track order, then start, pitch, id."""
    order = {t["id"]: i for i, t in enumerate(state["tracks"])}
    return sorted(state["notes"].values(),
                  key=lambda n: (order.get(n["track"], len(order)), n["start"], n["pitch"], n["id"]))


def ai_regions(state: dict) -> list[dict]:
    """AI-accepted regions: notes grouped by (model, job, candidate, accepted_by), in time order.

    Each region has ``model``, ``job``, ``candidate``, ``accepted_by_id`` (a user id), ``tracks`` (ids
    in track order), ``start``/``end`` ticks, ``track_starts`` (where it starts in each track), ``bars``
    [first, last] (1-based), ``notes`` and ``edited`` (how many of its notes a person changed since).
    """
    piece, order = state["piece"], {t["id"]: i for i, t in enumerate(state["tracks"])}
    groups: dict[tuple, dict] = {}
    for note in state["notes"].values():
        if not is_ai(note):
            continue
        key = (note["author"].get("name", ""), note.get("job"), note.get("candidate"), accepted_by_id(note))
        region = groups.setdefault(key, {"model": key[0], "job": key[1], "candidate": key[2],
                                         "accepted_by_id": key[3], "tracks": set(), "start": note["start"],
                                         "end": note["start"] + note["duration"], "notes": 0, "edited": 0,
                                         "track_starts": {}})
        region["tracks"].add(note["track"])
        starts = region["track_starts"]
        starts[note["track"]] = min(starts.get(note["track"], note["start"]), note["start"])
        region["start"] = min(region["start"], note["start"])
        region["end"] = max(region["end"], note["start"] + note["duration"])
        region["notes"] += 1
        region["edited"] += bool(note.get("human_edited"))
    regions = []
    for region in groups.values():
        region["tracks"] = sorted(region["tracks"], key=lambda t: order.get(t, len(order)))
        region["bars"] = [bar_of(region["start"], piece), bar_of(max(region["start"], region["end"] - 1), piece)]
        regions.append(region)
    return sorted(regions, key=lambda r: (r["start"], str(r["job"]), r["model"]))


def region_label(region: dict, names: dict) -> str:
    """e.g. "AI gridcoco@1.0 job 31 accepted by Ana, bars 3-4"."""
    first, last = region["bars"]
    bars = f"bar {first}" if first == last else f"bars {first}-{last}"
    job = f" job {region['job']}" if region["job"] is not None else ""
    accepted = (f" accepted by {user_label(region['accepted_by_id'], names)}"
                if region["accepted_by_id"] is not None else "")
    edited = f" ({region['edited']} of {region['notes']} notes since edited by people)" if region["edited"] else ""
    return f"AI {region['model']}{job}{accepted}, {bars}{edited}"


def contribution(state: dict, names: dict, *, seq: int | None = None, jobs: dict | None = None,
                 imports: list | None = None) -> dict:
    """The contribution statement: notes and bars by author, the AI's share, models and versions.

    ``jobs`` ({job id: {"model", "version", "checksum", "operation", ...}}) and ``imports`` (the piece's
    import events) add detail when the caller has them; the statement is complete without them.
    """
    piece, notes = state["piece"], list(state["notes"].values())
    total = len(notes)
    by_author: dict[str, dict] = {}
    for note in notes:
        key = author_key(note.get("author"))
        entry = by_author.setdefault(key, {"author": note.get("author") or {"kind": "system"},
                                           "name": author_label(note.get("author"), names),
                                           "notes": 0, "_bars": set(), "_tracks": set()})
        entry["notes"] += 1
        entry["_bars"].add(bar_of(note["start"], piece))
        entry["_tracks"].add(note["track"])
        if is_ai(note):
            entry.setdefault("edited_by_people", 0)
            entry["edited_by_people"] += bool(note.get("human_edited"))
            entry.setdefault("_accepted_by", set()).add(accepted_by_id(note))
            if note.get("job") is not None:
                entry.setdefault("_jobs", set()).add(note["job"])
    track_names = {t["id"]: t["name"] for t in state["tracks"]}
    authors = []
    for entry in sorted(by_author.values(), key=lambda e: (-e["notes"], e["name"])):
        bars, tracks = entry.pop("_bars"), entry.pop("_tracks")
        entry["share"] = round(entry["notes"] / total, 4) if total else 0.0
        entry["bars"] = len(bars)
        entry["bar_ranges"] = bar_ranges(bars)
        entry["tracks"] = sorted(track_names.get(t, t) for t in tracks)
        if entry["author"].get("kind") == "model":
            model, version = split_model_name(entry["author"].get("name", ""))
            entry["model"], entry["version"] = model, version
            entry["accepted_by"] = sorted(user_label(u, names) for u in entry.pop("_accepted_by", set())
                                           if u is not None)
            entry["jobs"] = sorted(entry.pop("_jobs", set()), key=str)
        authors.append(entry)
    ai_notes = [n for n in notes if is_ai(n)]
    all_bars = {bar_of(n["start"], piece) for n in notes}
    ai_bars = {bar_of(n["start"], piece) for n in ai_notes}
    models = _models(ai_notes, jobs or {})
    statement = {
        "schema_version": SCHEMA_VERSION,
        "title": piece["title"],
        "seq": seq,
        "notes": total,
        "bars": piece["bars"],
        "bars_with_notes": len(all_bars),
        "authors": authors,
        "ai_share": {"notes": round(len(ai_notes) / total, 4) if total else 0.0,
                     "bars": round(len(ai_bars) / len(all_bars), 4) if all_bars else 0.0,
                     "ai_notes": len(ai_notes),
                     "ai_notes_edited_by_people": sum(bool(n.get("human_edited")) for n in ai_notes)},
        "models": models,
        "regions": [{**r, "label": region_label(r, names)} for r in ai_regions(state)],
        "imports": imports or [],
    }
    statement["text"] = statement_text(statement)
    return statement


def _models(ai_notes: list, jobs: dict) -> list[dict]:
    found: dict[str, dict] = {}
    for note in ai_notes:
        name = note["author"].get("name", "")
        model, version = split_model_name(name)
        entry = found.setdefault(name, {"name": model, "version": version, "notes": 0, "jobs": set()})
        entry["notes"] += 1
        if note.get("job") is not None:
            entry["jobs"].add(note["job"])
    models = []
    for entry in sorted(found.values(), key=lambda e: (e["name"], e["version"])):
        job_ids = sorted(entry.pop("jobs"), key=str)
        entry["jobs"] = job_ids
        details = [jobs[j] for j in job_ids if j in jobs]
        # What the jobs recorded: the weights (checksum), where the model ran and the studio's name for it.
        for key, field in (("checksums", "checksum"), ("endpoints", "endpoint"), ("entries", "model_entry")):
            values = sorted({d.get(field) for d in details if d.get(field)})
            if values:
                entry[key] = values
        operations = sorted({d.get("operation") for d in details if d.get("operation")})
        if operations:
            entry["operations"] = operations
        models.append(entry)
    return models


def statement_text(statement: dict) -> str:
    """One readable paragraph, for people and for the files' credits."""
    if not statement["notes"]:
        return f"\"{statement['title']}\" has no notes yet."
    parts = []
    for entry in statement["authors"]:
        share = f"{entry['share'] * 100:.1f}%"
        bars = f"in {entry['bars']} bar{'s' if entry['bars'] != 1 else ''}"
        if entry["author"].get("kind") == "model":
            accepted = f", accepted by {', '.join(entry['accepted_by'])}" if entry.get("accepted_by") else ""
            edited = (f"; people later edited {entry['edited_by_people']} of them"
                      if entry.get("edited_by_people") else "")
            parts.append(f"{entry['name']} (model {entry['model']}, version {entry['version'] or '?'}) "
                         f"wrote {_notes(entry['notes'])} ({share}) {bars}{accepted}{edited}")
        else:
            parts.append(f"{entry['name']} wrote {_notes(entry['notes'])} ({share}) {bars}")
    ai = statement["ai_share"]
    text = f"\"{statement['title']}\": " + "; ".join(parts) + "."
    text += f" AI share: {ai['notes'] * 100:.1f}% of the notes, {ai['bars'] * 100:.1f}% of the bars with notes."
    served = [model_line(m) for m in statement["models"] if m.get("checksums") or m.get("endpoints")]
    if served:
        text += " Models: " + "; ".join(served) + "."
    if statement["imports"]:
        text += (" Notes imported from files are credited to the person who imported them: "
                 + "; ".join(f"{i.get('file')} by {i.get('by_name', 'someone')}" for i in statement["imports"]) + ".")
    return text


def model_line(model: dict) -> str:
    """e.g. "midi-walk 0.1 (checksum 3f1a2b4c5d6e, run at http://127.0.0.1:8765, chosen as walk)"."""
    details = []
    if model.get("checksums"):
        details.append("checksum " + ", ".join(c[:12] for c in model["checksums"]))
    if model.get("endpoints"):
        details.append("run at " + ", ".join(model["endpoints"]))
    if model.get("entries"):
        details.append("chosen as " + ", ".join(model["entries"]))
    return f"{model['name']} {model['version'] or '?'}" + (f" ({', '.join(details)})" if details else "")


def _notes(count: int) -> str:
    return f"{count} note{'s' if count != 1 else ''}"


def contributor_names(statement: dict) -> tuple[list[str], list[str]]:
    """(people, models) who wrote notes, most notes first."""
    people = [a["name"] for a in statement["authors"] if a["author"].get("kind") == "user"]
    models = [a["name"] for a in statement["authors"] if a["author"].get("kind") == "model"]
    return people, models
