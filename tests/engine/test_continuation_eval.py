"""engine.continuation_eval: the given bars' statistics are exact, and every row is filled."""
from engine.continuation_eval import MELODIES, Q, melody_piece, melody_stats, run


def test_given_bars_statistics_are_exact():
    name, key, meter, tune = MELODIES[0]
    stats = melody_stats(melody_piece(key, meter, tune).notes, 4 * Q, 4)
    assert stats["notes per bar"] == len(tune) / 4
    assert stats["distinct pitches per 4 bars"] == len({p for p, _ in tune})
    assert stats["share longer than a bar"] == 0.0


def test_every_melody_is_harmonized_and_continued(ngram_gen):
    table = run(ngram_gen, seeds=1)
    assert set(table) == {"given", "alone", "all voices"}
    assert all(table[label]["notes per bar"] > 0 for label in table)


def test_every_melody_fills_exactly_four_bars():
    from engine.probes import bar_ticks
    for name, key, meter, tune in MELODIES:
        assert sum(q for _, q in tune) * Q == 4 * bar_ticks(meter), name


def test_the_density_sweep_has_a_row_per_setting(ngram_gen):
    from engine.continuation_eval import DENSITIES, density_sweep
    sweep = density_sweep(ngram_gen)
    assert list(sweep) == list(DENSITIES) and sweep[-1.0] < sweep[1.0]
