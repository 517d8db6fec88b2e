// Small SVG bar charts drawn by hand (no chart library): horizontal bars, one row per label, and
// optionally several series per row (e.g. notes written / notes in the final piece). Pure: specs in,
// markup out, so node tests check the numbers behind every bar.
import { escapeHtml } from "../shared/html.js";
import { safeColour } from "./actors.js";

const ROW = 18;        // height of one bar
const GAP = 8;         // space between rows
const CHAR_W = 7.2;    // a generous width of one character at the charts' 12px (labels must never be cut off)
const LABEL_MAX = 200; // the widest label column; longer labels are shortened with "…" to fit
const VALUE_W = 100;   // room for the value printed after the longest bar ("100% (12 of 12)")

/** The label column's width and how many characters fit in it, from the longest label. */
export function labelColumn(labels) {
  const longest = Math.max(4, ...labels.map((l) => String(l).length));
  const width = Math.min(LABEL_MAX, Math.ceil(longest * CHAR_W) + 12);
  return { width, chars: Math.floor((width - 12) / CHAR_W) };
}

/** The smallest 1, 2 or 5 × 10^k at or above `value` (an axis end that reads well); 1 for nothing. */
export function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value * (1 - 1e-12)) return step * power;
  return 10 * power;
}

/** Bins of equal, readable width over `values`: [{from, to, count}], `to` exclusive except the last. */
export function histogram(values, { bins = 6 } = {}) {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return [];
  const top = Math.max(...finite);
  const width = niceMax(top / bins || 1);
  const count = Math.max(1, Math.ceil(top / width - 1e-9)); // the last bin is closed, so `top` fits in it
  const out = Array.from({ length: count }, (_, i) => ({ from: i * width, to: (i + 1) * width, count: 0 }));
  for (const v of finite) out[Math.min(count - 1, Math.max(0, Math.floor(v / width)))].count += 1;
  return out;
}

/** "0–10 s", "0.02–0.04 s": a bin of seconds with as many decimals as its width needs. */
export function binLabel({ from, to }) {
  const decimals = Math.max(0, -Math.floor(Math.log10(to - from || 1)));
  return `${from.toFixed(decimals)}–${to.toFixed(decimals)} s`;
}

/** Pixel length of `value` on an axis from 0 to `max` drawn `width` pixels long (0 for nothing or less). */
export function barLength(value, max, width) {
  if (!(value > 0) || !(max > 0)) return 0;
  return Math.min(width, (value / max) * width);
}

/**
 * A horizontal bar chart as an SVG string.
 * @param {{label: string, rows: {label: string, colour?: string, values: (number|null)[], texts?: string[],
 *   hint?: string}[], series?: {name: string, opacity?: number}[], max?: number,
 *   format?: (v: number) => string, width?: number, empty?: string}} spec
 *   `values` holds one number per series (null draws no bar and prints "–"); `texts` overrides what is printed.
 */
export function barChart(spec) {
  const { rows, series = [{ name: "" }], format = (v) => String(v), width = 460 } = spec;
  if (!rows.length) return `<p class="hint chart-empty">${escapeHtml(spec.empty ?? "Nothing to show yet.")}</p>`;
  const { width: labelW, chars } = labelColumn(rows.map((r) => r.label));
  const plotW = width - labelW - VALUE_W;
  const all = rows.flatMap((r) => r.values).filter(Number.isFinite);
  const max = spec.max ?? niceMax(Math.max(0, ...all));
  const rowH = series.length * ROW;
  const height = rows.length * (rowH + GAP) + (series.length > 1 ? 22 : 0);
  const parts = [];
  rows.forEach((row, r) => {
    const top = r * (rowH + GAP);
    const colour = safeColour(row.colour);
    parts.push(`<g class="row" data-label="${escapeHtml(row.label)}">`);
    if (row.hint) parts.push(`<title>${escapeHtml(row.hint)}</title>`);
    parts.push(`<text x="${labelW - 6}" y="${top + rowH / 2 + 4}" text-anchor="end" class="label">`
      + `${escapeHtml(truncate(row.label, chars))}</text>`);
    series.forEach((s, i) => {
      const value = row.values[i];
      const length = barLength(value, max, plotW);
      const y = top + i * ROW;
      const text = row.texts?.[i] ?? (Number.isFinite(value) ? format(value) : "–");
      parts.push(`<rect x="${labelW}" y="${y + 2}" width="${length.toFixed(1)}" height="${ROW - 4}" rx="2" `
        + `fill="${colour}" fill-opacity="${s.opacity ?? 1}" data-value="${Number.isFinite(value) ? value : ""}"/>`);
      parts.push(`<text x="${labelW + length + 4}" y="${y + ROW / 2 + 4}" class="value">${escapeHtml(text)}</text>`);
    });
    parts.push("</g>");
  });
  if (series.length > 1) {
    const y = rows.length * (rowH + GAP) + 6;
    let x = labelW;
    for (const s of series) {
      parts.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="#667085" fill-opacity="${s.opacity ?? 1}"/>`
        + `<text x="${x + 16}" y="${y + 10}" class="legend">${escapeHtml(s.name)}</text>`);
      x += 24 + s.name.length * 7;
    }
  }
  return `<svg class="chart" role="img" aria-label="${escapeHtml(spec.label)}" viewBox="0 0 ${width} ${height}" `
    + `width="${width}" height="${height}" data-max="${max}">${parts.join("")}</svg>`;
}

function truncate(text, length) {
  const s = String(text);
  return s.length > length ? `${s.slice(0, length - 1)}…` : s;
}
