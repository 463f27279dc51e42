import type { TimelinePoint } from '../report-model.js';
import { attr, escapeHtml } from './html-escape.js';
import { STATUS_COLOURS } from './html-style.js';

const W = 120;
const H = 24;
const PAD = 3;

const n = (value: number) => (Math.round(value * 10) / 10).toFixed(1);

/** Failures of one control at each instant of the timeline; 0 where the control had no results yet. */
export function failuresOverTime(timeline: readonly TimelinePoint[], controlId: string): number[] {
  return timeline.map((p) => p.counts[controlId]?.fail ?? 0);
}

/**
 * A small line of one control's failure count over the timeline, for the summary table, so a
 * reader sees at a glance which controls are getting worse. Scaled to its own peak, which its
 * label states.
 */
export function renderFailSparkline(timeline: readonly TimelinePoint[], controlId: string): string {
  const fails = failuresOverTime(timeline, controlId);
  const peak = Math.max(0, ...fails);
  const label = fails.length === 0 ? `${controlId}: no timeline` : `${controlId} failures over time, oldest first: ${fails.join(', ')} (peak ${peak})`;
  const x = (i: number) => (fails.length <= 1 ? W / 2 : PAD + (i * (W - 2 * PAD)) / (fails.length - 1));
  const y = (v: number) => H - PAD - (v / Math.max(1, peak)) * (H - 2 * PAD);
  const colour = peak > 0 ? STATUS_COLOURS.fail : STATUS_COLOURS.pass;
  const shape =
    fails.length === 1
      ? `<circle cx="${n(x(0))}" cy="${n(y(fails[0] ?? 0))}" r="2.5" fill="${colour}"/>`
      : `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${fails.map((v, i) => `${n(x(i))},${n(y(v))}`).join(' ')}"/>`;
  return `<svg class="spark" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img"${attr('aria-label', label)}${attr('data-fails', fails.join(' '))}><title>${escapeHtml(label)}</title>${fails.length === 0 ? '' : shape}</svg>`;
}
