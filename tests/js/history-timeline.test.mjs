import assert from "node:assert/strict";
import { test } from "node:test";

import { actorIndex, authorKey, rollColours, safeColour } from "../../static/js/history/actors.js";
import { clampSeq, StateLoader } from "../../static/js/history/scrub.js";
import { counts, currentEntry, entryDetails, filterEntries, formatSeconds, kindsToOffer, position, reproduceUrl,
  reproduceVerdict } from "../../static/js/history/timeline.js";

const ENTRIES = [
  { id: "e1", seq: 1, actor: "user:3", kind: "create" },
  { id: "e2", seq: 2, actor: "user:3", kind: "edit" },
  { id: "j1", seq: 2, actor: "user:4", kind: "generate", job_id: 9 },
  { id: "p1", seq: 2, actor: "model:gridcoco@1.0", kind: "proposal", job_id: 9,
    details: { candidates: 3, model: "gridcoco@1.0", seed: 42 } },
  { id: "e3", seq: 3, actor: "user:4", kind: "accept", details: { auditioned: [0, 2], candidate: 2, seconds_to_decide: 12.4 } },
  { id: "e4", seq: 4, actor: "user:3", kind: "edit" },
];

test("filters by actor and kind together; empty filters hide nothing", () => {
  assert.equal(filterEntries(ENTRIES).length, 6);
  assert.deepEqual(filterEntries(ENTRIES, { hiddenActors: new Set(["user:3"]) }).map((e) => e.id), ["j1", "p1", "e3"]);
  assert.deepEqual(filterEntries(ENTRIES, { hiddenKinds: new Set(["edit", "create"]), hiddenActors: new Set(["user:4"]) })
    .map((e) => e.id), ["p1"]);
});

test("counts entries per actor and kind; offers known kinds first, then new ones", () => {
  const { actors, kinds } = counts(ENTRIES);
  assert.deepEqual(actors, { "user:3": 3, "user:4": 2, "model:gridcoco@1.0": 1 });
  assert.equal(kinds.edit, 2);
  assert.deepEqual(kindsToOffer([{ kind: "zzz" }, { kind: "reject" }, { kind: "create" }, { kind: "create" }]),
    ["create", "reject", "zzz"]); // only kinds that happened, known ones in their order
});

test("the scrubbed seq splits entries into past and future and sits on the last past one", () => {
  assert.equal(position(ENTRIES[1], 2), "past");
  assert.equal(position(ENTRIES[4], 2), "future");
  assert.equal(currentEntry(ENTRIES, 2).id, "p1"); // the last of the entries at seq 2
  assert.equal(currentEntry(ENTRIES, 0), null);
  assert.equal(currentEntry(ENTRIES, 99).id, "e4");
});

test("proposal and decision details read as one line", () => {
  assert.equal(entryDetails(ENTRIES[3]), "3 candidates · model gridcoco@1.0 · seed 42");
  assert.equal(entryDetails(ENTRIES[4]), "auditioned 2 candidates · took candidate 3 · decided in 12 s");
  assert.equal(entryDetails({ kind: "reject", details: { auditioned: [0], candidate: null, seconds_to_decide: null } }),
    "auditioned 1 candidate");
  assert.equal(entryDetails(ENTRIES[0]), "");
  assert.equal(formatSeconds(4.25), "4.3 s");
  assert.equal(formatSeconds(185), "3 min 5 s");
  assert.equal(formatSeconds(null), "–");
});

test("the reproduce URL replaces the job placeholder only", () => {
  assert.equal(reproduceUrl("/api/pieces/70/jobs/0/reproduce/", 12), "/api/pieces/70/jobs/12/reproduce/");
  assert.throws(() => reproduceUrl("/api/pieces/7/jobs/0/reproduce/", null), /no generation job/);
});

test("the reproduce verdict says match, differ and why", () => {
  const same = { match: true, candidates: [{ index: 0, match: true }, { index: 1, match: true }],
    stored_model: "m@1", installed_model: "m@1", reason: "" };
  assert.deepEqual(reproduceVerdict(same), { match: true, text: "candidates match (2 of 2, model m@1)" });
  const other = { match: false, candidates: [{ index: 0, match: false }], stored_model: "m@1", installed_model: "m@2",
    reason: "a different checkpoint is installed" };
  assert.deepEqual(reproduceVerdict(other), { match: false,
    text: "differ (0 of 1 match, stored model m@1, installed m@2): a different checkpoint is installed" });
});

test("actors: unknown keys still get a name and colour; colours in markup are only #rrggbb", () => {
  const actors = actorIndex([{ key: "user:3", kind: "user", name: "Ana", colour: "#e6194b" },
    { key: "user:4", kind: "user", name: "Bo", colour: "red;} body{display:none" }]);
  assert.equal(actors.name("user:3"), "Ana");
  assert.equal(actors.colour("user:4"), "#98a2b3");
  assert.equal(actors.get("user:99").name, "user:99");
  assert.equal(safeColour("#ABCDEF"), "#ABCDEF");
  assert.deepEqual(rollColours(actors.all.concat([{ key: "model:x@1", colour: "#000000" }])), { 3: "#e6194b", 4: "#98a2b3" });
  assert.equal(authorKey({ kind: "user", id: 3 }), "user:3");
  assert.equal(authorKey({ kind: "model", name: "gridcoco@1.0" }), "model:gridcoco@1.0");
});

test("the state loader hands on only the newest answer and caches what it fetched", async () => {
  const pending = new Map();
  let fetches = 0;
  const loader = new StateLoader((seq) => { fetches += 1; return new Promise((resolve) => pending.set(seq, resolve)); });
  const old = loader.load(3);
  const newest = loader.load(5);
  pending.get(5)({ seq: 5 });
  pending.get(3)({ seq: 3 }); // the older answer arrives last
  assert.deepEqual(await newest, { seq: 5 });
  assert.equal(await old, null);
  assert.deepEqual(await loader.load(3), { seq: 3 }); // cached: no new fetch
  assert.equal(fetches, 2);
});

test("the state loader throws the newest question's error and keeps at most `keep` states", async () => {
  const loader = new StateLoader(async (seq) => { if (seq === 7) throw new Error("no such seq"); return { seq }; },
    { keep: 2 });
  await assert.rejects(loader.load(7), /no such seq/);
  for (const seq of [1, 2, 3]) await loader.load(seq);
  assert.deepEqual([...loader.cache.keys()], [2, 3]);
  assert.equal(clampSeq("12", 10), 10);
  assert.equal(clampSeq(-1, 10), 0);
  assert.equal(clampSeq("x", 10), 0);
  assert.equal(clampSeq(4.6, 10), 5);
});

test("the AI gets the roll's colour for its notes whatever the server says", () => {
  const actors = actorIndex([{ key: "model:m@1", kind: "model", name: "AI (m@1)", colour: "#5f6b7a" }]);
  assert.equal(actors.colour("model:m@1"), "#7a5af8");
});

test("requests show their controls, proposals how long the model took; auditions need no second line", () => {
  assert.equal(entryDetails({ kind: "generate", details: { controls: { temperature: 1.1, density: 0.5 } } }),
    "controls: temperature=1.1, density=0.5");
  assert.equal(entryDetails({ kind: "proposal", details: { candidates: 1, latency_ms: 2500 } }), "1 candidate · took 2.5 s");
  assert.equal(entryDetails({ kind: "audition", details: { auditioned: [0] } }), "");
  assert.deepEqual(kindsToOffer([{ kind: "accept" }, { kind: "audition" }, { kind: "proposal" }]),
    ["proposal", "audition", "accept"]);
});
