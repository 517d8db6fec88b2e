import assert from "node:assert/strict";
import { test } from "node:test";

import { analyticsFigures, analyticsHtml, acceptanceRows } from "../../static/js/history/analytics.js";
import { barChart, labelColumn, barLength, binLabel, histogram, niceMax } from "../../static/js/history/charts.js";
import { describeChange, describeNote, diffSummary, groupDiff } from "../../static/js/history/diff.js";

const values = (svg) => [...svg.matchAll(/data-value="([^"]*)"/g)].map((m) => m[1]);
const widths = (svg) => [...svg.matchAll(/<rect x="\d+" y="[\d.]+" width="([\d.]+)" height/g)].map((m) => Number(m[1]));

test("axis ends are 1, 2 or 5 times a power of ten at or above the data", () => {
  assert.deepEqual([0, 0.3, 1, 3, 7, 10, 11, 48, 120].map(niceMax), [1, 0.5, 1, 5, 10, 10, 20, 50, 200]);
  assert.equal(barLength(5, 10, 200), 100);
  assert.equal(barLength(null, 10, 200), 0);
  assert.equal(barLength(20, 10, 200), 200);
});

test("a histogram puts every value in one bin of readable width", () => {
  const bins = histogram([0.5, 3, 4.9, 11, 59]);
  assert.equal(bins.reduce((n, b) => n + b.count, 0), 5);
  assert.equal(bins[0].from, 0);
  assert.equal(bins[1].from - bins[0].from, 10);
  assert.equal(bins.at(-1).count, 1); // 59 lands in the last bin
  assert.deepEqual(histogram([]), []);
  assert.deepEqual(histogram([0, 0]).map((b) => b.count), [2]);
  assert.equal(binLabel({ from: 10, to: 20 }), "10–20 s");
  assert.deepEqual(histogram([0.01, 0.06]).map(binLabel).slice(0, 2), ["0.00–0.01 s", "0.01–0.02 s"]);
});

test("bars are as long as their values on a shared axis, and labels are escaped", () => {
  const svg = barChart({ label: "t", width: 400, rows: [{ label: "<Ana>", colour: "#112233", values: [10] },
    { label: "Bo", colour: "bad", values: [5] }] });
  assert.deepEqual(values(svg), ["10", "5"]);
  const [a, b] = widths(svg);
  assert.equal(a, 2 * b);
  assert.ok(svg.includes("&#60;Ana&#62;") && !svg.includes("<Ana>"));
  assert.ok(svg.includes('fill="#98a2b3"')); // a colour that is not #rrggbb never reaches the markup
  assert.match(barChart({ label: "t", rows: [], empty: "No accepts yet." }), /No accepts yet\./);
});

test("two series draw two bars per row and a legend", () => {
  const svg = barChart({ label: "t", series: [{ name: "written", opacity: 0.4 }, { name: "final" }],
    rows: [{ label: "Ana", colour: "#112233", values: [8, 6] }] });
  assert.deepEqual(values(svg), ["8", "6"]);
  assert.match(svg, /written/);
  assert.match(svg, /fill-opacity="0.4"/);
});

const ANALYTICS = {
  piece: 7, pieces: 1,
  actors: [{ key: "user:3", kind: "user", name: "Ana", colour: "#e6194b" },
    { key: "model:gridcoco@1.0", kind: "model", name: "gridcoco@1.0", colour: "#7a5af8" }],
  notes_by_author: [{ actor: "user:3", written: 12, final: 10 }, { actor: "model:gridcoco@1.0", written: 8, final: 6 }],
  bars_by_author: [{ actor: "user:3", bars: 3 }, { actor: "model:gridcoco@1.0", bars: 1 }],
  ai_notes: { accepted: 8, surviving: 6, survival_share: 0.75, edited_by_humans: 2, deleted_by_humans: 2 },
  acceptance: {
    by_operation: [{ key: "infill", proposals: 3, accepted: 1, rejected: 1, undecided: 1, rate: 0.5 },
      { key: "continue", proposals: 1, accepted: 0, rejected: 0, undecided: 1, rate: null }],
    by_controls: [], by_member: [{ key: "user:3", proposals: 4, accepted: 1, rejected: 1, undecided: 2, rate: 0.5 }],
  },
  decision_seconds: { count: 2, median: 9, mean: 9, values: [6, 12] },
  auditioned_before_accept: { count: 1, mean: 2, histogram: { 2: 1, 10: 0, 1: 0 } },
};

test("analytics become one figure per question with the server's numbers", () => {
  const figures = Object.fromEntries(analyticsFigures(ANALYTICS).map((f) => [f.id, f]));
  assert.deepEqual(figures["notes-by-author"].chart.rows.map((r) => [r.label, ...r.values]),
    [["Ana", 12, 10], ["gridcoco@1.0", 8, 6]]);
  assert.deepEqual(figures["ai-notes"].chart.rows.map((r) => r.values[0]), [8, 6, 2, 2]);
  assert.match(figures["ai-notes"].subtitle, /75%/);
  assert.deepEqual(figures["acceptance-operation"].chart.rows.map((r) => r.texts[0]), ["50% (1 of 2)", "no decisions"]);
  assert.equal(figures["acceptance-member"].chart.rows[0].label, "Ana");
  assert.deepEqual(figures.auditioned.chart.rows.map((r) => r.label), ["1 candidate", "2 candidates", "10 candidates"]);
  assert.match(figures["decision-time"].subtitle, /median 9\.0 s.*2 decisions/);
  const html = analyticsHtml(ANALYTICS);
  assert.equal((html.match(/<figure/g) || []).length, 8);
  assert.match(html, /Nothing to show yet/); // by_controls is empty
});

test("acceptance rows: rate in percent on a 0-100 axis, null rate draws no bar", () => {
  const rows = acceptanceRows([{ key: "k", proposals: 2, accepted: 0, rejected: 0, undecided: 2, rate: null }]);
  assert.deepEqual(rows[0].values, [null]);
  assert.match(rows[0].hint, /2 undecided/);
});

const CONTEXT = { piece: { time_signature: [3, 4] }, tracks: [{ id: "t1", name: "Soprano" }] };

test("notes and changes read in musical words", () => {
  assert.equal(describeNote({ pitch: 67, start: 1440 + 480, track: "t1" }, CONTEXT), "G4 · bar 2 beat 2 · Soprano");
  assert.equal(describeNote({ pitch: 60, start: 240, track: "t9" }, CONTEXT), "C4 · bar 1 beat 1.5 · t9");
  const before = { pitch: 62, start: 0, duration: 480, velocity: 90, track: "t1" };
  assert.equal(describeChange(before, { ...before, pitch: 64, start: 480, duration: 240 }), "D4 → E4, moved later, shorter");
  assert.equal(describeChange(before, { ...before }), "provenance only");
});

test("a diff is grouped by who did it, items in time order", () => {
  const note = (id, start, pitch) => ({ id, start, pitch, duration: 480, velocity: 96, track: "t1" });
  const groups = groupDiff({
    added: [{ note: note("a", 960, 60), by: "user:3" }, { note: { ...note("b", 0, 62), author: { kind: "model", name: "m@1" } }, by: "user:5" },
      { note: note("c", 480, 64), by: "user:3" }],
    removed: [{ note: note("d", 0, 65), by: "user:3" }],
    changed: [{ before: note("e", 0, 67), after: note("e", 0, 69), by: "user:4" }],
  }, CONTEXT);
  assert.deepEqual(groups.map((g) => [g.actor, g.added, g.removed, g.changed]),
    [["user:3", 2, 1, 0], ["model:m@1", 1, 0, 0], ["user:4", 0, 0, 1]]);
  // Accepted AI notes are the AI's, with who accepted them (they were listed under the person).
  assert.equal(groups[1].items[0].text, "D4 · bar 1 beat 1 · Soprano · accepted by user:5");
  assert.deepEqual(groups[0].items.map((i) => i.change), ["removed", "added", "added"]);
  assert.equal(diffSummary(groups[0]), "2 added, 1 removed");
  assert.equal(diffSummary({ added: 0, removed: 0, changed: 0 }), "no notes changed");
});

test("compare names tracks from the diff, even ones the page's state does not have (an import)", () => {
  const imported = { id: "n1", start: 0, pitch: 60, duration: 480, velocity: 90, track: "imp-3-0", author: { kind: "user", id: 3 } };
  const groups = groupDiff({ added: [{ note: imported, by: "user:3" }], removed: [], changed: [],
    tracks: [{ id: "imp-3-0", name: "Cello" }] }, CONTEXT);
  assert.equal(groups[0].items[0].text, "C4 · bar 1 beat 1 · Cello");
});

test("axis labels always fit their column: long names are shortened, never cut off at the left", () => {
  const rows = [{ label: "A very long member name that goes on and on", values: [3] }, { label: "Kim", values: [1] }];
  const svg = barChart({ label: "t", rows });
  const { width, chars } = labelColumn(rows.map((r) => r.label));
  const x = Number(/<text x="([\d.]+)"[^>]*class="label"/.exec(svg)[1]);
  const shown = [...svg.matchAll(/class="label">([^<]*)</g)].map((m) => m[1]);
  assert.ok(width <= 200 && x === width - 6);
  for (const text of shown) assert.ok(text.length * 7.2 <= x, `"${text}" would start left of the chart`);
  assert.ok(shown[0].endsWith("…") && shown[0].length === chars);
  assert.equal(labelColumn(["Kim"]).width < 100, true, "short labels leave the bars room");
});
