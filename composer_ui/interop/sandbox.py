"""The sandbox child: ``python -m composer_ui.interop.sandbox KIND MEMORY CPU MAX_NOTES``.

Reads an already pre-checked file on stdin (KIND ``midi``: the bytes; ``musicxml``: UTF-8 text;
``project``: a JSON project file),
limits itself before touching it (address space MEMORY bytes, CPU seconds, no core dumps, no file
writes, few file descriptors, no new processes), parses it, and writes one JSON object on stdout:
``{"ok": true, "score": {...}}`` or ``{"ok": false, "code": ..., "error": "why"}``. The parent
(reader.run_sandbox) also enforces a wall-clock timeout and checks the score again.

Nothing of Django is imported here; parsing libraries are imported only after the limits are set.
"""
import json
import resource
import signal
import sys


def limit(memory: int, cpu: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write to a file fails instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    for name, value in (("RLIMIT_NOFILE", 64), ("RLIMIT_NPROC", 0)):
        try:
            resource.setrlimit(getattr(resource, name), (value, value))
        except (ValueError, OSError, AttributeError):
            pass


def parse(kind: str, data: bytes, max_notes: int) -> dict:
    if kind == "midi":
        from .midi_read import extract

        return extract(data, max_notes=max_notes)
    if kind == "musicxml":
        from .musicxml_read import read_musicxml

        return read_musicxml(data.decode("utf-8"), max_notes=max_notes)
    if kind == "project":
        from .project import read_project

        return read_project(data, max_notes=max_notes)
    raise ValueError(f"unknown kind {kind!r}")


def main(argv) -> int:
    kind, memory, cpu, max_notes = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    limit(memory, cpu)
    data = sys.stdin.buffer.read()
    from .midi_read import Refusal

    try:
        result = {"ok": True, "score": parse(kind, data, max_notes)}
    except Refusal as error:
        result = {"ok": False, "code": error.code, "error": str(error)}
    except MemoryError:
        result = {"ok": False, "code": "too_large", "error": "reading the file needs more memory than allowed"}
    except RecursionError:
        result = {"ok": False, "code": "invalid", "error": "the file nests too deeply to read"}
    except Exception as error:  # a parser's own complaint about a malformed file
        result = {"ok": False, "code": "invalid",
                  "error": f"the file could not be read ({type(error).__name__}: {str(error)[:200]})"}
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
