"""
Serve a "MIDI in, MIDI out" model over the model protocol: a worked adapter.

    python -m engine.examples.midi_adapter --port 8766 --token T
    python -m engine.conformance http://127.0.0.1:8766 --token T

Replace `walk_model` with your own function; change CAPABILITIES to say what it
can do. The adapter turns the request's piece into MIDI (one instrument per
track, named by its id), asks the model once per candidate and track of the
region, reads the notes back in ticks, and engine.serve does the HTTP, auth and limits.
"""
import argparse
import hashlib
import io
import random
import time

import pretty_midi

from engine.adapter import check_request, clip_to_region, region_ticks, response
from engine.api import Capabilities, Note
from engine.examples.walk_model import walk_model
from engine.generator import Generator, parse_request

CAPABILITIES = Capabilities(
    name="midi-walk", version="0.1", checksum=hashlib.sha256(b"walk_model 0.1").hexdigest(),
    training_data="none (a seeded random walk)", licence="MIT", device="cpu",
    operations=["continue", "infill", "harmonize"],
    controls={"temperature": dict(type="float", min=0.1, max=2.0, default=1.0, label="Temperature",
                                  help="Larger steps between notes.")},
    limits=dict(max_tracks=8, max_region_bars=16, max_piece_bars=256, max_candidates=4,
                time_signatures=["4/4", "3/4"], ticks_per_quarter=480))


class MidiAdapter(Generator):
    def capabilities(self):
        return CAPABILITIES

    def generate(self, request):
        started = time.perf_counter()
        req = parse_request(request)
        check_request(req, CAPABILITIES)               # refusals name what the model supports
        seed = req.seed if req.seed is not None else random.SystemRandom().randrange(2**31)
        seconds = 60.0 / req.piece.tempo / 480          # seconds per tick
        lo, hi = region_ticks(req)
        midi = to_midi(req, seconds, lo, hi)
        candidates = []
        for k in range(req.num_candidates):
            notes = []
            for track in req.region.tracks:
                out = walk_model(midi, instrument=str(track), start_s=lo * seconds, end_s=hi * seconds,
                                 beat_s=480 * seconds, temperature=req.controls.temperature, seed=seed + k)
                notes += from_midi(out, track, seconds)
            candidates.append(clip_to_region(notes, req))
        return response(CAPABILITIES, req, candidates, seed, started)


def to_midi(req, seconds, lo, hi) -> bytes:
    """The piece as MIDI without the region's own notes (the kept ones stay), one instrument per track."""
    pm = pretty_midi.PrettyMIDI(initial_tempo=req.piece.tempo, resolution=480)
    region = {str(t) for t in req.region.tracks}
    for track in req.piece.tracks:
        inst = pretty_midi.Instrument(program=0, name=str(track.id))
        for n in req.piece.notes + req.keep:
            if str(n.track) != str(track.id):
                continue
            if str(n.track) in region and lo <= n.start < hi and n not in req.keep:
                continue
            inst.notes.append(pretty_midi.Note(n.velocity, n.pitch, n.start * seconds, (n.start + n.duration) * seconds))
        pm.instruments.append(inst)
    out = io.BytesIO()
    pm.write(out)
    return out.getvalue()


def from_midi(midi: bytes, track_id, seconds) -> list[Note]:
    """The notes of the track's instrument back in ticks, on a 16th-note grid."""
    inst = next(i for i in pretty_midi.PrettyMIDI(io.BytesIO(midi)).instruments if i.name == str(track_id))
    tick = lambda s: int(round(s / seconds / 120)) * 120
    return [Note(track_id, tick(n.start), max(120, tick(n.end) - tick(n.start)), n.pitch, n.velocity)
            for n in inst.notes]


if __name__ == "__main__":
    from engine.serve import serve
    parser = argparse.ArgumentParser(description="Serve the MIDI adapter over the model protocol.")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--token", default=None, help="bearer token (default: $STUDIO_MODEL_TOKEN)")
    args = parser.parse_args()
    serve(MidiAdapter(), port=args.port, token=args.token)
