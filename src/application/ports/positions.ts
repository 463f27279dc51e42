import type { GlobalPosition } from './event-store.js';

export function comparePositions(a: GlobalPosition, b: GlobalPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** Equal positions, where null (nothing yet) equals only null. */
export function samePosition(a: GlobalPosition | null, b: GlobalPosition | null): boolean {
  return a === null || b === null ? a === b : comparePositions(a, b) === 0;
}

/** A position as text, `<commit>/<prepare>`, for checkpoints, cursors and logs. */
export function formatPosition(p: GlobalPosition): string {
  return `${p.commit}/${p.prepare}`;
}

export function parsePosition(text: string): GlobalPosition {
  const m = /^(\d+)\/(\d+)$/.exec(text) ?? /^(\d+)$/.exec(text);
  if (!m) throw new RangeError(`Not a global position: '${text}'`);
  const commit = BigInt(m[1]!);
  return { commit, prepare: m[2] !== undefined ? BigInt(m[2]) : commit };
}
