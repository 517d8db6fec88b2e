// The room client: optimistic edits, ordering by seq, gaps, errors and reconnects (docs/protocol.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as build from '../../static/js/core/ops.js';
import { RoomClient } from '../../static/js/core/room.js';
import { applyOps } from '../../static/js/core/state.js';
import { ANA, BO, music, piece } from './helpers.mjs';

// A fake server: folds ops into its own log and makes the messages the real one sends.
function server(state = piece([{ start: 0 }])) {
  const s = { state, seq: 10, log: [] };
  s.welcome = () => ({ type: 'welcome', protocol: 1, piece_id: 7, seq: s.seq, state: s.state,
    you: { id: 1, name: 'Ana', role: 'owner' }, limits: { ops_per_message: 500, notes_per_piece: 20000 } });
  s.commit = (ops, actor, clientOpId = null) => {
    s.state = applyOps(s.state, ops, actor);
    s.seq += 1;
    const event = { type: 'event', seq: s.seq, actor, kind: 'edit', ops, client_op_id: clientOpId, at: null };
    s.log.push(event);
    return event;
  };
  s.fromOp = (message) => s.commit(message.ops, ANA, message.client_op_id);
  s.ack = (event) => ({ type: 'ack', client_op_id: event.client_op_id, seq: event.seq });
  s.events = (since) => ({ type: 'events', since, seq: s.seq, events: s.log.filter((e) => e.seq > since) });
  return s;
}

function clock() {
  const c = { t: 1000 };
  c.now = () => c.t;
  return c;
}

function joined(srv = server(), c = clock()) {
  const room = new RoomClient({ now: c.now, gapWaitMs: 300 });
  const r = room.handle(srv.welcome());
  assert.equal(r.changed, true);
  return { room, srv, c };
}

test('welcome, then a local edit shows at once and is confirmed by its event and ack', () => {
  const { room, srv } = joined();
  assert.equal(room.seq, 10);
  const msg = room.localEdit([build.noteUpdate('n1', { pitch: 72 })]);
  assert.equal(msg.type, 'op');
  assert.match(msg.client_op_id, /^c-/);
  assert.equal(msg.base_seq, 10);
  assert.equal(room.view.notes.n1.pitch, 72, 'optimistic');
  assert.equal(room.serverState.notes.n1.pitch, 60, 'not committed yet');
  const event = srv.fromOp(msg);
  const r = room.handle(event);
  assert.equal(r.changed, true);
  assert.equal(room.pending.length, 0);
  assert.equal(room.view, room.serverState);
  assert.deepEqual(room.handle(srv.ack(event)), { send: [], changed: false, rejected: [] });
  assert.deepEqual(room.serverState, srv.state);
});

test('an edit that cannot apply locally throws and changes nothing', () => {
  const { room } = joined();
  assert.throws(() => room.localEdit([build.noteDelete('nope')]), { code: 'conflict' });
  assert.throws(() => room.localEdit(Array.from({ length: 501 }, () => build.noteUpdate('n1', { pitch: 1 }))),
    { code: 'too_large' });
  assert.throws(() => room.localEdit([{ ...build.noteAdd({ track: 't1', start: 0, duration: 1, pitch: 1 }),
    provenance: { author: { kind: 'model', name: 'forged' } } }]), { code: 'invalid', index: 0 });
  assert.equal(room.pending.length, 0);
});

test('others\' events apply under my pending edits; duplicates are ignored', () => {
  const { room, srv } = joined();
  const mine = room.localEdit([build.noteAdd({ id: 'a1', track: 't1', start: 960, duration: 240, pitch: 64 })]);
  const theirs = srv.commit([build.noteUpdate('n1', { velocity: 10 })], BO);
  room.handle(theirs);
  assert.equal(room.view.notes.n1.velocity, 10);
  assert.ok(room.view.notes.a1, 'my pending note is still shown');
  const again = room.handle(theirs);
  assert.equal(again.changed, false);
  assert.equal(room.seq, 11);
  room.handle(srv.fromOp(mine));
  assert.deepEqual(music(room.view), music(srv.state));
});

test('a gap is waited out briefly, then a sync is asked for; the answer fills it', () => {
  const c = clock();
  const { room, srv } = joined(server(), c);
  const e11 = srv.commit([build.noteUpdate('n1', { pitch: 61 })], BO);
  const e12 = srv.commit([build.noteUpdate('n1', { pitch: 62 })], BO);
  const e13 = srv.commit([build.noteUpdate('n1', { pitch: 63 })], BO);
  // out of order, then the missing one arrives in time: no sync
  let r = room.handle(e12);
  assert.deepEqual(r.send, []);
  assert.equal(r.checkAfterMs, 300);
  assert.equal(room.seq, 10);
  r = room.handle(e11);
  assert.equal(room.seq, 12);
  assert.equal(r.checkAfterMs, undefined);
  // e14 is lost: e15 waits, then a sync goes out
  srv.commit([build.noteUpdate('n1', { pitch: 64 })], BO);
  const e15 = srv.commit([build.noteUpdate('n1', { pitch: 65 })], BO);
  room.handle(e13);
  room.handle(e15);
  c.t += 100;
  assert.deepEqual(room.tick().send, []);
  c.t += 200;
  r = room.tick();
  assert.deepEqual(r.send, [{ type: 'sync', since: 13 }]);
  assert.deepEqual(room.tick().send, [], 'one sync at a time');
  room.handle(srv.events(13));
  assert.equal(room.seq, 15);
  assert.equal(room.view.notes.n1.pitch, 65);
  assert.equal(room.buffer.size, 0);
});

test('many events past a hole ask for a sync at once', () => {
  const { room, srv } = joined();
  srv.commit([build.noteUpdate('n1', { pitch: 1 })], BO);
  const sent = [];
  for (let i = 0; i < 120; i += 1) sent.push(...room.handle(srv.commit([build.noteUpdate('n1', { pitch: 2 })], BO)).send);
  assert.deepEqual(sent, [{ type: 'sync', since: 10 }], 'one sync, as soon as more than 100 wait');
});

test('an error for a pending op drops it and rebases the rest', () => {
  const { room, srv } = joined();
  const first = room.localEdit([build.noteUpdate('n1', { pitch: 70 })]);
  const second = room.localEdit([build.noteAdd({ id: 'a2', track: 't1', start: 0, duration: 1, pitch: 1 })]);
  room.handle(srv.commit([build.noteDelete('n1')], BO));
  assert.equal(room.view.notes.n1, undefined, 'my update no longer applies: out of the view');
  assert.equal(room.pending.length, 2, 'but pending until the server answers');
  const r = room.handle({ type: 'error', code: 'conflict', message: "op 0: note 'n1' does not exist",
    client_op_id: first.client_op_id, op_index: 0 });
  assert.equal(r.changed, true);
  assert.deepEqual(r.rejected.map((x) => [x.clientOpId, x.code, x.opIndex]), [[first.client_op_id, 'conflict', 0]]);
  assert.deepEqual(room.pending.map((p) => p.clientOpId), [second.client_op_id]);
  assert.ok(room.view.notes.a2);
});

test('rate_limited and unavailable keep the op and say when to re-send it, with the same id', () => {
  const { room } = joined();
  const msg = room.localEdit([build.noteUpdate('n1', { pitch: 70 })]);
  let r = room.handle({ type: 'error', code: 'rate_limited', retry_after: 0.031, client_op_id: msg.client_op_id });
  assert.deepEqual(r.retry, { afterMs: 31, send: [msg] });
  r = room.handle({ type: 'error', code: 'unavailable', client_op_id: msg.client_op_id });
  assert.equal(r.retry.send[0].client_op_id, msg.client_op_id);
  assert.equal(room.pending.length, 1);
  r = room.handle({ type: 'error', code: 'bad_json', message: 'x' });
  assert.equal(r.error.code, 'bad_json');
});

test('reconnect: sync from the last seq and re-send pending ops with their ids; duplicates settle', () => {
  const { room, srv } = joined();
  const a = room.localEdit([build.noteUpdate('n1', { pitch: 70 })]);
  const b = room.localEdit([build.noteAdd({ id: 'a2', track: 't1', start: 0, duration: 1, pitch: 1 })]);
  const committed = srv.fromOp(a); // committed, but the socket dropped before its event and ack
  srv.commit([build.noteUpdate('n1', { velocity: 3 })], BO);
  const out = room.reconnected();
  assert.deepEqual(out, [{ type: 'sync', since: 10 }, { ...a, base_seq: 10 }, { ...b, base_seq: 10 }]);
  room.handle(srv.welcome()); // the server greets every new socket
  assert.equal(room.seq, 12);
  assert.equal(room.view.notes.n1.pitch, 70);
  room.handle(srv.events(10)); // answer to our sync: all seen already
  room.handle({ ...srv.ack(committed), duplicate: true }); // re-sent a: already committed
  room.handle(srv.ack(srv.fromOp(b)));
  assert.equal(room.pending.length, 1, 'b stays pending until its event arrives');
  room.handle(srv.log[srv.log.length - 1]);
  assert.equal(room.pending.length, 0);
  assert.deepEqual(room.serverState, srv.state);
});

test('an ack ahead of its lost event leads to a sync', () => {
  const c = clock();
  const { room, srv } = joined(server(), c);
  const msg = room.localEdit([build.noteUpdate('n1', { pitch: 70 })]);
  const r = room.handle(srv.ack(srv.fromOp(msg)));
  assert.equal(r.checkAfterMs, 300);
  c.t += 300;
  assert.deepEqual(room.tick().send, [{ type: 'sync', since: 10 }]);
  const dup = room.handle({ ...srv.ack(srv.log[0]), duplicate: true });
  assert.deepEqual(dup.send, [], 'a sync is already on its way');
});

test('an event our fold cannot apply triggers one full re-fold from seq 0', () => {
  const srv = server();
  const room = new RoomClient();
  const wrong = { ...srv.welcome(), state: piece([]) }; // a client state that lost note n1
  room.handle(wrong);
  const r = room.handle(srv.commit([build.noteDelete('n1')], BO));
  assert.deepEqual(r.send, [{ type: 'sync', since: 0 }]);
  const full = { type: 'events', since: 0, seq: 1, events: [{ type: 'event', seq: 1, actor: ANA, ops: [
    { op: 'piece.update', bars: 4 }, { op: 'track.add', id: 't1', name: 'S' }] }] };
  room.handle(full);
  assert.equal(room.seq, 1);
  assert.deepEqual(room.view.tracks.map((t) => t.id), ['t1']);
});

test('messages it does not know are ignored', () => {
  const { room } = joined();
  for (const msg of [{ type: 'presence', user: 2 }, { type: 'job', job_id: 1 }, { type: 'pong' }, {}, null]) {
    assert.deepEqual(room.handle(msg), { send: [], changed: false, rejected: [] });
  }
});

test('localEdit normalises keys and chord symbols as the server will, and refuses junk whole', () => {
  const { room, srv } = joined();
  const message = room.localEdit([build.pieceUpdate({ key: 'b-flat minor' }),
    build.chordAdd({ id: 'c1', start: 0, duration: 480, symbol: ' am7 / g ' })]);
  assert.deepEqual(message.ops.map((op) => op.key ?? op.symbol), ['Bb minor', 'Am7/G']);
  assert.equal(room.view.piece.key, 'Bb minor');
  assert.equal(room.view.chords.c1.symbol, 'Am7/G');
  const event = srv.fromOp(message);
  room.handle(event);
  assert.deepEqual(music(room.view), music(srv.state), 'the server stores what the client showed');
  const before = room.view;
  assert.throws(() => room.localEdit([build.chordAdd({ start: 480, duration: 480, symbol: 'G7' }),
    build.pieceUpdate({ key: 'H major' })]), { code: 'invalid', index: 1 });
  assert.equal(room.view, before);
});
