import type { RecordedEvent } from '../../../application/ports/event-store.js';
import type { WriteOp, WriteOutcome } from './batch-writer.js';
import { toRecorded, type Row } from './sqlite-event-store.js';

/**
 * The newest events written through this instance, as rows, in position order: what a
 * live subscription reads next is nearly always here, so it needs no query (and no trip
 * through a page cache that every commit of the writer's connection invalidates).
 *
 * Only an unbroken run of positions is served: a row is handed out only when the one
 * before it was the subscription's last position, so an event written by another process
 * (whose position falls between ours) is never skipped; the subscription reads it from
 * the file instead. A stream deleted through this instance leaves at once.
 */
export class RecentRows {
  private rows: Row[] = [];
  /**
   * The decoded event of each row once a subscription asked for it: the projections of a
   * node all follow the same live rows, and decode each once.
   */
  private events: Array<RecordedEvent | undefined> = [];

  constructor(private readonly capacity = 4096) {}

  /** Records what one acknowledged operation wrote (positions and revisions of an append are consecutive). */
  written(op: WriteOp, outcome: WriteOutcome & { ok: true }): void {
    if (op.kind === 'delete') {
      const kept = this.rows.map((row, i) => i).filter((i) => this.rows[i]![2] !== op.stream);
      this.events = kept.map((i) => this.events[i]);
      this.rows = kept.map((i) => this.rows[i]!);
      return;
    }
    const last = op.events.length - 1;
    op.events.forEach(([id, type, data, metadata], i) => {
      this.rows.push([outcome.position - last + i, id, op.stream, outcome.revision - last + i, type, data, metadata, outcome.created]);
      this.events.push(undefined);
    });
    if (this.rows.length > this.capacity * 2) {
      this.rows = this.rows.slice(-this.capacity);
      this.events = this.events.slice(-this.capacity);
    }
  }

  /** Up to `limit` rows at positions after+1, after+2, ...; null when after+1 is not here. */
  after(after: number, limit: number): Row[] | null {
    const start = this.indexAfter(after);
    const rows = this.rows;
    if (start >= rows.length || rows[start]![0] !== after + 1) return null;
    let end = start + 1;
    while (end < rows.length && end - start < limit && rows[end]![0] === rows[end - 1]![0] + 1) end++;
    return rows.slice(start, end);
  }

  /** The event of a row: shared when the row is one of these, decoded anew otherwise. */
  eventOf(row: Row): RecordedEvent {
    const first = this.rows[0];
    // Rows older than the recent ones (a catch-up through history) are decoded straight away.
    if (first === undefined || row[0] < first[0]) return toRecorded(row);
    const index = this.indexAfter(row[0] - 1);
    if (this.rows[index] !== row) return toRecorded(row);
    return (this.events[index] ??= toRecorded(row));
  }

  /** Whether `position` is the newest event written through this instance. */
  isNewest(position: number): boolean {
    return this.rows.length > 0 && this.rows[this.rows.length - 1]![0] === position;
  }

  /** The index of the first row after `position`. */
  private indexAfter(position: number): number {
    const rows = this.rows;
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (rows[mid]![0] <= position) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
