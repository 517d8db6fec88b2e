"""Request/response dataclasses, JSON round trips and request validation."""
import json

import pytest

from engine.api import (CONTROL_SCHEMA, Controls, GenerateRequest, GenerateResponse,
                        InvalidRequest, Note, Piece, Region, RequestError, Track,
                        UnsupportedRequest)
from engine.testing import melody_notes, satb_piece


def req(op="infill", piece=None, region=None, **kw):
    piece = piece or satb_piece()
    region = region or Region([0, 1, 2, 3], 1, 2)
    return GenerateRequest(op, piece, region, seed=kw.pop("seed", 3), **kw)


def test_request_json_round_trip():
    r = req(keep=[Note(1, 1920, 480, 62)], controls=Controls(pitch_range={"1": [55, 70]}))
    d = json.loads(json.dumps(r.to_dict()))
    assert GenerateRequest.from_dict(d) == r


def test_response_json_round_trip(ngram_gen):
    res = ngram_gen.generate(req(num_candidates=2))
    d = json.loads(json.dumps(res.to_dict()))
    assert GenerateResponse.from_dict(d) == res
    assert set(res.timings) >= {"prepare_ms", "sample_ms", "total_ms"}
    p = res.provenance
    assert p.seed == 3 and p.operation == "infill" and p.model == ngram_gen.capabilities().name


def test_capabilities_schema(ngram_gen):
    caps = ngram_gen.capabilities()
    assert set(caps.operations) == {"continue", "infill", "harmonize", "vary", "chords"}
    for name in ("temperature", "top_p", "note_density", "pitch_range", "stay_in_key", "keep_close"):
        spec = caps.controls[name]
        assert {"type", "default", "label"} <= set(spec)
    assert caps.limits["max_tracks"] == 8 and caps.limits["voice_slots"] == 4 and {"4/4", "3/4", "2/4", "6/8", "4/2"} <= set(caps.limits["time_signatures"])
    json.dumps(caps.to_dict())
    assert len(caps.checksum) == 64


def test_control_defaults_match_schema():
    c = Controls()
    for name, spec in CONTROL_SCHEMA.items():
        assert getattr(c, name) == spec["default"]


BAD = [
    (dict(op="transpose"), UnsupportedRequest, "supported: continue, infill, harmonize, vary"),
    (dict(piece=Piece([Track(0)], melody_notes(), time_signature="11/8"), region=Region([0], 1, 2)),
     UnsupportedRequest, "supported: 4/4, 3/4"),
    (dict(piece=Piece([Track(i) for i in range(9)], melody_notes()), region=Region([1], 0, 1)),
     UnsupportedRequest, "1 to 8"),
    (dict(region=Region([7], 1, 2)), InvalidRequest, "unknown track"),
    (dict(region=Region([0], 2, 2)), InvalidRequest, "start_bar < end_bar"),
    (dict(region=Region([0], 0, 40)), UnsupportedRequest, "at most 32 bars"),
    (dict(op="continue", region=Region([0], 2, 3)), UnsupportedRequest, "use infill or vary"),
    (dict(op="infill", region=Region([0], 5, 6)), UnsupportedRequest, "use continue"),
    (dict(op="harmonize", region=Region([0, 1, 2, 3], 0, 4)), UnsupportedRequest, "at least one track"),
    (dict(op="harmonize", piece=Piece([Track(0), Track(1)], melody_notes()), region=Region([0], 0, 2)),
     UnsupportedRequest, "needs a melody"),
    (dict(op="vary", piece=Piece([Track(0), Track(1)], melody_notes()), region=Region([1], 0, 2)),
     UnsupportedRequest, "has none"),
    (dict(keep=[Note(0, 0, 480, 60)]), InvalidRequest, "inside the region"),
    (dict(num_candidates=0), InvalidRequest, "num_candidates"),
    (dict(controls=Controls(temperature=5.0)), InvalidRequest, "temperature"),
    (dict(controls=Controls(pitch_range={"0": [70, 60]})), InvalidRequest, "pitch_range"),
    (dict(piece=Piece([Track(0)], [Note(0, -5, 480, 60)]), region=Region([0], 1, 2)), InvalidRequest, "start >= 0"),
]


@pytest.mark.parametrize("kw,exc,msg", BAD)
def test_bad_requests_name_what_is_supported(ngram_gen, kw, exc, msg):
    kw = dict(kw)
    r = req(kw.pop("op", "infill"), kw.pop("piece", None), kw.pop("region", None), **kw)
    with pytest.raises(exc) as e:
        ngram_gen.generate(r)
    assert msg in str(e.value)
    assert isinstance(e.value, RequestError) and isinstance(e.value, ValueError)


def test_malformed_dict_is_invalid_request(ngram_gen):
    with pytest.raises(InvalidRequest):
        ngram_gen.generate({"operation": "infill", "piece": {"tracks": []}})
    with pytest.raises(InvalidRequest):
        ngram_gen.generate({"operation": "infill", "piece": {"tracks": [{"id": 0}]},
                            "region": {"tracks": [0], "start_bar": 0, "end_bar": 1}, "colour": "red"})


def test_load_generator_by_dotted_path(monkeypatch):
    import engine
    with pytest.raises(ImportError, match="known backends"):
        engine.load_generator("engine.nope.Missing")
    monkeypatch.setenv("STUDIO_GENERATOR", "engine.nope.Missing")
    with pytest.raises(ImportError):
        engine.load_generator()


def test_engine_imports_no_django():
    import subprocess
    import sys
    code = ("import sys, engine, engine.api, engine.ngram, engine.generator, engine.problem, engine.data\n"
            "import importlib.util\n"
            "if importlib.util.find_spec('engine.neural'): import engine.neural\n"
            "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
