"""
The chord model: a hidden Markov model over key-relative chords, one chord per
segment (a beat, half a bar or a bar), that sees only the melody.

- hidden state: a chord relative to the key (root - tonic, quality); 48 triads,
  or 108 with the five seventh qualities;
- transition: P(chord | previous chord), per mode (major / minor);
- emission: the melody's pitch classes relative to the key, two tables:
  P(pc sounding in the segment | chord), weighted by how long it sounds, and
  P(pc sounding at a beat onset | chord).

Counted on the train split of the chorales (labels from engine/chord_labels.py),
add-k smoothed, stored in engine/data/chord_model.npz (a few hundred kB).
The emission weights were chosen on the valid split (see train()).
Decoding: Viterbi for the likeliest chords; further candidates are drawn by
forward filtering, backward sampling at the requested temperature.

    python -m engine.chord_model        # retrain and rewrite the data file
"""
from __future__ import annotations

import argparse
import os

import numpy as np

from engine import grid as G
from engine.chord_labels import TEMPLATES, TRIADS, SEVENTHS, UNITS, label_grid, to_triad, unit_cells
from engine.music import estimate_key, scale_pcs

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data", "chord_model.npz")
VOCABULARIES = {"triads": TRIADS, "sevenths": TRIADS + SEVENTHS}
MODES = ("major", "minor")
EMIT_K, TRANS_K = 0.5, 0.1        # add-k smoothing


def states(vocabulary):
    """[(relative root, quality)] in state order."""
    return [(r, q) for q in VOCABULARIES[vocabulary] for r in range(12)]


def melody_key(snd):
    """Key (tonic, mode) of a melody given as sounding pitches per cell (0 = none)."""
    return estimate_key([(int(p), 1) for p in snd if p])


def features(snd, tonic, a, b):
    """Melody cells [a, b) -> (beats each relative pc sounds (12,),
    [(0 on the segment's first beat else 1, relative pc) at each beat onset])."""
    dur = np.zeros(12)
    for p in snd[a:b]:
        if p:
            dur[(p - tonic) % 12] += 0.25
    beats = [t for t in range(a, b) if t % 4 == 0]      # cells from a bar start: a beat every 4
    strong = [(int(t > beats[0]), int(snd[t] - tonic) % 12) for t in beats if snd[t]]
    return dur, strong


def segments(n_cells, spb, unit):
    n = unit_cells(unit, spb)
    return [(a, min(a + n, n_cells)) for a in range(0, n_cells, n)]


def soprano(grid):
    from engine.chord_labels import sounding
    return sounding(grid[:1])[0]


class ChordModel:
    def __init__(self, tables=None, path=DATA):
        if tables is None:
            with np.load(path) as d:
                tables = {k: d[k] for k in d.files}
        self.t = tables
        # emission weights per harmonic rhythm (UNITS order), chosen on the valid split
        self.alpha = dict(zip(UNITS, np.atleast_1d(tables["alpha"]).astype(float)))
        self.beta = dict(zip(UNITS, np.atleast_1d(tables["beta"]).astype(float)))

    def _logs(self, vocabulary, unit, mode):
        p = f"{vocabulary}_{unit}_{mode}_"
        norm = lambda c, k: np.log((c + k) / (c + k).sum(-1, keepdims=True))
        return (norm(self.t[p + "init"], TRANS_K), norm(self.t[p + "trans"], TRANS_K),
                norm(self.t[p + "dur"], EMIT_K), norm(self.t[p + "strong"], EMIT_K))

    def emissions(self, snd, spb, unit, key, vocabulary, segs):
        _, _, ldur, lstrong = self._logs(vocabulary, unit, key[1])
        out = np.zeros((len(segs), ldur.shape[0]))
        for i, (a, b) in enumerate(segs):
            dur, strong = features(snd, key[0], a, b)
            out[i] = self.alpha[unit] * ldur @ dur + self.beta[unit] * sum(lstrong[:, j, pc] for j, pc in strong)
        return out

    def suggest(self, snd, spb, unit, key, vocabulary="triads", k=1, seed=0, temperature=1.0,
                allowed=None, segs=None, previous=None):
        """K chord sequences [(labels [(root pc, quality)], mean log-prob per segment)], the
        Viterbi path first. allowed: bool mask over states (e.g. diatonic only); previous: the
        chord (root pc, quality) just before, when there is one: the first chord follows it."""
        segs = segs or segments(len(snd), spb, unit)
        init, trans, _, _ = self._logs(vocabulary, unit, key[1])
        before = ((previous[0] - key[0]) % 12, previous[1]) if previous else None
        if before in states(vocabulary):
            init = trans[states(vocabulary).index(before)]
        emit = self.emissions(snd, spb, unit, key, vocabulary, segs)
        if allowed is not None:
            emit = np.where(allowed[None], emit, -np.inf)
        names = states(vocabulary)
        paths = [viterbi(init, trans, emit)]
        rng = np.random.default_rng(seed)
        tries = 0
        while len(paths) < k:
            path = ffbs(init / temperature, trans / temperature, emit / temperature, rng)
            tries += 1
            if path not in paths or tries > 8 * k:     # prefer distinct candidates
                paths.append(path)
        out = []
        for path in paths:
            lp = init[path[0]] + sum(trans[x, y] for x, y in zip(path, path[1:])) + emit[np.arange(len(path)), path].sum()
            labels = [((names[s][0] + key[0]) % 12, names[s][1]) for s in path]
            out.append((labels, float(lp) / len(path)))
        return out


def viterbi(init, trans, emit):
    n, S = emit.shape
    score = init + emit[0]
    back = np.zeros((n, S), np.int64)
    for i in range(1, n):
        cand = score[:, None] + trans
        back[i] = cand.argmax(0)
        score = cand.max(0) + emit[i]
    path = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


def _logsumexp(x, axis):
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    return (m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))).squeeze(axis)


def ffbs(init, trans, emit, rng):
    """Forward filtering, backward sampling: one path drawn from the posterior."""
    n, S = emit.shape
    alpha = np.zeros((n, S))
    alpha[0] = init + emit[0]
    for i in range(1, n):
        alpha[i] = _logsumexp(alpha[i - 1][:, None] + trans, 0) + emit[i]
    def draw(logw):
        p = np.exp(logw - logw.max())
        return int(rng.choice(S, p=p / p.sum()))
    path = [draw(alpha[-1])]
    for i in range(n - 2, -1, -1):
        path.append(draw(alpha[i] + trans[:, path[-1]]))
    return path[::-1]


def diatonic_mask(vocabulary, key):
    """States whose chord tones all belong to the key (minor: raised 6th and 7th allowed)."""
    scale = {(p - key[0]) % 12 for p in scale_pcs(key)}
    return np.array([all((r + s) % 12 in scale for s in TEMPLATES[q]) for r, q in states(vocabulary)])


# --- training -----------------------------------------------------------------------

def count(pieces):
    """Counts per vocabulary, unit and mode from labelled chorales."""
    tables = {}
    for vocabulary in VOCABULARIES:
        names = states(vocabulary)
        index = {s: i for i, s in enumerate(names)}
        S = len(names)
        for unit in UNITS:
            for mode in MODES:
                p = f"{vocabulary}_{unit}_{mode}_"
                tables[p + "init"] = np.zeros(S)
                tables[p + "trans"] = np.zeros((S, S))
                tables[p + "dur"] = np.zeros((S, 12))
                tables[p + "strong"] = np.zeros((S, 2, 12))
    for g, spb in pieces:
        snd = soprano(g)
        key = melody_key(snd)
        for unit in UNITS:
            labels = label_grid(g, spb, unit)
            segs = segments(g.shape[1], spb, unit)
            for vocabulary in VOCABULARIES:
                index = {s: i for i, s in enumerate(states(vocabulary))}
                p = f"{vocabulary}_{unit}_{key[1]}_"
                prev = None
                for lab, (a, b) in zip(labels, segs):
                    if lab is None:
                        prev = None
                        continue
                    lab = lab if vocabulary == "sevenths" else to_triad(lab)
                    s = index[((lab[0] - key[0]) % 12, lab[1])]
                    dur, strong = features(snd, key[0], a, b)
                    tables[p + "dur"][s] += dur
                    for j, pc in strong:
                        tables[p + "strong"][s, j, pc] += 1
                    if prev is None:
                        tables[p + "init"][s] += 1
                    else:
                        tables[p + "trans"][prev, s] += 1
                    prev = s
    return tables


def agreement(model, pieces, unit, alpha=None, beta=None):
    """Share of labelled segments where the model's Viterbi triad equals Bach's (labels as in training)."""
    if alpha is not None:
        model.alpha[unit], model.beta[unit] = alpha, beta
    hit = total = 0
    for g, spb in pieces:
        snd = soprano(g)
        key = melody_key(snd)
        ref = [to_triad(x) for x in label_grid(g, spb, unit)]
        pred = model.suggest(snd, spb, unit, key, "triads")[0][0]
        hit += sum(r == p for r, p in zip(ref, pred) if r is not None)
        total += sum(r is not None for r in ref)
    return hit / max(total, 1)


def train(out=DATA):
    from engine.data import load_split
    tables = count(load_split("train"))
    valid = load_split("valid")
    grid = (0.1, 0.25, 0.5, 1.0)
    m = ChordModel(dict(tables, alpha=np.ones(len(UNITS)), beta=np.ones(len(UNITS))))
    chosen = {}
    for unit in UNITS:
        scores = {(a, b): agreement(m, valid, unit, a, b) for a in grid for b in grid}
        chosen[unit] = max(scores, key=scores.get)
        print(f"{unit}: valid agreement {scores[chosen[unit]]:.3f} with alpha, beta = {chosen[unit]}")
    tables = {k: v.astype(np.float32) for k, v in tables.items()}
    np.savez_compressed(out, alpha=np.array([chosen[u][0] for u in UNITS]),
                        beta=np.array([chosen[u][1] for u in UNITS]), **tables)
    print(f"wrote {out} ({os.path.getsize(out) // 1024} kB)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DATA)
    train(ap.parse_args().out)
