"""Strict voice-leading (a control, on by default) and its evaluation on melodies written for it."""
from engine.api import Controls, GenerateRequest, Note, Piece, Region, Track
from engine.metrics import teacher_marks
from engine.voice_leading_eval import figures, grid_of, read_melodies


def test_the_unseen_melodies_cover_meters_modes_and_pickups():
    melodies = read_melodies()
    assert len(melodies) >= 20
    assert {m for _, m, _, _ in melodies} == {"3/4", "4/4", "6/8"}
    assert {k.split()[1] for _, _, k, _ in melodies} == {"major", "minor"}
    assert sum(notes[0].start > 0 for _, _, _, notes in melodies) >= 5        # pickups


def test_figures_count_parallels_crossings_and_spacing():
    q = 480
    voices = {0: [Note(0, 0, q, 72, 80), Note(0, q, q, 74, 80)],       # S: C5 D5
              1: [Note(1, 0, q, 65, 80), Note(1, q, q, 67, 80)],       # A: F4 G4 (5ths with S)
              2: [Note(2, 0, q, 57, 80), Note(2, q, q, 70, 80)],       # T crosses above A
              3: [Note(3, 0, q, 48, 80), Note(3, q, q, 50, 80)]}       # B: C3 D3 (8ves with S)
    row = figures(grid_of(voices, 8), bars=0.5)
    assert row["fifths"] >= 1 and row["octaves"] >= 1 and row["crossing"] == 1 and row["spacing"] == 0
    wide = {0: [Note(0, 0, 480, 79, 80)], 1: [Note(1, 0, 480, 64, 80)]}       # G5 over E4: more than an octave
    assert figures(grid_of(wide, 4), bars=0.25, written=(1,))["spacing"] == 1
    marks = teacher_marks(grid_of(voices, 8), 0, 8)
    assert (0, 4) in marks and (1, 4) in marks and (2, 4) in marks


def test_a_repair_runs_the_model_on_the_candidates_with_a_note_to_redo_only(neural_gen):
    import numpy as np
    import torch
    from engine import grid as G
    q = 480
    fifths = {0: [Note(0, 0, q, 72, 80), Note(0, q, q, 74, 80)], 1: [Note(1, 0, q, 65, 80), Note(1, q, q, 67, 80)]}
    clean = {0: [Note(0, 0, q, 72, 80), Note(0, q, q, 74, 80)], 1: [Note(1, 0, q, 69, 80), Note(1, q, q, 71, 80)]}
    x = torch.from_numpy(np.stack([grid_of(clean, 16), grid_of(fifths, 16), grid_of(clean, 16)]))
    todo = torch.zeros((4, 16), dtype=torch.bool)
    todo[1] = True
    allowed = torch.ones((4, 16, G.VOCAB), dtype=torch.bool)
    bias = torch.zeros((4, 16, G.VOCAB))
    rows = []
    hook = neural_gen.model.register_forward_hook(lambda m, a, o: rows.append(len(a[0])))
    try:
        before = x.clone()
        assert neural_gen._repair(x, torch.from_numpy(G.positions(16, 16)), todo, slice(0, 16), allowed, bias, 1.0, 1.0,
                                  torch.Generator().manual_seed(0), torch.zeros(3, dtype=torch.long))
    finally:
        hook.remove()
    assert rows == [1]                                     # the candidate with the parallel fifths alone
    assert torch.equal(x[[0, 2]], before[[0, 2]]) and not torch.equal(x[1], before[1])


def _marks(gen, strict, seed):
    melody = [Note("S", i * 480, 480, p, 80) for i, p in enumerate([67, 69, 71, 72, 74, 72, 71, 69] * 2)]
    piece = Piece([Track(v, v, v) for v in "SATB"], melody, "4/4", "G major")
    res = gen.generate(GenerateRequest("harmonize", piece, Region(list("ATB"), 0, 4), num_candidates=2,
                                       seed=seed, controls=Controls(strict_voice_leading=strict)))
    total = 0
    for cand in res.candidates:
        by_voice = {0: melody, **{i: [n for n in cand.notes if n.track == v] for i, v in enumerate("ATB", 1)}}
        total += len(teacher_marks(grid_of(by_voice, 64), 0, 64))
    return total


def test_strict_voice_leading_removes_what_a_teacher_marks(neural_gen):
    raw = sum(_marks(neural_gen, False, s) for s in range(3))
    strict = sum(_marks(neural_gen, True, s) for s in range(3))
    assert strict < raw


def test_strict_is_on_by_default_and_declared():
    from engine.api import CONTROL_SCHEMA
    assert Controls().strict_voice_leading is True
    assert CONTROL_SCHEMA["strict_voice_leading"]["type"] == "bool"
