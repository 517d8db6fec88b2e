// The shortcut table is data: the help overlay and docs/studio.md come from it, and keys yield to
// focused controls.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { actionFor, keyLabel, SHORTCUTS, shortcutsMarkdown } from '../../static/js/keymap.js';

const DOCS = new URL('../../docs/studio.md', import.meta.url);

/** A stand-in for a KeyboardEvent's target: `matches` names the selectors `closest` finds. */
const element = (tagName, matches = []) => ({ tagName, closest: (sel) => (matches.some((m) => sel.includes(m)) ? {} : null) });
const key = (code, target, mods = {}) => ({ code, target, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

test('docs/studio.md lists exactly the shortcuts of the keymap', () => {
  const text = readFileSync(DOCS, 'utf8');
  const table = text.split('<!-- shortcuts:start -->')[1]?.split('<!-- shortcuts:end -->')[0]?.trim();
  assert.equal(table, shortcutsMarkdown(), 'run: node tests/js/write_shortcut_docs.mjs');
});

test('Space and Enter press a focused button or checkbox instead of the transport', () => {
  const roll = element('PIANO-ROLL');
  assert.equal(actionFor(key('Space', roll)), 'play-toggle');
  assert.equal(actionFor(key('Space', element('BUTTON', ['button']))), null);
  assert.equal(actionFor(key('Enter', element('A', ['a[href]']))), null);
  assert.equal(actionFor(key('Space', element('INPUT'))), null);
  assert.equal(actionFor(key('KeyZ', element('BUTTON', ['button']), { ctrlKey: true })), 'undo', 'other shortcuts still work');
  assert.equal(actionFor(key('KeyD', element('BUTTON', ['dialog']))), null, 'nothing is a shortcut inside a dialog');
});

test('D alone and Ctrl+D both duplicate, as the docs say', () => {
  assert.equal(actionFor(key('KeyD', element('PIANO-ROLL'))), 'duplicate');
  assert.equal(actionFor(key('KeyD', element('PIANO-ROLL'), { ctrlKey: true })), 'duplicate');
});

test('every shortcut is unique and has a readable label', () => {
  const seen = new Set();
  for (const s of SHORTCUTS) {
    const id = `${s.code}${s.mod}${s.shift}${s.alt}`;
    assert.ok(!seen.has(id), `duplicate key ${id}`);
    seen.add(id);
    assert.ok(keyLabel(s, { mac: false }).length > 0);
  }
  assert.equal(keyLabel({ code: 'KeyZ', mod: true, shift: true }, { mac: false }), 'Ctrl+Shift+Z');
  assert.equal(keyLabel({ code: 'ArrowUp', shift: true }, { mac: true }), 'Shift+↑');
});
