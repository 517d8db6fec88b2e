// The room's socket: reconnects with jittered backoff after any close; after the server sheds it as too
// slow (4008) it waits longer first, then the RoomClient catches up with `sync` and re-sends pending edits.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';

import * as build from '../../static/js/core/ops.js';
import { RoomClient } from '../../static/js/core/room.js';
import { RoomSocket, TOO_SLOW, TOO_SLOW_DELAY_MS } from '../../static/js/net/socket.js';
import { piece } from './helpers.mjs';

// A stand-in for the browser's WebSocket: the test opens and closes it as the server would.
class FakeWebSocket {
  static OPEN = 1;
  static made = [];
  constructor(url) {
    Object.assign(this, { url, readyState: 0, sent: [] });
    FakeWebSocket.made.push(this);
  }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.readyState = 3; }
  serverOpens() { this.readyState = 1; this.onopen(); }
  serverCloses(code) { this.readyState = 3; this.onclose({ code }); }
}

beforeEach(() => {
  FakeWebSocket.made = [];
  globalThis.WebSocket = FakeWebSocket;
  mock.timers.enable({ apis: ['setTimeout'] });
  mock.method(Math, 'random', () => 0); // the shortest jitter: x0.5
});

afterEach(() => {
  mock.timers.reset();
  mock.restoreAll();
  delete globalThis.WebSocket;
});

function socketWithLog() {
  const log = [];
  const socket = new RoomSocket('ws://studio/ws/pieces/7/', {
    onOpen: () => log.push('open'), onClose: (code) => log.push(`close ${code}`), onMessage: () => {},
  });
  return { socket, log };
}

test('an ordinary close reconnects after the first backoff step (0.5 s, jittered)', () => {
  const { log } = socketWithLog();
  FakeWebSocket.made[0].serverOpens();
  FakeWebSocket.made[0].serverCloses(1006);
  mock.timers.tick(249);
  assert.equal(FakeWebSocket.made.length, 1);
  mock.timers.tick(1);
  assert.equal(FakeWebSocket.made.length, 2);
  assert.deepEqual(log, ['open', 'close 1006']);
});

test('after a 4008 (too slow) it waits longer before reconnecting', () => {
  const { log } = socketWithLog();
  FakeWebSocket.made[0].serverOpens();
  FakeWebSocket.made[0].serverCloses(TOO_SLOW);
  assert.deepEqual(log, ['open', `close ${TOO_SLOW}`]);
  mock.timers.tick(TOO_SLOW_DELAY_MS * 0.5 - 1);
  assert.equal(FakeWebSocket.made.length, 1, 'not yet');
  mock.timers.tick(1);
  assert.equal(FakeWebSocket.made.length, 2, 'reconnected');
});

test('a shed client catches up from its seq and re-sends its pending edit on the new socket', () => {
  const room = new RoomClient();
  const socket = new RoomSocket('ws://studio/ws/pieces/7/', {
    onOpen: () => room.reconnected().forEach((m) => socket.send(m)), onClose: () => {}, onMessage: () => {},
  });
  FakeWebSocket.made[0].serverOpens();
  room.handle({ type: 'welcome', protocol: 1, piece_id: 7, seq: 12, state: piece([{ start: 0 }]),
    you: { id: 1, name: 'Ana', role: 'owner' }, limits: { ops_per_message: 500, notes_per_piece: 20000 } });
  const edit = room.localEdit([build.noteUpdate('n1', { pitch: 72 })]);
  FakeWebSocket.made[0].serverCloses(TOO_SLOW);
  mock.timers.tick(TOO_SLOW_DELAY_MS * 1.5);
  const again = FakeWebSocket.made[1];
  again.serverOpens();
  assert.deepEqual(again.sent[0], { type: 'sync', since: 12 });
  assert.equal(again.sent[1].client_op_id, edit.client_op_id, 'same id, so a duplicate is not applied twice');
});

test('close() stops reconnecting', () => {
  const { socket } = socketWithLog();
  FakeWebSocket.made[0].serverOpens();
  socket.close();
  FakeWebSocket.made[0].onclose({ code: 1000 });
  mock.timers.tick(10_000);
  assert.equal(FakeWebSocket.made.length, 1);
});
