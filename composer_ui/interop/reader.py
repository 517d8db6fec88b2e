"""Untrusted uploads -> a checked neutral score. The server-side half of the sandbox.

``read_score`` tells the format from the bytes (not the name), runs the cheap in-process checks
(midi_read.scan, xml_checks) that refuse most hostile files in milliseconds, then parses what
passed in a child process (``python -m composer_ui.interop.sandbox``) under RLIMIT_AS, RLIMIT_CPU
and a wall-clock timeout, and checks the child's answer again (convert.validate_score). At most
``MAX_CONCURRENT`` children run at once per server process.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import midi_read, xml_checks
from .convert import validate_score
from .midi_read import Refusal
from .project import check_project

MEMORY_BYTES = 512 * 1024 * 1024
CPU_SECONDS = 5
WALL_SECONDS = 10.0
MAX_CONCURRENT = 2
PROJECT_ROOT = str(Path(__file__).resolve().parents[2])

_slots = threading.BoundedSemaphore(MAX_CONCURRENT)
_stats_lock = threading.Lock()
# What the sandbox did in this process, for tests and operators.
STATS = {"runs": 0, "timeouts": 0, "cpu_kills": 0, "crashes": 0, "max_wall": 0.0}


def sniff(data: bytes) -> str:
    """midi, mxl, project or musicxml, from the first bytes; Refusal when it is none of them."""
    if data[:4] == b"MThd" or (data[:4] == b"RIFF" and data[8:12] == b"RMID"):
        return "midi"
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return "mxl"
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return "project"
    if xml_checks.looks_like_xml(data):
        return "musicxml"
    if not data:
        raise Refusal("the file is empty")
    raise Refusal("this is not a MIDI file (.mid), MusicXML (.musicxml, .xml, .mxl) or studio project (.json)")


def _record(wall: float, **counts) -> None:
    with _stats_lock:
        STATS["runs"] += 1
        STATS["max_wall"] = max(STATS["max_wall"], wall)
        for name, value in counts.items():
            STATS[name] += value


def run_sandbox(kind: str, payload: bytes, *, max_notes: int, memory: int = MEMORY_BYTES, cpu: int = CPU_SECONDS,
                wall: float = WALL_SECONDS) -> dict:
    """Parse ``payload`` in a fresh, limited child process; the child's score, or Refusal."""
    if not _slots.acquire(timeout=wall):
        raise Refusal("the server is busy reading other files; try again in a moment", "unavailable")
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="studio-import-") as home:
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "TMPDIR": home, "LANG": "C.UTF-8",
                   "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                   "PYTHONDONTWRITEBYTECODE": "1"}
            command = [sys.executable, "-E", "-s", "-m", "composer_ui.interop.sandbox", kind, str(memory), str(cpu),
                       str(max_notes)]
            try:
                process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, cwd=PROJECT_ROOT, env=env, start_new_session=True)
            except OSError as error:
                raise Refusal(f"the server could not start its file reader ({error.strerror or error}); "
                              "try again later", "unavailable") from None
            try:
                out, err = process.communicate(payload, timeout=wall)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                _record(time.monotonic() - started, timeouts=1)
                raise Refusal(f"reading the file took longer than {wall:g} seconds; it was stopped") from None
    finally:
        _slots.release()
    elapsed = time.monotonic() - started
    if process.returncode in (-signal.SIGXCPU, -signal.SIGKILL) and not out:
        _record(elapsed, cpu_kills=1)
        raise Refusal(f"reading the file went over the reader's limits ({cpu} seconds of CPU, "
                      f"{memory // (1024 * 1024)} MiB of memory); it was stopped")
    try:
        answer = json.loads(out.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        _record(elapsed, crashes=1)
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {process.returncode}"]
        raise Refusal(f"the file could not be read (the reader stopped: {detail[0][:160]})") from None
    _record(elapsed)
    if not isinstance(answer, dict) or not answer.get("ok"):
        code = answer.get("code") if isinstance(answer, dict) else "invalid"
        message = answer.get("error") if isinstance(answer, dict) else None
        raise Refusal(str(message or "the file could not be read")[:400],
                      code if code in ("invalid", "too_large") else "invalid")
    if kind == "project":
        return check_project(answer.get("score"), max_notes=max_notes)
    return validate_score(answer.get("score"))


def read_score(data: bytes, *, max_notes: int, wall: float = WALL_SECONDS) -> tuple[str, dict]:
    """(format, neutral score) of a MIDI or MusicXML upload, or ("project", checked document) of a
    project file; Refusal with a message otherwise."""
    kind = sniff(data)
    if kind == "midi":
        midi_read.scan(data, max_notes=max_notes)
        return "midi", run_sandbox("midi", data, max_notes=max_notes, wall=wall)
    if kind == "mxl":
        _, text = xml_checks.check_mxl(data)
        return "mxl", run_sandbox("musicxml", text.encode("utf-8"), max_notes=max_notes, wall=wall)
    if kind == "musicxml":
        text = xml_checks.check_xml(data)
        return "musicxml", run_sandbox("musicxml", text.encode("utf-8"), max_notes=max_notes, wall=wall)
    if kind == "project":
        return "project", run_sandbox("project", data, max_notes=max_notes, wall=wall)
    raise Refusal("this is not a file the studio can import")
