// Shared test helpers: a seeded random source, small pieces, and a comparison that ignores what an
// inverse documents it cannot restore (provenance, note and track order).
import { applyOps, emptyState } from '../../static/js/core/state.js';

export const ANA = { kind: 'user', id: 1 };
export const BO = { kind: 'user', id: 2 };

/** A deterministic random source (mulberry32), so a failing seed can be replayed. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo)), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

/** A 4-bar piece in 4/4 with tracks t1, t2 and the given notes, all written by `actor`. */
export function piece(notes = [], actor = ANA, bars = 4) {
  return applyOps(emptyState(), [
    { op: 'piece.update', title: 'Test', bars },
    { op: 'track.add', id: 't1', name: 'Soprano' },
    { op: 'track.add', id: 't2', name: 'Alto' },
    ...notes.map((n, i) => ({ op: 'note.add', id: `n${i + 1}`, track: 't1', duration: 480, pitch: 60 + i, ...n })),
  ], actor);
}

const fields = (items, names) => Object.fromEntries(Object.entries(items)
  .map(([id, item]) => [id, Object.fromEntries(names.map((f) => [f, item[f]]))]));

/**
 * The parts of a state an edit is about: the piece, the tracks in order, and notes, chords, cues and tempo
 * changes without provenance (which an inverse documents it cannot always restore).
 */
export function music(state) {
  return {
    piece: state.piece, tracks: state.tracks,
    notes: fields(state.notes, ['id', 'track', 'start', 'duration', 'pitch', 'velocity']),
    chords: fields(state.chords, ['id', 'start', 'duration', 'symbol']),
    cues: fields(state.cues, ['id', 'time_us', 'label', 'kind']),
    tempo: state.tempo_changes.map(({ bar, tempo }) => ({ bar, tempo })),
  };
}

/** Ops that apply to `state`, drawn at random: every kind, on existing and new notes, tracks and bars. */
export function randomOps(state, r, count = 1 + r.int(0, 4)) {
  const ops = [];
  let s = state;
  for (let tries = 0; ops.length < count && tries < 50; tries += 1) {
    const op = randomOp(s, r);
    try {
      s = applyOps(s, [op], ANA);
      ops.push(op);
    } catch { /* not applicable here: draw another */ }
  }
  return ops;
}

let counter = 0;
function randomOp(state, r) {
  const end = 1920 * state.piece.time_signature[0] / state.piece.time_signature[1] * state.piece.bars;
  const ids = Object.keys(state.notes);
  const tracks = state.tracks.map((t) => t.id);
  const kind = r.pick(['note.add', 'note.add', 'note.update', 'note.update', 'note.delete', 'track.add',
    'track.update', 'track.delete', 'track.move', 'piece.update', 'bars.insert', 'bars.delete', 'chord.add',
    'chord.add', 'chord.update', 'chord.delete', 'cue.add', 'cue.update', 'cue.delete', 'tempo.set', 'tempo.delete']);
  counter += 1;
  const chords = Object.keys(state.chords);
  const cues = Object.keys(state.cues);
  switch (kind) {
    case 'track.move': return { op: kind, id: r.pick(tracks), index: r.int(0, tracks.length) };
    case 'chord.add': {
      const duration = r.pick([480, 960, 1920]);
      return { op: kind, id: `rc${counter}`, start: r.int(0, Math.max(1, end - duration)) - (r.next() < 0.7 ? 0 : 1),
        duration, symbol: r.pick(['C', 'Am7', 'F#m7b5', 'Bb7/D', 'N.C.']) };
    }
    case 'chord.update': return { op: kind, id: r.pick(chords), ...r.pick([{ start: r.int(0, end / 2) },
      { symbol: r.pick(['Dm7', 'G7']) }, { duration: r.int(1, 500) }]) };
    case 'chord.delete': return { op: kind, id: r.pick(chords) };
    case 'cue.add': return { op: kind, id: `rq${counter}`, time_us: r.int(0, 10 ** 8), kind: r.pick(['hit', 'cadence']),
      ...(r.next() < 0.5 ? { label: `cue ${counter}` } : {}) };
    case 'cue.update': return { op: kind, id: r.pick(cues), ...r.pick([{ time_us: r.int(0, 10 ** 8) },
      { label: 'moved' }, { kind: 'stop' }]) };
    case 'cue.delete': return { op: kind, id: r.pick(cues) };
    case 'tempo.set': return { op: kind, bar: r.int(1, state.piece.bars), tempo: r.int(20, 401) };
    case 'tempo.delete': return { op: kind, bar: r.pick(state.tempo_changes.map((c) => c.bar)) };
    case 'note.add': {
      const duration = r.pick([60, 240, 480, 1000, 2500]);
      return { op: kind, id: `r${counter}`, track: r.pick(tracks), start: r.int(0, Math.max(1, end - duration)), duration,
        pitch: r.int(0, 128), velocity: r.int(1, 128) };
    }
    case 'note.update': return { op: kind, id: r.pick(ids), ...r.pick([{ start: r.int(0, end / 2) },
      { pitch: r.int(0, 128), velocity: r.int(1, 128) }, { duration: r.int(1, 500) }, { track: r.pick(tracks) }]) };
    case 'note.delete': return { op: kind, id: r.pick(ids) };
    case 'track.add': return { op: kind, id: `rt${counter}`, name: 'New', program: r.int(0, 128),
      ...r.pick([{}, { index: r.int(0, tracks.length + 1) }, { colour: '#123456', volume: r.int(0, 128), pan: 0 }]) };
    case 'track.update': return { op: kind, id: r.pick(tracks), ...r.pick([{ name: `T${counter}`, owner: r.pick([null, 1, 2]) },
      { colour: '#abcdef' }, { volume: r.int(0, 128), pan: r.int(0, 128) }]) };
    case 'track.delete': return { op: kind, id: r.pick(tracks) };
    case 'piece.update': return { op: kind, ...r.pick([{ title: `P${counter}` }, { tempo: r.int(20, 401) },
      { bars: state.piece.bars + r.int(0, 3) }, { key: 'G major', ai_mode: 'alternate' }, { time_signature: [3, 4] },
      { fps: '29.97df', start_offset_us: r.int(0, 10 ** 9) }]) };
    case 'bars.insert': return { op: kind, at: r.int(0, state.piece.bars + 1), count: r.int(1, 3) };
    default: return { op: kind, at: r.int(0, state.piece.bars), ...(r.next() < 0.5 ? {} : { count: r.int(1, 3) }) };
  }
}
