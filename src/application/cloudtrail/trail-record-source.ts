import type { GlobalPosition } from '../ports/event-store.js';
import type { ReplayRange } from './cloudtrail-replay.js';
import type { TrailSplit } from './trail-part.js';

/**
 * Records as an export consumes them: already serialised, in the log's global order, in
 * batches. The JSON text is all the exporter needs of a record besides where it goes and
 * when it happened, so a source may build it anywhere (this thread, or worker threads
 * reading parts of the log side by side) and hand it over as bytes without copying.
 */
export interface TrailRecordBatch {
  readonly count: number;
  /** The delivery channels named in this batch; `channelOf[i]` indexes it. */
  readonly channels: ReadonlyArray<{ readonly account: string; readonly region: string }>;
  readonly channelOf: Uint16Array;
  /** eventTime of each record, in milliseconds since the epoch. */
  readonly timeMs: Float64Array;
  /** The records' JSON in UTF-8, one after another: record i is text[ends[i-1] (or 0) .. ends[i]). */
  readonly text: Uint8Array;
  readonly ends: Uint32Array;
  /** Share of the log read once this batch is consumed, 0 to 1. */
  readonly fraction: number;
}

/** A stretch of the log: from `from` (inclusive) to `before` (exclusive); the whole log without either. */
export interface LogSpan {
  readonly from?: GlobalPosition;
  readonly before?: GlobalPosition;
}

export interface TrailRecordSource {
  /** Every call in the range (and span), once, in the log's global order. */
  batches(range: ReplayRange, span?: LogSpan): AsyncIterable<TrailRecordBatch>;
  /**
   * A place near the middle of the log where the calls' times cross a 5-minute window
   * boundary, or null when the log is too short to be worth splitting or has no such place.
   */
  splitPoint(range: ReplayRange): Promise<TrailSplit | null>;
}
export const TrailRecordSource = Symbol.for('keytrail.TrailRecordSource');
