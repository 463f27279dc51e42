import type { StatusCounts, TimelinePoint } from '../report-model.js';
import { attr, escapeHtml } from './html-escape.js';
import { STATUS_COLOURS } from './html-style.js';

/** Control results summed over every control, at one instant of the timeline. */
export interface ChartPoint extends StatusCounts {
  readonly time: string;
}

export function totalsAt(point: TimelinePoint): ChartPoint {
  let pass = 0;
  let fail = 0;
  let notApplicable = 0;
  for (const counts of Object.values(point.counts)) {
    pass += counts.pass;
    fail += counts.fail;
    notApplicable += counts.notApplicable;
  }
  return { time: point.time, pass, fail, notApplicable };
}

const WIDTH = 760;
const HEIGHT = 320;
const MARGIN = { top: 40, right: 16, bottom: 56, left: 52 } as const;
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
/** More labels than this would overlap on the time axis. */
const MAX_TIME_LABELS = 6;

/** Fixed decimals: coordinates must print the same on every run and every platform. */
const n = (value: number) => (Math.round(value * 10) / 10).toFixed(1);

/** Bottom to top: failures sit on the axis, where they are easiest to compare between instants. */
const STACK = [
  { key: 'fail', label: 'Fail', colour: STATUS_COLOURS.fail },
  { key: 'pass', label: 'Pass', colour: STATUS_COLOURS.pass },
  { key: 'notApplicable', label: 'Not applicable', colour: STATUS_COLOURS.notApplicable },
] as const;

/** A 1-2-5 step that gives at most five gridlines up to `max`. */
export function tickStep(max: number): number {
  for (let magnitude = 1; ; magnitude *= 10) {
    for (const m of [1, 2, 5]) if (max / (m * magnitude) <= 5) return m * magnitude;
  }
}

/** `2026-03-03T14:00:00.000Z` as two short lines, date over time of day. */
export function timeLabelLines(time: string): [string, string] {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(time);
  return match === null ? [time, ''] : [match[1] ?? time, `${match[2] ?? ''} UTC`];
}

/** Indices of the instants that get a label: first, last, and evenly spread ones between. */
export function labelledIndices(count: number): number[] {
  if (count <= MAX_TIME_LABELS) return Array.from({ length: count }, (_, i) => i);
  const step = (count - 1) / (MAX_TIME_LABELS - 1);
  return Array.from({ length: MAX_TIME_LABELS }, (_, i) => Math.round(i * step));
}

export function describePoint(p: ChartPoint): string {
  return `${p.time}: ${p.pass} pass, ${p.fail} fail, ${p.notApplicable} not applicable`;
}

/**
 * Control results over time as inline SVG: one stacked bar per timeline instant (fail, pass, not
 * applicable, summed over the controls). Instants are evenly spaced, not to scale: the timeline
 * holds the instants at which results changed, and those cluster.
 */
export function renderTimelineChart(timeline: readonly TimelinePoint[]): string {
  const points = timeline.map(totalsAt);
  const first = points[0];
  const last = points[points.length - 1];
  const desc =
    first === undefined || last === undefined
      ? 'The report has no timeline instants.'
      : `Stacked bars, one per instant of the report's timeline (${points.length} instants from ${first.time} to ${last.time}, evenly spaced, not to scale): the number of control results that fail, pass, or are not applicable, summed over all controls. Bottom segment fail, middle pass, top not applicable.`;
  const max = Math.max(1, ...points.map((p) => p.pass + p.fail + p.notApplicable));
  const step = tickStep(max);
  const top = Math.ceil(max / step) * step;
  const y = (count: number) => MARGIN.top + PLOT_H - (count / top) * PLOT_H;
  const slot = PLOT_W / Math.max(1, points.length);
  const barWidth = Math.max(1, Math.min(48, slot * 0.7));
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="chart-title chart-desc" data-points="${points.length}">`,
    `<title id="chart-title">Control results over time</title>`,
    `<desc id="chart-desc">${escapeHtml(desc)}</desc>`,
  );
  parts.push(`<g class="y-axis" aria-hidden="true">`);
  for (let tick = 0; tick <= top; tick += step) {
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${n(y(tick))}" y2="${n(y(tick))}"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${n(y(tick) + 4)}" text-anchor="end">${tick}</text>`);
  }
  parts.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_H}"/>`,
    `<text transform="translate(14 ${n(MARGIN.top + PLOT_H / 2)}) rotate(-90)" text-anchor="middle">Results</text>`,
    `</g>`,
  );
  parts.push(`<g class="bars">`);
  points.forEach((p, i) => {
    const x = MARGIN.left + slot * i + (slot - barWidth) / 2;
    parts.push(
      `<g class="point"${attr('data-time', p.time)} data-pass="${p.pass}" data-fail="${p.fail}" data-not-applicable="${p.notApplicable}" role="img"${attr('aria-label', describePoint(p))}>`,
      `<title>${escapeHtml(describePoint(p))}</title>`,
    );
    let base = 0;
    for (const segment of STACK) {
      const count = p[segment.key];
      if (count > 0) {
        parts.push(`<rect x="${n(x)}" y="${n(y(base + count))}" width="${n(barWidth)}" height="${n(y(base) - y(base + count))}" fill="${segment.colour}" data-segment="${segment.key}"/>`);
      }
      base += count;
    }
    parts.push(`</g>`);
  });
  parts.push(`</g>`);
  parts.push(`<g class="x-axis" aria-hidden="true">`, `<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + PLOT_H}" y2="${MARGIN.top + PLOT_H}"/>`);
  for (const i of labelledIndices(points.length)) {
    const p = points[i];
    if (p === undefined) continue;
    const [date, clock] = timeLabelLines(p.time);
    const cx = n(MARGIN.left + slot * i + slot / 2);
    parts.push(
      `<line class="axis" x1="${cx}" x2="${cx}" y1="${MARGIN.top + PLOT_H}" y2="${MARGIN.top + PLOT_H + 4}"/>`,
      `<text x="${cx}" y="${MARGIN.top + PLOT_H + 16}" text-anchor="middle"><tspan x="${cx}">${escapeHtml(date)}</tspan><tspan x="${cx}" dy="13">${escapeHtml(clock)}</tspan></text>`,
    );
  }
  parts.push(`<text x="${n(MARGIN.left + PLOT_W / 2)}" y="${HEIGHT - 6}" text-anchor="middle">Timeline instant (evenly spaced)</text>`, `</g>`);
  parts.push(`<g class="legend" aria-hidden="true">`);
  STACK.forEach((segment, i) => {
    const lx = MARGIN.left + i * 130;
    parts.push(`<rect x="${lx}" y="12" width="12" height="12" fill="${segment.colour}"/>`, `<text x="${lx + 18}" y="22">${segment.label}</text>`);
  });
  parts.push(`</g>`, `</svg>`);
  return parts.join('\n');
}

/** The chart's numbers as a table, for screen readers and for anyone who wants the figures. */
export function renderTimelineTable(timeline: readonly TimelinePoint[]): string {
  const rows = timeline.map(totalsAt).map(
    (p) =>
      `<tr${attr('data-time', p.time)}><td><time${attr('datetime', p.time)}>${escapeHtml(p.time)}</time></td><td class="num">${p.pass}</td><td class="num">${p.fail}</td><td class="num">${p.notApplicable}</td></tr>`,
  );
  return [
    `<table class="timeline">`,
    `<caption>Results at each instant of the timeline, summed over all controls</caption>`,
    `<thead><tr><th scope="col">Instant</th><th scope="col" class="num">Pass</th><th scope="col" class="num">Fail</th><th scope="col" class="num">Not applicable</th></tr></thead>`,
    `<tbody>`,
    ...rows,
    `</tbody></table>`,
  ].join('\n');
}
