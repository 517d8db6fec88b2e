"""
The studio's generation engine: no Django in here.

    from engine import get_generator
    gen = get_generator()                 # STUDIO_GENERATOR, default the neural model
    gen.capabilities(); gen.generate(request_dict_or_GenerateRequest)

Backends are chosen by a dotted path (like Django's MESSAGE_STORAGE):
"engine.neural.NeuralGenerator" (default), "engine.ngram.NgramGenerator", or
"engine.remote.RemoteGenerator" (a model server, docs/model-protocol.md).
The device comes from the `device` argument or STUDIO_DEVICE ("cuda", "cpu",
"auto" = cuda when available).
"""
from __future__ import annotations

import importlib
import os
import threading

__version__ = "1.2.3"
DEFAULT_GENERATOR = "engine.neural.NeuralGenerator"
_instances = {}
_lock = threading.Lock()


def load_generator(path=None, **kwargs):
    """Import and build the backend named by `path` (or STUDIO_GENERATOR)."""
    path = path or os.environ.get("STUDIO_GENERATOR") or DEFAULT_GENERATOR
    module, _, name = path.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as e:
        raise ImportError(f"cannot load generator {path!r}: {e}; known backends: "
                          "engine.neural.NeuralGenerator, engine.ngram.NgramGenerator, engine.remote.RemoteGenerator") from e
    return cls(**kwargs)


def get_generator(path=None, **kwargs):
    """The process-wide instance of a backend, built on first use (thread-safe)."""
    key = (path or os.environ.get("STUDIO_GENERATOR") or DEFAULT_GENERATOR, tuple(sorted(kwargs.items())))
    with _lock:
        if key not in _instances:
            _instances[key] = load_generator(key[0], **kwargs)
        return _instances[key]
