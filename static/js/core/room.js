// The client side of the room protocol (docs/protocol.md) as a pure state machine: no socket, no timers.
// The caller feeds it server messages and local edits, and does what it answers:
//   result = {send: [messages to send now], changed: view changed?, rejected: [my refused ops],
//             applied: [{event, before}],         // committed events folded now, with the state before each
//             retry?: {afterMs, send: [...]},   // send these later (rate_limited, unavailable)
//             checkAfterMs?: n,                   // call tick() after n ms (an event is missing)
//             error?: message}                    // a server error that concerns no pending op
//
// State: `serverState` at `seq` (only committed events), `pending` (my ops not yet seen as events, with
// their client_op_id) and `view` = serverState + pending re-applied, which is what the roll draws.
// A pending message that no longer applies on the server state (it will be refused, or it was already
// committed and its ack is on the way) is left out of the view but kept until the server answers.
import { newId } from './ops.js';
import { normalizeOps, validateOps } from './schema.js';
import { applyOps, emptyState, NO_LIMITS, OpError } from './state.js';

const RETRY_UNAVAILABLE_MS = 1000;

/** One person's connection to one piece, minus the socket. */
export class RoomClient {
  /**
   * @param {{gapWaitMs?: number, syncTimeoutMs?: number, maxBuffered?: number, now?: () => number}} [options]
   *   gapWaitMs: how long an out-of-order event waits for the missing one before a sync (broadcasts can
   *   arrive out of order across server processes); maxBuffered: sync at once past this many.
   */
  constructor({ gapWaitMs = 300, syncTimeoutMs = 5000, maxBuffered = 100, now = () => Date.now() } = {}) {
    Object.assign(this, { gapWaitMs, syncTimeoutMs, maxBuffered, now });
    this.serverState = null;
    this.view = null;
    this.seq = 0;
    this.pending = []; // [{clientOpId, ops}]
    this.buffer = new Map(); // seq -> event that came too early
    this.knownHead = 0; // the highest seq the server has told us exists
    this.gapSince = null; // when we first noticed a gap
    this.syncSentAt = null; // a sync is in flight since then
    this.rebuilding = false; // a full re-fold from seq 0 was asked for
    this.me = null;
    this.limits = {};
  }

  /** True once a welcome has arrived. */
  get ready() { return this.serverState !== null; }

  /**
   * Apply a local edit optimistically and return the `op` message to send (send it now, or let
   * reconnected() re-send it). Throws OpError, changing nothing, if the ops do not apply to the view.
   * @param {object[]} typed the ops; a key or chord symbol may be as typed ("e minor", "BbΔ7")
   * @param {{clientOpId?: string, intent?: "edit"|"undo"|"redo"}} [options] a client_op_id chosen beforehand
   *   (e.g. to key an undo entry), and why the edit is made (the server records undo/redo as such)
   * @returns {{type: "op", client_op_id: string, ops: object[], base_seq: number, intent?: string}} `ops` hold
   *   the canonical text: record these (not `typed`) for undo
   */
  localEdit(typed, { clientOpId = newId('c'), intent = 'edit' } = {}) {
    if (!this.ready) throw new Error('no welcome yet: nothing to edit');
    // As the server does: keys and chord symbols as people type them become canonical text first, then
    // the ops are checked as a client's (untrusted: no provenance; at most ops_per_message).
    const ops = normalizeOps(typed);
    validateOps(ops, { trusted: false, maxOps: this.limits.ops_per_message });
    this.view = applyOps(this.view, ops, this.me, this.limits);
    this.pending.push({ clientOpId, ops, intent });
    return this.opMessage(this.pending[this.pending.length - 1]);
  }

  /**
   * The socket is open again: catch up from `seq` and re-send every pending op with its original id
   * (the server answers a duplicate with its first ack and applies nothing twice).
   * @returns {object[]} messages to send, in order
   */
  reconnected() {
    this.buffer.clear();
    this.gapSince = null;
    this.syncSentAt = this.now();
    return [{ type: 'sync', since: this.seq }, ...this.pending.map((p) => this.opMessage(p))];
  }

  /**
   * Handle one server message (unknown types are ignored, as the protocol asks).
   * @param {object} message
   * @returns {{send: object[], changed: boolean, rejected: object[]}} see the module comment
   */
  handle(message) {
    const result = { send: [], changed: false, rejected: [] };
    const on = HANDLERS[message && message.type];
    if (on) on(this, message, result);
    this.checkGap(result);
    return result;
  }

  /**
   * Call when checkAfterMs has passed: asks for a sync if the gap is still there (or a sync got lost).
   * @returns {{send: object[], changed: boolean, rejected: object[]}}
   */
  tick() {
    const result = { send: [], changed: false, rejected: [] };
    if (this.syncSentAt !== null && this.now() - this.syncSentAt >= this.syncTimeoutMs) this.syncSentAt = null;
    this.checkGap(result);
    return result;
  }

  // -- internals ------------------------------------------------------------------

  opMessage({ clientOpId, ops, intent }) {
    const message = { type: 'op', client_op_id: clientOpId, ops, base_seq: this.seq };
    // The server records undo and redo as such in the piece's history; a plain edit needs no tag.
    if (intent && intent !== 'edit') message.intent = intent;
    return message;
  }

  requestSync(result, since = this.seq) {
    this.syncSentAt = this.now();
    this.gapSince = null;
    result.send.push({ type: 'sync', since });
  }

  // A gap: events are buffered past a hole, or the server told us of a seq we have not seen.
  checkGap(result) {
    if (!this.ready) return;
    const behind = this.buffer.size > 0 || this.knownHead > this.seq;
    if (!behind) { this.gapSince = null; return; }
    if (this.syncSentAt !== null) { result.checkAfterMs = this.syncTimeoutMs; return; }
    if (this.gapSince === null) this.gapSince = this.now();
    const waited = this.now() - this.gapSince;
    if (waited >= this.gapWaitMs || this.buffer.size > this.maxBuffered) this.requestSync(result);
    else result.checkAfterMs = this.gapWaitMs - waited;
  }

  // Fold the buffered events that are next in line; a committed event is mine when its client_op_id is
  // one of my pending ones (the server refuses a client_op_id someone else used).
  drain(result) {
    while (this.buffer.has(this.seq + 1)) {
      const event = this.buffer.get(this.seq + 1);
      this.buffer.delete(this.seq + 1);
      const before = this.serverState;
      try {
        this.serverState = applyOps(this.serverState, event.ops, event.actor, NO_LIMITS);
      } catch (error) {
        if (!(error instanceof OpError)) throw error;
        this.diverged(result, error);
        break;
      }
      this.seq = event.seq;
      this.pending = this.pending.filter((p) => p.clientOpId !== event.client_op_id);
      result.changed = true;
      (result.applied ??= []).push({ event, before });
    }
    for (const seq of this.buffer.keys()) if (seq <= this.seq) this.buffer.delete(seq);
    if (result.changed) this.rebase();
  }

  // A committed event did not fold here: our state is wrong. Re-fold the whole log once; then give up.
  diverged(result, error) {
    this.buffer.clear();
    if (this.rebuilding) {
      result.error = { type: 'error', code: 'diverged', message: `cannot follow the piece: ${error.message}; reload` };
      return;
    }
    this.rebuilding = true;
    this.requestSync(result, 0);
  }

  rebase() {
    let view = this.serverState;
    for (const { ops } of this.pending) {
      try {
        view = applyOps(view, ops, this.me, this.limits);
      } catch (error) {
        if (!(error instanceof OpError)) throw error;
      }
    }
    this.view = view;
  }

  takeEvent(event, result) {
    if (event.seq <= this.seq) return; // seen already
    this.buffer.set(event.seq, event);
    this.knownHead = Math.max(this.knownHead, event.seq);
    this.drain(result);
  }
}

const HANDLERS = {
  welcome(room, msg, result) {
    room.serverState = msg.state;
    room.seq = msg.seq;
    room.knownHead = Math.max(room.knownHead, msg.seq);
    room.me = msg.you ? { kind: 'user', id: msg.you.id } : room.me;
    room.limits = msg.limits || room.limits;
    room.syncSentAt = null;
    room.rebuilding = false;
    room.drain(result);
    room.rebase();
    result.changed = true;
  },
  event(room, msg, result) {
    if (room.ready) room.takeEvent(msg, result);
  },
  events(room, msg, result) {
    if (!room.ready) return;
    room.syncSentAt = null;
    if (room.rebuilding && msg.since === 0) {
      room.serverState = emptyState();
      room.seq = 0;
      room.rebuilding = false;
      result.changed = true;
    }
    for (const event of msg.events || []) room.takeEvent(event, result);
    room.knownHead = Math.max(room.knownHead, msg.seq);
    if (result.changed) room.rebase();
  },
  ack(room, msg, result) {
    room.knownHead = Math.max(room.knownHead, msg.seq);
    if (msg.seq <= room.seq) {
      // Its event is folded in already (or, after a welcome, the state includes it): no longer pending.
      const before = room.pending.length;
      room.pending = room.pending.filter((p) => p.clientOpId !== msg.client_op_id);
      if (room.pending.length !== before) { room.rebase(); result.changed = true; }
    } else if (msg.duplicate && room.syncSentAt === null) {
      room.requestSync(result); // the server does not broadcast a duplicate again: fetch it
    }
  },
  error(room, msg, result) {
    const index = room.pending.findIndex((p) => p.clientOpId === msg.client_op_id);
    if (index < 0) {
      if (msg.code === 'rate_limited' && room.syncSentAt !== null) { // our sync was refused: ask again later
        room.syncSentAt = null;
        result.retry = { afterMs: Math.ceil((msg.retry_after || 1) * 1000), send: [{ type: 'sync', since: room.seq }] };
      } else {
        result.error = msg;
      }
      return;
    }
    const pending = room.pending[index];
    if (msg.code === 'rate_limited' || msg.code === 'unavailable') { // nothing applied: same id, later
      const afterMs = msg.code === 'rate_limited' ? Math.ceil((msg.retry_after || 0) * 1000) : RETRY_UNAVAILABLE_MS;
      result.retry = { afterMs, send: [room.opMessage(pending)] };
      return;
    }
    room.pending.splice(index, 1);
    room.rebase();
    result.changed = true;
    result.rejected.push({ clientOpId: pending.clientOpId, ops: pending.ops, code: msg.code,
      message: msg.message, opIndex: msg.op_index ?? null });
  },
};
