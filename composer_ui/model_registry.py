"""The studio's models: which ones there are (the STUDIO_MODELS setting, or the one STUDIO_GENERATOR model),
each one's backend built once, and its capabilities cached. engine_bridge.py is this module's only user
in the studio (the one door to engine/); studio/checks.py parses the setting to report mistakes at start.

STUDIO_MODELS is a list of entries, as a Python list, JSON text, or the path of a JSON file:

    [{"name": "gridcoco"},                                                   # STUDIO_GENERATOR, in-process
     {"name": "walk", "url": "http://127.0.0.1:8765", "token_env": "WALK_TOKEN", "timeout": 40}]

``name`` is what people choose in the AI panel and what the piece's AI policy allows; ``backend`` a dotted
path (default: engine.remote.RemoteGenerator with a ``url``, else STUDIO_GENERATOR); ``url``, ``token`` (or
``token_env``, the environment variable holding it) and ``timeout`` are passed to a remote backend;
``options`` are the backend's keyword arguments; ``max_active`` bounds the model's queued and running jobs.
The first entry is the default. Without STUDIO_MODELS the studio has one model, "default": STUDIO_GENERATOR
built exactly as before (a RemoteGenerator there still reads STUDIO_MODEL_URL/_TOKEN/_TIMEOUT).
"""
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from .op_schema import MODEL_NAME

log = logging.getLogger(__name__)

NAME_PATTERN = MODEL_NAME  # what a piece's AI policy (ai_models) can name
DEFAULT_NAME = "default"
RESERVED_NAMES = ("all",)  # the AI policy's word for every model
REMOTE_BACKEND = "engine.remote.RemoteGenerator"
MAX_MODELS = 32
CAPABILITIES_TTL_S = 60.0  # re-read a model's capabilities this often, and whenever its version changes
ENTRY_KEYS = ("name", "backend", "url", "token", "token_env", "timeout", "options", "max_active")


@dataclass(frozen=True)
class ModelEntry:
    name: str
    backend: str
    url: str = ""
    token: str = field(default="", repr=False)
    timeout: float | None = None
    options: str = "{}"  # the backend's keyword arguments as JSON text, so an entry hashes
    max_active: int | None = None
    implicit: bool = False  # the STUDIO_GENERATOR model of a studio without STUDIO_MODELS

    def kwargs(self) -> dict:
        extra = {"url": self.url, "token": self.token, **({"timeout": self.timeout} if self.timeout else {})}
        return {**json.loads(self.options), **(extra if self.url else {})}


# -- the setting ---------------------------------------------------------------------------------

def parse_models(value, *, default_backend: str, environ=os.environ) -> tuple[ModelEntry, ...]:
    """The entries of STUDIO_MODELS (a list, JSON text or a file path); ValueError names what is wrong."""
    raw = _raw(value)
    if not raw:
        return (ModelEntry(DEFAULT_NAME, default_backend, implicit=True),)
    if not isinstance(raw, list) or len(raw) > MAX_MODELS:
        raise ValueError(f"STUDIO_MODELS must be a list of at most {MAX_MODELS} models")
    entries = tuple(_entry(item, index, default_backend, environ) for index, item in enumerate(raw))
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise ValueError(f"STUDIO_MODELS names must differ: {', '.join(names)}")
    return entries


def _raw(value):
    if not isinstance(value, str):
        return value or []
    text = value.strip()
    if not text:
        return []
    if not text.startswith(("[", "{")):
        try:
            text = Path(text).read_text()
        except OSError as error:
            raise ValueError(f"STUDIO_MODELS is neither JSON nor a readable file: {error}") from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise ValueError(f"STUDIO_MODELS is not valid JSON: {error}") from None


def _entry(item, index, default_backend, environ) -> ModelEntry:
    where = f"STUDIO_MODELS entry {index + 1}"
    if not isinstance(item, dict):
        raise ValueError(f"{where} must be an object with a name")
    unknown = set(item) - set(ENTRY_KEYS)
    if unknown:
        raise ValueError(f"{where} does not take {', '.join(sorted(map(str, unknown)))}; "
                         f"it takes {', '.join(ENTRY_KEYS)}")
    name = item.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name) or name in RESERVED_NAMES:
        raise ValueError(f"{where}: name must be 1-40 letters, digits or . _ - (and not 'all'), got {name!r}")
    where = f"STUDIO_MODELS {name!r}"
    url = item.get("url", "")
    if url and (not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https")
                or not urlsplit(url).hostname):
        raise ValueError(f"{where}: url must be http(s)://host[:port], got {url!r}")
    backend = item.get("backend") or (REMOTE_BACKEND if url else default_backend)
    if not isinstance(backend, str) or "." not in backend:
        raise ValueError(f"{where}: backend must be a dotted path such as engine.ngram.NgramGenerator")
    token = item.get("token", "")
    if "token_env" in item:
        if item["token_env"] not in environ:
            raise ValueError(f"{where}: token_env names {item['token_env']!r}, which is not set in the environment")
        token = environ[item["token_env"]]
    if not isinstance(token, str):
        raise ValueError(f"{where}: token must be a string")
    timeout = item.get("timeout")
    if timeout is not None and (type(timeout) not in (int, float) or not 0 < timeout <= 3600):
        raise ValueError(f"{where}: timeout must be seconds, more than 0")
    options = item.get("options", {})
    if not isinstance(options, dict):
        raise ValueError(f"{where}: options must be an object of the backend's keyword arguments")
    max_active = item.get("max_active")
    if max_active is not None and (type(max_active) is not int or max_active < 1):
        raise ValueError(f"{where}: max_active must be a positive integer")
    return ModelEntry(name, backend, url.rstrip("/"), token, float(timeout) if timeout else None,
                      json.dumps(options, sort_keys=True), max_active)


@lru_cache(maxsize=8)
def _parsed(key: str, default_backend: str) -> tuple[ModelEntry, ...]:
    return parse_models(json.loads(key), default_backend=default_backend)


def entries(value, default_backend: str) -> tuple[ModelEntry, ...]:
    """Parsed once per distinct setting (tests change it)."""
    return _parsed(json.dumps(value, sort_keys=True), default_backend)


# -- backends and their capabilities --------------------------------------------------------------

_built: dict = {}
_capabilities: dict = {}  # entry -> (capabilities dict, when read)
_locks: dict = {}
_lock = threading.Lock()


class Unavailable(Exception):
    """A model that cannot be built or is not answering; the message names the model and its endpoint."""


def generator(entry: ModelEntry):
    """The entry's backend, built on first use (one per process; building a remote one reads its capabilities)."""
    import engine

    if entry.implicit:
        return engine.get_generator(entry.backend)
    with _lock:
        lock = _locks.setdefault(entry, threading.Lock())
    with lock:
        if entry not in _built:
            try:
                _built[entry] = engine.load_generator(entry.backend, **entry.kwargs())
            except Exception as error:  # a broken backend must not take the other models down with it
                log.exception("cannot build model %s", entry.name)
                raise Unavailable(f"the model {entry.name} cannot be loaded ({type(error).__name__}: {error})") \
                    from error
        return _built[entry]


def endpoint(entry: ModelEntry, built=None) -> str:
    """Where the model runs: its server's URL, or ``in-process <backend>``."""
    url = entry.url or getattr(built, "url", "")
    return url if isinstance(url, str) and url else f"in-process {entry.backend}"


def capabilities(entry: ModelEntry) -> dict:
    """The model's capabilities, read again after CAPABILITIES_TTL_S or a change of version (``noticed``)."""
    from engine.api import RequestError

    cached = _capabilities.get(entry)
    if cached and time.monotonic() - cached[1] < CAPABILITIES_TTL_S:
        return cached[0]
    built = generator(entry)
    try:
        caps = (built.refresh() if cached and hasattr(built, "refresh") else built.capabilities()).to_dict()
    except RequestError as error:
        raise Unavailable(not_answering(entry, built, error)) from error
    _capabilities[entry] = (caps, time.monotonic())
    return caps


def noticed(entry: ModelEntry, provenance: dict) -> None:
    """A response named its model: when that is another version or checksum, read the capabilities again."""
    cached = _capabilities.get(entry)
    if cached and (cached[0]["name"], cached[0]["version"], cached[0].get("checksum")) != (
            provenance.get("model"), provenance.get("version"), provenance.get("checksum")):
        _capabilities.pop(entry, None)


def not_answering(entry: ModelEntry, built, error) -> str:
    """e.g. "the model walk at http://gpu1:8765 is not answering (is unreachable (connection refused) after 3
    tries)"; a server that refuses our token or breaks the protocol answers, so that is said as it is."""
    where = endpoint(entry, built)
    detail = str(error).removeprefix(f"model server {where} ")
    if detail.startswith(("refused our token", "answered", "failed", "is not answering")):
        return f"the model {entry.name} at {where} {detail}"
    return f"the model {entry.name} at {where} is not answering ({detail})"


def forget() -> None:
    """Drop every built backend and cached capabilities (tests that stop a model server)."""
    with _lock:
        _built.clear()
        _capabilities.clear()
        _locks.clear()
