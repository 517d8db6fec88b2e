"""engine/reach.py: every meter people use x four textures x four operations is served."""
from engine.reach import METERS, OPERATIONS, TEXTURES, run


def test_the_reach_table_is_all_served(ngram_gen):
    rows = run(ngram_gen)
    assert len(rows) == len(METERS) * len(TEXTURES)
    refused = [(meter, name, op, cell) for meter, name, cells in rows for op, cell in zip(OPERATIONS, cells)
               if not cell.startswith("served")]
    assert not refused, refused[:3]
