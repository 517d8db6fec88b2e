// Two people in one room, end to end through the pure core: RoomClient for sync, UndoStack for undo,
// a fake server that orders ops, refuses what does not apply, and broadcasts events to both.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as build from '../../static/js/core/ops.js';
import { newId } from '../../static/js/core/ops.js';
import { RoomClient } from '../../static/js/core/room.js';
import { applyOps, OpError } from '../../static/js/core/state.js';
import { UndoStack } from '../../static/js/core/undo.js';
import { piece } from './helpers.mjs';

function studio() {
  const srv = { state: piece([{ start: 0 }]), seq: 1, clients: [], log: [] };
  const deliver = (client, message) => {
    const result = client.room.handle(message);
    for (const r of result.rejected) client.undo.forget(r.clientOpId);
    for (const out of result.send) receive(client, out);
  };
  // What the server does with a client's message.
  function receive(client, message) {
    if (message.type === 'sync') {
      deliver(client, { type: 'events', since: message.since, seq: srv.seq, events: srv.log.filter((e) => e.seq > message.since) });
      return;
    }
    const actor = { kind: 'user', id: client.id };
    try {
      srv.state = applyOps(srv.state, message.ops, actor);
    } catch (error) {
      if (!(error instanceof OpError)) throw error;
      deliver(client, { type: 'error', code: error.code, message: error.message, client_op_id: message.client_op_id,
        op_index: error.index });
      return;
    }
    srv.seq += 1;
    const event = { type: 'event', seq: srv.seq, actor, kind: 'edit', ops: message.ops, client_op_id: message.client_op_id };
    srv.log.push(event);
    for (const c of srv.clients) if (!c.offline) deliver(c, event);
    deliver(client, { type: 'ack', client_op_id: message.client_op_id, seq: srv.seq });
  }
  const join = (id) => {
    const client = { id, room: new RoomClient(), undo: new UndoStack({ actor: { kind: 'user', id } }), outbox: [] };
    client.send = (message) => (client.offline ? client.outbox.push(message) : receive(client, message));
    client.edit = (ops, options = {}) => {
      const before = client.room.view;
      const message = client.room.localEdit(ops);
      client.undo.record(before, ops, { ...options, key: message.client_op_id });
      client.send(message);
    };
    client.undoLast = () => {
      const key = newId('c');
      const result = client.undo.undo(client.room.view, { key });
      if (result && result.ops.length) client.send(client.room.localEdit(result.ops, { clientOpId: key }));
      return result;
    };
    srv.clients.push(client);
    deliver(client, { type: 'welcome', protocol: 1, seq: srv.seq, state: srv.state, you: { id }, limits: {} });
    return client;
  };
  return { srv, join };
}

test('Ana\'s undo removes only her note; both views converge', () => {
  const { srv, join } = studio();
  const ana = join(1);
  const bo = join(2);
  ana.edit([build.noteAdd({ id: 'a1', track: 't1', start: 480, duration: 240, pitch: 64 })]);
  bo.edit([build.noteAdd({ id: 'b1', track: 't2', start: 480, duration: 240, pitch: 67 })]);
  ana.undoLast();
  for (const c of [ana, bo]) {
    assert.deepEqual(c.room.view, srv.state);
    assert.equal(c.room.pending.length, 0);
  }
  assert.deepEqual(Object.keys(srv.state.notes).sort(), ['b1', 'n1']);
});

test('offline edits are re-sent on reconnect; an undo of a note Bo deleted meanwhile sends nothing', () => {
  const { srv, join } = studio();
  const ana = join(1);
  const bo = join(2);
  ana.offline = true;
  ana.edit([build.noteUpdate('n1', { pitch: 72 })]);
  ana.edit([build.noteAdd({ id: 'a2', track: 't1', start: 960, duration: 240, pitch: 64 })]);
  bo.edit([build.noteDelete('n1')]); // Ana does not hear of it yet
  ana.offline = false;
  for (const message of ana.room.reconnected()) ana.send(message);
  assert.equal(srv.state.notes.a2.pitch, 64);
  assert.equal(srv.state.notes.n1, undefined, 'the re-sent update was refused (conflict): n1 stays deleted');
  assert.equal(ana.undo.undoStack.length, 1, 'the refused edit left Ana\'s history');
  ana.undoLast(); // undoes a2
  const result = ana.undoLast();
  assert.equal(result, null, 'nothing left');
  assert.deepEqual(ana.room.view, srv.state);
  assert.deepEqual(bo.room.view, srv.state);
  assert.deepEqual(Object.keys(srv.state.notes), []);
});

test('a drag by Ana while Bo edits the same note: undo returns her fields, keeps his', () => {
  const { srv, join } = studio();
  const ana = join(1);
  const bo = join(2);
  for (let step = 1; step <= 20; step += 1) {
    ana.edit([build.noteUpdate('n1', { start: 24 * step })], { merge: step > 1 });
    if (step === 10) bo.edit([build.noteUpdate('n1', { velocity: 11 })]);
  }
  const result = ana.undoLast();
  assert.deepEqual(result.ops, [{ op: 'note.update', id: 'n1', start: 0 }]);
  assert.equal(srv.state.notes.n1.velocity, 11);
  assert.deepEqual(ana.room.view, srv.state);
  assert.deepEqual(bo.room.view, srv.state);
});
