"""The room protocol in code and in docs/protocol.md match one to one: every message type the
document names has its parser or builder in composer_ui/protocol.py, every builder is documented,
and each documented example has exactly the fields its builder writes."""
import inspect
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

from composer_ui import protocol
from composer_ui.errors import StudioError

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "protocol.md"


def doc_sections() -> dict[str, dict[str, list[dict]]]:
    """{"server": {type: [example, ...]}, "client": {...}} from the document's headings and examples."""
    sections: dict[str, dict[str, list[dict]]] = {"server": {}, "client": {}}
    side, names = None, []
    for block in re.split(r"^(#{2,3} .*)$", DOC.read_text(), flags=re.M):
        if block.startswith("## "):
            title = block.lower()
            side = "server" if "server →" in title else "client" if "client →" in title else None
        elif block.startswith("### "):
            names = re.findall(r"`([a-z_]+)`", block) if side else []
            for name in names:
                sections[side].setdefault(name, [])
        elif side and names:
            for example in _json_examples(block):
                if "type" not in example and "op" in example:
                    continue  # an op inside an `op` message, shown on its own
                assert example.get("type") in names, f"an example under {names} has type {example.get('type')!r}"
                sections[side][example["type"]].append(example)
    return sections


def _json_examples(text: str) -> list[dict]:
    found, decoder = [], json.JSONDecoder()
    for code in re.findall(r"```json\n(.*?)```", text, flags=re.S):
        at = 0
        while code[at:].strip():
            at += len(code[at:]) - len(code[at:].lstrip())
            value, at = decoder.raw_decode(code, at)
            found.append(value)
    return found


def builders() -> dict[str, object]:
    return {name: fn for name, fn in inspect.getmembers(protocol, inspect.isfunction) if name.endswith("_message")}


def test_every_documented_server_message_has_a_builder_and_every_builder_is_documented():
    documented = set(doc_sections()["server"])
    assert documented == set(protocol.SERVER_TYPES)
    assert set(builders()) == {f"{kind}_message" for kind in protocol.SERVER_TYPES}


def test_every_documented_client_message_is_parsed():
    assert set(doc_sections()["client"]) == set(protocol.CLIENT_TYPES)


_AT = datetime(2026, 11, 26, tzinfo=timezone.utc)
_JOB = SimpleNamespace(pk=31, request_id="r-17", status="ready", reason="", operation="harmonize", tracks=["t1-2"],
                       start_bar=0, end_bar=2, requester_id=4, parent_id=None, seed=1234, base_seq=57,
                       model_name="gridcoco", model_version="1.0", model_entry="gridcoco",
                       proposal=SimpleNamespace(candidates=[], provenance={}, timings={}))
_EVENT = SimpleNamespace(seq=43, actor={"kind": "user", "id": 4}, kind="edit", ops=[], client_op_id="c-1",
                         created_at=_AT)
_ERROR = StudioError("rate_limited", "too many messages; slow down", retry_after=0.031)
_ERROR.index = 0

# Each builder called with the fewest fields and with every optional one.
CALLS = {
    "welcome": [dict(piece_id=7, seq=42, state={}, you={}, members=[], present=[], limits={})],
    "ack": [("c-1", 43), (("c-1", 43), {"duplicate": True})],
    "event": [(_EVENT,)],
    "events": [dict(since=40, seq=43, events=[])],
    "present": [dict(present=[3], joined=[], left=[])],
    "members": [dict(members=[], you={})],
    "presence": [(4, {}), (4, {"cursor": {"tick": 0, "pitch": 60}, "selection": [], "playhead": 0})],
    "pong": [()],
    "error": [(StudioError("conflict", "gone"),), ((_ERROR,), {"client_op_id": "c-1"})],
    "job": [((_JOB,), {"description": "AI is writing bars 1-2 of Alto"})],
    "proposal": [((_JOB,), {"stale": False})],
    "decided": [((_JOB,), {"seq": 58})],
    "video": [(None,), (SimpleNamespace(piece_id=7, name="reel.webm", kind="webm", size=10, sha256="9f" * 32,
                                        uploaded_by_id=4, uploaded_at=_AT),)],
}


def _call(builder, call):
    if isinstance(call, dict):
        return builder(**call)
    if len(call) == 2 and isinstance(call[0], tuple) and isinstance(call[1], dict):
        return builder(*call[0], **call[1])
    return builder(*call)


def test_each_documented_example_has_the_fields_its_builder_writes():
    examples = doc_sections()["server"]
    assert set(CALLS) == set(protocol.SERVER_TYPES)
    for kind in protocol.SERVER_TYPES:
        built = [_call(getattr(protocol, f"{kind}_message"), call) for call in CALLS[kind]]
        assert all(message["type"] == kind for message in built), kind
        required = set.intersection(*(set(m) for m in built))
        possible = set.union(*(set(m) for m in built))
        assert examples[kind], f"docs/protocol.md shows no example of {kind}"
        for example in examples[kind]:
            assert required <= set(example) <= possible, (kind, sorted(set(example) ^ required))


def test_no_server_message_is_built_outside_protocol():
    pattern = re.compile(r"""["']type["']\s*:\s*["'](%s)["']""" % "|".join(protocol.SERVER_TYPES))
    for path in sorted((ROOT / "composer_ui").rglob("*.py")):
        if path.name != "protocol.py":
            assert not pattern.search(path.read_text()), f"{path.relative_to(ROOT)} builds a server message itself"


def test_the_welcome_example_shows_every_limit(settings):
    welcome = doc_sections()["server"]["welcome"][0]
    assert set(welcome["limits"]) == set(settings.STUDIO_LIMITS)
