"""The protocol's JSON Schemas (engine/schema/*.json) against the wire format's dataclasses
(engine/api.py): same field names, the same required fields and defaults, so the two cannot drift;
and what the shipped backends send validates."""
import dataclasses
import json

import pytest

from engine import api, protocol
from engine.probes import probe_request
from engine.schema import MESSAGES, documents, errors, schema
from engine.schema.validator import KEYWORDS

# dataclass -> (schema file, $defs name or None for the whole message)
MIRRORS = {api.Note: ("defs", "note"), api.Track: ("defs", "track"), api.Piece: ("defs", "piece"),
           api.Region: ("defs", "region"), api.Controls: ("defs", "controls"), api.Candidate: ("defs", "candidate"),
           api.Provenance: ("defs", "provenance"), api.GenerateRequest: ("generate-request", None),
           api.GenerateResponse: ("generate-response", None), api.Capabilities: ("capabilities", None)}
JSON_TYPES = {"float": "number", "bool": "boolean", "choice": "string", "pitch_range_per_track": "object",
              "cue_targets": "array"}


def object_schema(cls):
    file, name = MIRRORS[cls]
    return schema(file) if name is None else schema("defs")["$defs"][name]


def test_every_message_has_a_versioned_schema():
    for name in MESSAGES:
        s = schema(name)
        assert s["$id"].endswith(f"/v1/{name}.json") and s["$schema"].endswith("/2020-12/schema")
    assert set(documents()) == {f"{m}.json" for m in MESSAGES} | {"defs.json"}


def test_the_schemas_use_only_keywords_the_validator_implements():
    def walk(node):
        if isinstance(node, bool):
            return
        assert set(node) <= KEYWORDS, set(node) - KEYWORDS
        for key in ("properties", "$defs"):
            for sub in node.get(key, {}).values():
                walk(sub)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                walk(node[key])
        for sub in node.get("anyOf", []) + node.get("oneOf", []):
            walk(sub)
    for doc in documents().values():
        walk(doc)


@pytest.mark.parametrize("cls", list(MIRRORS), ids=lambda c: c.__name__)
def test_schema_and_dataclass_have_the_same_fields_required_and_defaults(cls):
    s = object_schema(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    assert set(s["properties"]) == set(fields)
    assert s["additionalProperties"] is False
    required = {n for n, f in fields.items()
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    assert set(s.get("required", [])) == required
    for name, f in fields.items():
        if name in required or "$ref" in s["properties"][name]:
            continue
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        assert s["properties"][name].get("default", "absent") == default, f"{cls.__name__}.{name}"


def test_each_declared_control_can_be_carried_with_its_type():
    carried = schema("defs")["$defs"]["controls"]["properties"]
    for name, spec in api.CONTROL_SCHEMA.items():
        assert carried[name]["type"] == JSON_TYPES[spec["type"]], name
        assert carried[name]["default"] == spec["default"], name


@pytest.mark.parametrize("spec,ok", [
    (dict(type="float", min=0.1, max=2.0, default=1.0, label="Temperature", help="h"), True),
    (dict(type="bool", default=False, label="Strict voice leading", help="h"), True),
    (dict(type="choice", options=["chorale", "folk"], default="chorale", label="Style", help="h"), True),
    (dict(type="pitch_range_per_track", min=0, max=127, default={}, label="Range", help="h"), True),
    (dict(type="choice", options=[], default="x", label="Style", help="h"), False),
    (dict(type="float", min=0, max=1, default=0.5, label="No help"), False),
    (dict(type="int", min=0, max=1, default=0, label="Int", help="h"), False),
])
def test_control_specs_of_every_type(spec, ok):
    caps = {"name": "m", "version": "1", "checksum": "", "training_data": "", "licence": "", "device": "cpu",
            "operations": ["infill"], "controls": {"x": spec},
            "limits": dict(ticks_per_quarter=480, max_tracks=1, max_region_bars=1, max_piece_bars=4, max_candidates=1,
                           time_signatures=["4/4"], max_request_bytes=1024, timeout_s=1)}
    assert (errors("capabilities", caps) == []) == ok


def test_what_the_shipped_backends_send_validates(gen):
    caps = json.loads(json.dumps(gen.capabilities().to_dict()))
    assert "max_request_bytes" in str(errors("capabilities", caps))     # added by the server, not the backend
    caps["limits"].update(max_request_bytes=protocol.DEFAULT_MAX_REQUEST_BYTES, timeout_s=protocol.DEFAULT_TIMEOUT_S)
    assert errors("capabilities", caps) == []
    for operation in caps["operations"]:
        req = probe_request(caps, operation, keep=operation == "infill")
        assert errors("generate-request", json.loads(json.dumps(req.to_dict()))) == []
        assert errors("generate-response", json.loads(json.dumps(gen.generate(req).to_dict()))) == []


def test_error_bodies():
    for code in protocol.STATUS:
        body = protocol.error_body(code, "why", 1.5 if code == "overloaded" else None)
        assert errors("error", body) == []
    assert errors("error", protocol.error_body("overloaded", "full")) == ["$: missing required field 'retry_after'"]
    assert errors("error", {"code": "teapot", "message": "x"})
