// The page's copies of server rules (static/js/core/rules.js) against the server's own answers
// (fixtures written by tests/js/make_rules_fixtures.py from permissions.py and regions.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { canEdit, EDIT_ROLES, lockedTracks, modelAllowed, opsTouchRegion } from '../../static/js/core/rules.js';

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/rules.json', import.meta.url)));

test('a proposal is stale exactly when the server says an edit touched its region', () => {
  let touched = 0;
  fixtures.stale.forEach((c, i) => {
    assert.equal(opsTouchRegion(c.state, c.ops, c.region), c.touched, `case ${i}: ${JSON.stringify(c.ops)}`);
    touched += c.touched;
  });
  assert.ok(touched > 50 && touched < fixtures.stale.length - 50, 'the cases cover both answers');
});

test('deleting a note inside the region or moving one out of it makes a proposal stale', () => {
  const state = { piece: { time_signature: [4, 4], bars: 4 }, tracks: [{ id: 'a' }],
    notes: { n: { id: 'n', track: 'a', start: 1920, duration: 480, pitch: 60 } } };
  const region = { tracks: ['a'], bars: [1, 2] };
  assert.ok(opsTouchRegion(state, [{ op: 'note.delete', id: 'n' }], region));
  assert.ok(opsTouchRegion(state, [{ op: 'note.update', id: 'n', start: 0 }], region));
  assert.ok(!opsTouchRegion(state, [{ op: 'bars.insert', at: 2 }], region), 'bars after the region move nothing in it');
  assert.ok(opsTouchRegion(state, [{ op: 'bars.delete', at: 0 }], region));
});

test('tracks are locked as the server locks them', () => {
  for (const c of fixtures.locks) {
    assert.deepEqual([...lockedTracks(c.state, c.role, c.user)].sort(), c.locked, JSON.stringify(c));
  }
});

test("a piece's AI policy allows the models the server allows", () => {
  for (const c of fixtures.models) assert.equal(modelAllowed(c.piece, c.model), c.allowed, JSON.stringify(c));
  assert.ok(fixtures.models.some((c) => c.allowed) && fixtures.models.some((c) => !c.allowed));
});

test('owners and editors edit; viewers and researchers watch', () => {
  assert.deepEqual([...EDIT_ROLES], ['owner', 'editor']);
  assert.ok(canEdit('editor') && !canEdit('viewer') && !canEdit('researcher'));
});
