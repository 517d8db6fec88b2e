// The JS fold against the server's: every case of fixtures/fold.json was produced by the Python
// apply_ops (tests/js/make_fixtures.py); the JS applyOps must give the same errors (code and op index)
// step by step, and the same final state.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { OP_NAMES } from '../../static/js/core/schema.js';
import { applyOps, emptyState, OpError } from '../../static/js/core/state.js';

// Frozen inputs make any mutation of a state by applyOps throw (modules run in strict mode).
function deepFreeze(value) {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze(value[key]);
  }
  return value;
}

const cases = JSON.parse(readFileSync(new URL('./fixtures/fold.json', import.meta.url), 'utf8'));

test('the fixtures cover every outcome', () => {
  assert.ok(cases.length >= 200);
  const codes = new Set(cases.flatMap((c) => c.steps.map((s) => (s.error ? s.error.code : 'ok'))));
  assert.deepEqual([...codes].sort(), ['conflict', 'invalid', 'ok', 'too_large']);
  // Every op of the protocol applies somewhere, and fails somewhere (as the failing op of its message).
  const applied = new Set(cases.flatMap((c) => c.steps.filter((s) => !s.error).flatMap((s) => s.ops.map((op) => op.op))));
  const failed = new Set(cases.flatMap((c) => c.steps.filter((s) => s.error && s.error.index !== null)
    .map((s) => s.ops[s.error.index]?.op)));
  assert.deepEqual(OP_NAMES.filter((name) => !applied.has(name)), []);
  assert.deepEqual(OP_NAMES.filter((name) => !failed.has(name)), []);
});

test('applyOps matches the Python fold on every fixture case', () => {
  for (const c of cases) {
    let state = emptyState();
    c.steps.forEach((step, i) => {
      const where = `${c.name} step ${i}: ${JSON.stringify(step.ops).slice(0, 300)}`;
      const frozen = JSON.stringify(deepFreeze(state));
      try {
        state = applyOps(state, deepFreeze(step.ops), step.actor, c.limits ?? undefined);
        assert.equal(step.error, null, `${where}: expected ${JSON.stringify(step.error)}, JS applied it`);
      } catch (error) {
        if (!(error instanceof OpError)) throw error;
        assert.deepEqual({ code: error.code, index: error.index }, step.error ?? 'no error', `${where}: ${error.message}`);
        assert.equal(JSON.stringify(state), frozen, `${where}: a failed message changed the state`);
      }
    });
    assert.deepEqual(state, c.final, c.name);
  }
});
