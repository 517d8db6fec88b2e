"""
A small JSON Schema validator for the subset of draft 2020-12 the protocol's
schemas use, so that checking a message needs no new dependency.

Supported: type, enum, const, properties, required, additionalProperties,
items, minItems, maxItems, minimum, maximum, exclusiveMinimum, minLength,
pattern, anyOf, oneOf, $ref (to "#/..." or "<file>.json#/..." in the same
folder); annotations ($schema, $id, $defs, $comment, title, description,
default, examples) are ignored. A schema that uses any other keyword is
refused (SchemaError) rather than half-checked.
"""
from __future__ import annotations

import re

ANNOTATIONS = {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"}
KEYWORDS = {"type", "enum", "const", "properties", "required", "additionalProperties", "items",
            "minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum", "minLength", "pattern",
            "anyOf", "oneOf", "$ref"} | ANNOTATIONS
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class SchemaError(Exception):
    """The schema itself is broken or uses a keyword this validator does not implement."""


def _same(a, b):
    """JSON equality: true is not 1, 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


class Validator:
    """`Validator(documents).errors(name, instance)` -> list of "path: problem" strings (empty = valid).
    `documents` maps file names ("defs.json") to loaded schemas; $refs resolve among them."""

    def __init__(self, documents: dict):
        self.documents = documents

    def errors(self, name: str, instance) -> list[str]:
        out = []
        self._check(self.documents[name], instance, "$", name, out)
        return out

    def _resolve(self, ref: str, doc: str):
        file, _, pointer = ref.partition("#")
        doc = file or doc
        if doc not in self.documents:
            raise SchemaError(f"$ref {ref!r}: no schema named {doc!r}")
        node = self.documents[doc]
        for part in filter(None, pointer.split("/")):
            try:
                node = node[part.replace("~1", "/").replace("~0", "~")]
            except (KeyError, TypeError):
                raise SchemaError(f"$ref {ref!r}: nothing at {pointer!r} in {doc}") from None
        return node, doc

    def _check(self, schema, value, path, doc, out):
        if schema is True or schema == {}:
            return
        if schema is False:
            out.append(f"{path}: not allowed here")
            return
        unknown = set(schema) - KEYWORDS
        if unknown:
            raise SchemaError(f"{doc}: keyword(s) {sorted(unknown)} are not supported by engine.schema.validator")
        if "$ref" in schema:
            target, target_doc = self._resolve(schema["$ref"], doc)
            self._check(target, value, path, target_doc, out)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(TYPES[t](value) for t in types):
                out.append(f"{path}: expected {' or '.join(types)}, got {_show(value)}")
                return
        if "enum" in schema and not any(_same(value, e) for e in schema["enum"]):
            out.append(f"{path}: {_show(value)} is not one of {schema['enum']}")
        if "const" in schema and not _same(value, schema["const"]):
            out.append(f"{path}: must be {schema['const']!r}, got {_show(value)}")
        if TYPES["number"](value):
            self._number(schema, value, path, out)
        if isinstance(value, str):
            if len(value) < schema.get("minLength", 0):
                out.append(f"{path}: shorter than {schema['minLength']} character(s)")
            if "pattern" in schema and not re.search(schema["pattern"], value):
                out.append(f"{path}: {_show(value)} does not match {schema['pattern']!r}")
        if isinstance(value, list):
            self._array(schema, value, path, doc, out)
        if isinstance(value, dict):
            self._object(schema, value, path, doc, out)
        if "anyOf" in schema:
            self._any(schema["anyOf"], value, path, doc, out, exactly_one=False)
        if "oneOf" in schema:
            self._any(schema["oneOf"], value, path, doc, out, exactly_one=True)

    @staticmethod
    def _number(schema, value, path, out):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: {value} is below the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: {value} is above the maximum {schema['maximum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            out.append(f"{path}: {value} must be above {schema['exclusiveMinimum']}")

    def _array(self, schema, value, path, doc, out):
        if len(value) < schema.get("minItems", 0):
            out.append(f"{path}: needs at least {schema['minItems']} item(s), has {len(value)}")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append(f"{path}: at most {schema['maxItems']} item(s), has {len(value)}")
        if "items" in schema:
            for i, item in enumerate(value):
                self._check(schema["items"], item, f"{path}[{i}]", doc, out)

    def _object(self, schema, value, path, doc, out):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                out.append(f"{path}: missing required field {name!r}")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in props:
                self._check(props[name], item, f"{path}.{name}", doc, out)
            elif extra is False:
                out.append(f"{path}: unknown field {name!r}; allowed: {', '.join(props)}")
            else:
                self._check(extra, item, f"{path}.{name}", doc, out)

    def _any(self, branches, value, path, doc, out, exactly_one):
        results = []
        for branch in branches:
            errs = []
            self._check(branch, value, path, doc, errs)
            results.append(errs)
        passed = sum(1 for errs in results if not errs)
        if passed == 1 or (passed > 1 and not exactly_one):
            return
        if passed > 1:
            out.append(f"{path}: matches {passed} of the alternatives, must match exactly one")
            return
        # Report the alternative that came closest: its problems say what to fix.
        out.extend(min(results, key=len))


def _show(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."
