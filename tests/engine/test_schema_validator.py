"""engine.schema.validator: the subset of JSON Schema the protocol's schemas use."""
import pytest

from engine.schema.validator import SchemaError, Validator

DEFS = {"$defs": {"pitch": {"type": "integer", "minimum": 0, "maximum": 127}}}
NOTE = {"type": "object", "properties": {"pitch": {"$ref": "defs.json#/$defs/pitch"},
                                         "track": {"type": ["string", "integer"]},
                                         "kind": {"enum": ["a", "b"]}, "ppq": {"const": 480}},
        "required": ["pitch"], "additionalProperties": False}


def errors(schema, value, **docs):
    return Validator({"s.json": schema, "defs.json": DEFS, **docs}).errors("s.json", value)


@pytest.mark.parametrize("value,expected", [
    ({"pitch": 60, "track": "s", "kind": "a", "ppq": 480}, []),
    ({"pitch": 60.0}, ["$.pitch: expected integer, got 60.0"]),
    ({"pitch": True}, ["$.pitch: expected integer, got True"]),       # a bool is not a JSON integer
    ({"pitch": 128}, ["$.pitch: 128 is above the maximum 127"]),
    ({"pitch": 1, "track": None}, ["$.track: expected string or integer, got None"]),
    ({"pitch": 1, "kind": "c"}, ["$.kind: 'c' is not one of ['a', 'b']"]),
    ({"pitch": 1, "ppq": 480.0}, []),                                   # 480.0 == 480 in JSON
    ({"pitch": 1, "ppq": 96}, ["$.ppq: must be 480, got 96"]),
    ({}, ["$: missing required field 'pitch'"]),
    ({"pitch": 1, "colour": 1}, ["$: unknown field 'colour'; allowed: pitch, track, kind, ppq"]),
    ([], ["$: expected object, got []"]),
])
def test_objects_types_and_refs_across_files(value, expected):
    assert errors(NOTE, value) == expected


def test_arrays_strings_and_numbers():
    schema = {"type": "array", "minItems": 1, "maxItems": 2,
              "items": {"type": "string", "minLength": 2, "pattern": "^[0-9]+/[0-9]+$"}}
    assert errors(schema, ["4/4"]) == []
    assert errors(schema, []) == ["$: needs at least 1 item(s), has 0"]
    assert errors(schema, ["4/4", "3/4", "2/2"]) == ["$: at most 2 item(s), has 3"]
    assert errors(schema, ["x"]) == ["$[0]: shorter than 2 character(s)", "$[0]: 'x' does not match '^[0-9]+/[0-9]+$'"]
    assert errors({"type": "number", "exclusiveMinimum": 0}, 0) == ["$: 0 must be above 0"]
    assert errors({"additionalProperties": {"type": "number"}}, {"a": 1, "b": "x"}) == ["$.b: expected number, got 'x'"]


def test_one_of_and_any_of_report_the_closest_alternative():
    spec = {"oneOf": [{"type": "object", "properties": {"type": {"const": "float"}, "min": {"type": "number"}},
                       "required": ["type", "min"], "additionalProperties": False},
                      {"type": "object", "properties": {"type": {"const": "bool"}},
                       "required": ["type"], "additionalProperties": False}]}
    assert errors(spec, {"type": "bool"}) == []
    assert errors(spec, {"type": "float", "min": "low"}) == ["$.min: expected number, got 'low'"]
    both = {"oneOf": [{"type": "integer"}, {"type": "number"}]}
    assert errors(both, 3) == ["$: matches 2 of the alternatives, must match exactly one"]
    assert errors({"anyOf": [{"type": "integer"}, {"type": "number"}]}, 3) == []
    assert errors(True, {"anything": 1}) == [] and errors({"properties": {"x": False}}, {"x": 1}) == ["$.x: not allowed here"]


def test_unknown_keywords_and_broken_refs_are_refused_not_ignored():
    with pytest.raises(SchemaError, match="uniqueItems"):
        errors({"type": "array", "uniqueItems": True}, [1, 1])
    with pytest.raises(SchemaError, match="no schema named 'other.json'"):
        errors({"$ref": "other.json#/$defs/x"}, 1)
    with pytest.raises(SchemaError, match="nothing at '/\\$defs/nope'"):
        errors({"$ref": "defs.json#/$defs/nope"}, 1)
