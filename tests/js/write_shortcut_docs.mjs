// Rewrite the shortcut table of docs/studio.md from static/js/keymap.js:  node tests/js/write_shortcut_docs.mjs
import { readFileSync, writeFileSync } from 'node:fs';

import { shortcutsMarkdown } from '../../static/js/keymap.js';

const path = new URL('../../docs/studio.md', import.meta.url);
const [before, rest] = readFileSync(path, 'utf8').split('<!-- shortcuts:start -->');
const after = rest.split('<!-- shortcuts:end -->')[1];
writeFileSync(path, `${before}<!-- shortcuts:start -->\n${shortcutsMarkdown()}\n<!-- shortcuts:end -->${after}`);
