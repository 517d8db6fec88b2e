"""
The JSON Schemas of the model protocol, version 1 (docs/model-protocol.md).

    from engine.schema import errors
    errors("generate-response", message)   # [] when valid, else "path: problem" strings

One file per message: capabilities, generate-request, generate-response,
error, health; defs.json holds what they share (notes, tracks, control specs).
"""
from __future__ import annotations

import json
import os
from functools import lru_cache

from engine.schema.validator import SchemaError, Validator

__all__ = ["MESSAGES", "VERSION", "SchemaError", "documents", "errors", "schema"]

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = "v1"
MESSAGES = ("capabilities", "generate-request", "generate-response", "error", "health")


@lru_cache(maxsize=1)
def documents() -> dict:
    """Every schema file of this folder, by file name ("defs.json": {...})."""
    out = {}
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".json"):
            with open(os.path.join(HERE, name), encoding="utf-8") as f:
                out[name] = json.load(f)
    return out


def schema(name: str) -> dict:
    return documents()[_file(name)]


def errors(name: str, instance) -> list[str]:
    """Problems of `instance` as the message `name` ("capabilities", ...); empty when it is valid."""
    return Validator(documents()).errors(_file(name), instance)


def _file(name: str) -> str:
    return name if name.endswith(".json") else f"{name}.json"
