import { CONTROLS } from './controls/index.js';
import type { StatusCounts, TimelinePoint } from './report-model.js';
import type { Evaluated, ReportEngine } from './report-engine.js';
import { countsOf } from './results.js';

/** Enough points for a chart a person reads; each costs one evaluation of every control. */
export const MAX_TIMELINE_POINTS = 60;

/** Up to `max - 1` change instants before the end, evenly sampled (first and last kept), then the end itself. */
export function timelineTimes(changeTimes: readonly string[], end: string, max = MAX_TIMELINE_POINTS): string[] {
  const before = changeTimes.filter((t) => t < end);
  const room = max - 1;
  const sampled =
    before.length <= room ? before : Array.from({ length: room }, (_, i) => before[Math.round((i * (before.length - 1)) / (room - 1))]!);
  return [...new Set(sampled), end];
}

export function countsByControl(evaluated: readonly Evaluated[]): Record<string, StatusCounts> {
  const out: Record<string, StatusCounts> = {};
  for (const control of CONTROLS) {
    const id = control.definition.id;
    out[id] = countsOf(evaluated.filter((e) => e.control.definition.id === id).map((e) => e.outcome));
  }
  return out;
}

/** Control results over time, oldest first, ending with the report's own results at its instant. */
export function timelineOf(engine: ReportEngine, head: readonly Evaluated[]): TimelinePoint[] {
  const end = engine.instant.currentTime;
  return timelineTimes(engine.changeTimes(), end).map((time) => ({
    time,
    counts: countsByControl(time === end ? head : engine.evaluateAt(time)),
  }));
}
