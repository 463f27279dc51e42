import { TrailChannel, type ChannelSettings } from './trail-channel.js';
import { windowOf } from './trail-layout.js';
import type { TrailRecordBatch } from './trail-record-source.js';

/**
 * Says whether a record may be delivered by this part of an export in parts: false when
 * the one-pass export could have put it somewhere else. `watermark` is the latest window
 * seen before this record.
 */
export type PartGuard = (channel: TrailChannel, timeMs: number, watermark: number) => boolean;

export interface Delivered {
  readonly records: number;
  /** The latest window a record fell in (-Infinity without records). */
  readonly watermark: number;
  /** False when the guard refused a record: delivery stopped there. */
  readonly consistent: boolean;
}

/**
 * The export's one pass: each record into its account and Region's channel, and every
 * channel told when the log's clock moves to a later window.
 */
export async function deliver(
  batches: AsyncIterable<TrailRecordBatch>,
  channels: Map<string, TrailChannel>,
  settings: ChannelSettings,
  chainStart: number | null,
  guard: PartGuard | null,
  onBatch: (records: number, fraction: number) => void,
): Promise<Delivered> {
  let records = 0;
  let watermark = Number.NEGATIVE_INFINITY;
  for await (const batch of batches) {
    const named = batch.channels.map(({ account, region }) => {
      const name = `${account}|${region}`;
      let channel = channels.get(name);
      if (channel === undefined) {
        channel = new TrailChannel(account, region, settings, chainStart);
        channels.set(name, channel);
      }
      return channel;
    });
    const { text, ends, timeMs: times, channelOf } = batch;
    let start = 0;
    for (let i = 0; i < batch.count; i++) {
      const end = ends[i]!;
      const timeMs = times[i]!;
      const channel = named[channelOf[i]!]!;
      if (guard !== null && !guard(channel, timeMs, watermark)) return { records, watermark, consistent: false };
      const added = channel.add(text.subarray(start, end), timeMs);
      if (added !== undefined) await added;
      start = end;
      records++;
      const window = windowOf(timeMs);
      if (window > watermark) {
        watermark = window;
        for (const c of channels.values()) await c.advance(watermark);
      }
    }
    onBatch(records, batch.fraction);
  }
  return { records, watermark, consistent: true };
}
