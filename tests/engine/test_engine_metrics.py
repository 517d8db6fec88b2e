"""Voice-leading statistics on hand-made grids."""
import numpy as np

from engine import grid as G
from engine.metrics import parallel_motions, parallels, region_stats


def satb(*voices, step=4):
    g = np.full((4, step * len(voices[0])), G.REST)
    for v, ps in enumerate(voices):
        for i, p in enumerate(ps):
            g[v, i * step] = G.pitch_token(p)
            g[v, i * step + 1:(i + 1) * step] = G.HOLD
    return g


def test_parallel_fifths_and_octaves_are_found():
    # S/B: C5/F4 -> D5/G4 is a parallel fifth moving up (72-65=7, 74-67=7)
    g = satb([72, 74], [67, 67], [60, 60], [65, 67])
    assert parallels(g, 0, 8) == (1, 0)
    kind, a, b = parallel_motions(g, 0, 8)[0]
    assert kind == "5" and a == (0, 4) and b == (3, 4)
    # octaves in contrary motion are not parallels; similar motion ones are
    assert parallels(satb([72, 74], [64, 65], [55, 59], [48, 43]), 0, 8) == (0, 0)
    assert parallels(satb([72, 74], [64, 65], [55, 59], [48, 50]), 0, 8) == (0, 1)


def test_region_stats():
    g = satb([72, 74, 71, 72], [67, 67, 67, 64], [64, 65, 62, 60], [48, 47, 43, 48])
    st = region_stats(g, 0, 16, (0, 1, 2, 3), (0, "major"), 16)
    assert st["notes"] == 16 and st["in_key"] == 16 and st["range_violations"] == 0 and st["crossing_cells"] == 0
