// Per-person undo: my undo reverses my edit and nobody else's, even when edits interleave.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as build from '../../static/js/core/ops.js';
import { applyOps } from '../../static/js/core/state.js';
import { UndoStack } from '../../static/js/core/undo.js';
import { ANA, BO, music, piece, randomOps, rng } from './helpers.mjs';

// Ana edits through her stack; Bo's edits just happen. `room.state` is the shared piece.
function room(initial = piece([{ start: 0 }, { start: 960 }])) {
  const stack = new UndoStack({ actor: ANA });
  const r = { state: initial, stack };
  r.ana = (ops, options) => { stack.record(r.state, ops, options); r.state = applyOps(r.state, ops, ANA); };
  r.bo = (ops) => { r.state = applyOps(r.state, ops, BO); };
  r.undo = () => { const u = stack.undo(r.state); if (u.ops.length) r.state = applyOps(r.state, u.ops, ANA); return u; };
  r.redo = () => { const u = stack.redo(r.state); if (u.ops.length) r.state = applyOps(r.state, u.ops, ANA); return u; };
  return r;
}

test('undo and redo of my own edit', () => {
  const r = room();
  const start = r.state;
  assert.equal(r.stack.undo(start), null);
  r.ana([build.noteUpdate('n1', { start: 240, pitch: 72 })]);
  const edited = r.state;
  assert.deepEqual(r.undo(), { ops: [{ op: 'note.update', id: 'n1', start: 0, pitch: 60 }], skipped: [] });
  assert.deepEqual(music(r.state), music(start));
  assert.ok(r.stack.canRedo);
  r.redo();
  assert.deepEqual(music(r.state), music(edited));
  assert.equal(r.stack.canRedo, false);
});

test('A edits, B edits another note, A undoes: B\'s note is untouched', () => {
  const r = room();
  r.ana([build.noteAdd({ id: 'a1', track: 't1', start: 0, duration: 240, pitch: 64 })]);
  r.bo([build.noteAdd({ id: 'b1', track: 't1', start: 480, duration: 240, pitch: 67 }), build.noteUpdate('n2', { pitch: 40 })]);
  const bosNotes = { b1: r.state.notes.b1, n2: r.state.notes.n2 };
  const u = r.undo();
  assert.deepEqual(u.ops, [{ op: 'note.delete', id: 'a1' }]);
  assert.equal(r.state.notes.a1, undefined);
  assert.equal(r.state.notes.b1, bosNotes.b1);
  assert.equal(r.state.notes.n2, bosNotes.n2);
});

test('A edits a note that B then deleted: the undo neither resurrects nor clobbers it', () => {
  const r = room();
  r.ana([build.noteUpdate('n1', { pitch: 70 })]);
  r.bo([build.noteDelete('n1')]);
  const before = r.state;
  const u = r.undo();
  assert.deepEqual(u.ops, []);
  assert.equal(u.skipped.length, 1);
  assert.match(u.skipped[0].reason, /deleted/);
  assert.equal(r.state, before);
  assert.equal(r.stack.canRedo, false, 'nothing was undone, so nothing to redo');
});

test('a note I added and B then edited is not deleted by my undo', () => {
  const r = room();
  r.ana([build.noteAdd({ id: 'a1', track: 't1', start: 0, duration: 240, pitch: 64 }), build.noteUpdate('n2', { pitch: 50 })]);
  r.bo([build.noteUpdate('a1', { velocity: 20 })]);
  const u = r.undo();
  assert.deepEqual(u.ops, [{ op: 'note.update', id: 'n2', pitch: 61 }]);
  assert.match(u.skipped[0].reason, /changed this note/);
  assert.equal(r.state.notes.a1.velocity, 20);
});

test('field by field: my start comes back, B\'s later pitch stays', () => {
  const r = room();
  r.ana([build.noteUpdate('n1', { start: 480, pitch: 72 })]);
  r.bo([build.noteUpdate('n1', { pitch: 50 })]);
  const u = r.undo();
  assert.deepEqual(u.ops, [{ op: 'note.update', id: 'n1', start: 0 }]);
  assert.match(u.skipped[0].reason, /pitch/);
  assert.equal(r.state.notes.n1.pitch, 50);
  assert.equal(r.state.notes.n1.start, 0);
});

test('undoing a delete re-adds the note, unless its track is gone', () => {
  const r = room();
  r.ana([build.noteDelete('n1')]);
  r.undo();
  assert.equal(r.state.notes.n1.start, 0);
  r.redo();
  assert.equal(r.state.notes.n1, undefined);
  r.bo([build.trackDelete('t1')]);
  const u = r.undo();
  assert.deepEqual(u.ops, []);
  assert.match(u.skipped[0].reason, /track 't1' does not exist/);
});

test('a drag recorded with merge is one undo unit and one small op', () => {
  const r = room();
  r.ana([build.noteUpdate('n1', { start: 10 }), build.noteUpdate('n2', { start: 970 })]);
  for (let step = 2; step <= 60; step += 1) {
    r.ana([build.noteUpdate('n1', { start: 10 * step, pitch: 60 + (step % 3) }), build.noteUpdate('n2', { start: 960 + 10 * step })],
      { merge: true });
  }
  assert.equal(r.stack.undoStack.length, 1);
  const u = r.undo();
  assert.deepEqual(u.ops.sort((a, b) => (a.id < b.id ? -1 : 1)), [
    { op: 'note.update', id: 'n1', start: 0, pitch: 60 }, { op: 'note.update', id: 'n2', start: 960 }]);
  assert.deepEqual(music(r.state), music(room().state));
});

test('merge keeps B\'s edit made in the middle of my drag when it touched other fields', () => {
  const r = room();
  r.ana([build.noteUpdate('n1', { start: 100 })]);
  r.bo([build.noteUpdate('n1', { velocity: 5 })]);
  r.ana([build.noteUpdate('n1', { start: 200 })], { merge: true });
  r.undo();
  assert.equal(r.state.notes.n1.start, 0);
  assert.equal(r.state.notes.n1.velocity, 5);
});

test('bars I inserted are removed by undo, unless someone wrote into them', () => {
  const r = room(piece([{ start: 1000, duration: 1500 }, { start: 3840 }]));
  const start = r.state;
  r.ana([build.barsInsert(1, 2)]);
  r.undo();
  assert.deepEqual(music(r.state), music(start));
  r.redo();
  r.bo([build.noteAdd({ id: 'b1', track: 't2', start: 2400, duration: 240, pitch: 60 })]);
  const u = r.undo();
  assert.deepEqual(u.ops, []);
  assert.match(u.skipped[0].reason, /inserted bars/);
  assert.ok(r.state.notes.b1);
});

test('undoing a bars.delete puts the bars and their notes back, next to B\'s later work', () => {
  const r = room(piece([{ start: 2000 }, { start: 1000, duration: 1500 }, { start: 4000 }]));
  const start = r.state;
  r.ana([build.barsDelete(1)]);
  r.bo([build.noteAdd({ id: 'b1', track: 't2', start: 2100, duration: 100, pitch: 60 })]); // lands after the cut
  r.undo();
  const { b1, ...rest } = music(r.state).notes;
  assert.deepEqual(rest, music(start).notes);
  assert.equal(b1.start, 2100 + 1920, 'B\'s note moved right with the bars put back');
});

test('a track I added is not deleted once B has notes on it', () => {
  const r = room();
  r.ana([build.trackAdd({ id: 't9', name: 'Mine' })]);
  r.bo([build.noteAdd({ id: 'b1', track: 't9', start: 0, duration: 1, pitch: 1 })]);
  assert.match(r.undo().skipped[0].reason, /notes on this track/);
  assert.ok(r.state.notes.b1);
});

test('piece settings: only the fields nobody changed since are restored', () => {
  const r = room();
  r.ana([build.pieceUpdate({ tempo: 90, title: 'Mine' })]);
  r.bo([build.pieceUpdate({ title: 'Theirs' })]);
  assert.deepEqual(r.undo().ops, [{ op: 'piece.update', tempo: 120 }]);
  assert.equal(r.state.piece.title, 'Theirs');
});

test('record clears redo; forget drops a refused edit; the stack has a limit', () => {
  const r = room();
  r.ana([build.noteUpdate('n1', { pitch: 1 })], { key: 'c-1' });
  r.undo();
  r.ana([build.noteUpdate('n1', { pitch: 2 })], { key: 'c-2' });
  assert.equal(r.stack.canRedo, false);
  r.stack.forget('c-2');
  assert.equal(r.stack.canUndo, false);
  const small = new UndoStack({ actor: ANA, limit: 3 });
  for (let i = 0; i < 5; i += 1) small.record(r.state, [build.noteUpdate('n1', { pitch: i })]);
  assert.equal(small.undoStack.length, 3);
  assert.throws(() => small.record(r.state, [build.noteDelete('nope')]), { code: 'conflict' });
});

test('random interleavings: undo never touches a note only B wrote, and always applies', () => {
  const r0 = rng(99);
  for (let round = 0; round < 60; round += 1) {
    const r = room(piece([{ start: 0 }, { start: 700, duration: 3000 }, { start: 1920, track: 't2' }], ANA, 6));
    const bos = new Set();
    for (let i = 0; i < 6; i += 1) {
      if (r0.next() < 0.5) {
        const ops = randomOps(r.state, r0).filter((op) => op.op.startsWith('note.') && !bos.has(op.id));
        if (ops.length) try { r.ana(ops); } catch { /* filtered ops may no longer apply */ }
      } else {
        const id = `b${round}-${i}`;
        bos.add(id);
        r.bo([build.noteAdd({ id, track: 't2', start: 100 * i, duration: 50, pitch: 30 + i })]);
      }
    }
    const theirs = () => [...bos].map((id) => r.state.notes[id]);
    const before = theirs();
    while (r.stack.canUndo) r.undo(); // applyOps inside throws if an undo does not apply
    assert.deepEqual(theirs(), before, `round ${round}`);
  }
});

// A 4-bar piece (tracks t1, t2; notes n1, n2) with chords c1 (bar 1) and c2 (bars 2-3), a cue and tempo changes.
function withPieceData() {
  return applyOps(piece([{ start: 0 }, { start: 960 }]), [
    build.chordAdd({ id: 'c1', start: 0, duration: 1920, symbol: 'C' }),
    build.chordAdd({ id: 'c2', start: 1920, duration: 3840, symbol: 'Am7' }),
    build.cueAdd({ id: 'q1', time_us: 1_000_000, kind: 'hit' }), build.tempoSet(2, 90)], ANA);
}

test('undoing a track.delete restores the track at its old position with its colour, volume, pan and notes', () => {
  const r = room(applyOps(piece([{ start: 0 }, { start: 960, track: 't2' }]), [
    build.trackUpdate('t1', { colour: '#000000', volume: 30, pan: 5 }), build.trackAdd({ id: 't3', name: 'Bass' })], ANA));
  const before = r.state;
  r.ana([build.trackDelete('t1')]);
  r.bo([build.trackAdd({ id: 'b', name: 'Theirs', index: 0 })]);
  r.undo();
  assert.deepEqual(r.state.tracks.map((t) => t.id), ['t1', 'b', 't2', 't3'], 'at its old index, 0');
  assert.deepEqual(r.state.tracks[0], before.tracks[0]);
  assert.deepEqual(music(r.state).notes, music(before).notes);
  r.ana([build.trackDelete('t3')]); // at index 3
  r.bo([build.trackDelete('t2'), build.trackDelete('b')]);
  r.undo(); // the list is shorter now: the track comes back last rather than not at all
  assert.deepEqual(r.state.tracks.map((t) => t.id), ['t1', 't3']);
});

test('track.move is undone, unless someone moved the tracks since; one drag is one undo', () => {
  const r = room(applyOps(piece(), [build.trackAdd({ id: 't3', name: 'Bass' })], ANA));
  r.ana([build.trackMove('t3', 1)]);
  r.ana([build.trackMove('t3', 0)], { merge: true });
  assert.deepEqual(r.undo().ops, [{ op: 'track.move', id: 't3', index: 2 }]);
  assert.deepEqual(r.state.tracks.map((t) => t.id), ['t1', 't2', 't3']);
  r.ana([build.trackMove('t1', 2)]);
  r.bo([build.trackMove('t1', 0)]);
  assert.match(r.undo().skipped[0].reason, /moved the tracks/);
});

test('chords are undone per person like notes: field by field, and not once someone else edited them', () => {
  const r = room(withPieceData());
  r.ana([build.chordAdd({ id: 'a1', start: 5760, duration: 960, symbol: 'G7' }), build.chordUpdate('c1', { symbol: 'F' })]);
  r.bo([build.chordUpdate('a1', { symbol: 'G7b9' })]);
  const u = r.undo();
  assert.deepEqual(u.ops, [{ op: 'chord.update', id: 'c1', symbol: 'C' }]);
  assert.match(u.skipped[0].reason, /changed this chord/);
  assert.equal(r.state.chords.a1.symbol, 'G7b9');
  r.ana([build.chordUpdate('c2', { start: 2400, duration: 960, symbol: 'Dm7' })]);
  r.bo([build.chordUpdate('c2', { symbol: 'Dm9' })]);
  assert.deepEqual(r.undo().ops, [{ op: 'chord.update', id: 'c2', start: 1920, duration: 3840 }]);
  assert.equal(r.state.chords.c2.symbol, 'Dm9');
  r.ana([build.chordDelete('c1')]);
  r.bo([build.chordAdd({ id: 'b1', start: 0, duration: 480, symbol: 'E' })]);
  assert.match(r.undo().skipped[0].reason, /a chord is already there/, 'its time is taken: it stays deleted');
});

test('cues and the tempo map are undone per person', () => {
  const r = room(withPieceData());
  r.ana([build.cueUpdate('q1', { label: 'slam', time_us: 5 }), build.tempoSet(2, 120), build.tempoSet(3, 60)]);
  r.bo([build.cueUpdate('q1', { label: 'door' }), build.tempoSet(3, 70)]);
  const u = r.undo();
  assert.deepEqual(u.ops, [{ op: 'tempo.set', bar: 2, tempo: 90 }, { op: 'cue.update', id: 'q1', time_us: 1_000_000 }]);
  assert.deepEqual(u.skipped.map((s) => s.reason.match(/tempo at bar 4|label/)?.[0]), ['tempo at bar 4', 'label']);
  assert.deepEqual(r.state.tempo_changes.map((c) => [c.bar, c.tempo]), [[2, 90], [3, 70]]);
  r.ana([build.tempoDelete(2), build.cueDelete('q1')]);
  r.undo();
  assert.deepEqual(r.state.tempo_changes.map((c) => [c.bar, c.tempo]), [[2, 90], [3, 70]]);
  assert.equal(r.state.cues.q1.label, 'door');
});

test('bars I inserted stay when someone put a chord or a tempo change in them; a delete comes back whole', () => {
  const r = room(withPieceData());
  r.ana([build.barsInsert(1)]);
  r.bo([build.tempoSet(1, 100)]);
  assert.match(r.undo().skipped[0].reason, /inserted bars/);
  const r2 = room(withPieceData());
  r2.ana([build.barsInsert(3)]); // c2 sounds across bar 4: undo puts its duration back
  r2.undo();
  assert.deepEqual(music(r2.state), music(withPieceData()));
  const r3 = room(withPieceData());
  r3.ana([build.barsDelete(1, 2)]);
  r3.bo([build.tempoSet(1, 200)]); // after the cut's bars: it moves right with them
  const u = r3.undo();
  assert.deepEqual(r3.state.tempo_changes.map((c) => [c.bar, c.tempo]), [[2, 90], [3, 200]]);
  assert.deepEqual(music(r3.state).chords, music(withPieceData()).chords);
  assert.equal(u.skipped.length, 0);
});
