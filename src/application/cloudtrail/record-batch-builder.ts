import type { CloudTrailRecord } from './cloudtrail-record.js';
import { RecordJson } from './record-json.js';
import type { TrailRecordBatch } from './trail-record-source.js';

const FIRST_TEXT_BYTES = 1 << 20;
const FIRST_RECORDS = 1024;

/**
 * Serialises records into batches: each record is stringified once and written straight
 * into a growing UTF-8 buffer, so a batch is a handful of flat arrays, cheap to hand to
 * another thread and cheap to cut into log files.
 */
export class RecordBatchBuilder {
  private readonly json = new RecordJson();
  private channels: Array<{ account: string; region: string }> = [];
  private channelIndex = new Map<string, number>();
  private lastAccount = '';
  private lastRegion = '';
  private lastChannel = -1;
  private channelOf = new Uint16Array(FIRST_RECORDS);
  private timeMs = new Float64Array(FIRST_RECORDS);
  private ends = new Uint32Array(FIRST_RECORDS);
  private text: Buffer = Buffer.allocUnsafe(FIRST_TEXT_BYTES);
  private used = 0;
  count = 0;

  add(record: CloudTrailRecord, timeMs: number): void {
    this.addJson(this.json.stringify(record), record.recipientAccountId, record.awsRegion, timeMs);
  }

  /** A record already serialised, delivered to `account` and `region`. */
  addJson(json: string, account: string, region: string, timeMs: number): void {
    // UTF-8 takes at most three bytes per UTF-16 unit.
    if (this.used + json.length * 3 > this.text.length) this.text = grown(this.text, this.used, this.used + json.length * 3);
    this.used += this.text.write(json, this.used, 'utf8');
    if (this.count === this.ends.length) this.growRecords();
    this.channelOf[this.count] = this.channelFor(account, region);
    this.timeMs[this.count] = timeMs;
    this.ends[this.count] = this.used;
    this.count++;
  }

  /** The batch so far, in arrays of its own (transferable), and a fresh start. */
  take(fraction: number): TrailRecordBatch {
    const n = this.count;
    const batch: TrailRecordBatch = {
      count: n,
      channels: this.channels,
      channelOf: this.channelOf.slice(0, n),
      timeMs: this.timeMs.slice(0, n),
      text: new Uint8Array(this.text.subarray(0, this.used)),
      ends: this.ends.slice(0, n),
      fraction,
    };
    this.channels = [];
    this.channelIndex = new Map();
    this.lastChannel = -1;
    this.used = 0;
    this.count = 0;
    return batch;
  }

  private channelFor(account: string, region: string): number {
    if (this.lastChannel >= 0 && account === this.lastAccount && region === this.lastRegion) return this.lastChannel;
    const name = `${account}|${region}`;
    let index = this.channelIndex.get(name);
    if (index === undefined) {
      index = this.channels.length;
      if (index > 0xffff) throw new RangeError('More than 65,536 trails in one batch');
      this.channels.push({ account, region });
      this.channelIndex.set(name, index);
    }
    this.lastAccount = account;
    this.lastRegion = region;
    this.lastChannel = index;
    return index;
  }

  private growRecords(): void {
    const size = this.ends.length * 2;
    const channelOf = new Uint16Array(size);
    channelOf.set(this.channelOf);
    const timeMs = new Float64Array(size);
    timeMs.set(this.timeMs);
    const ends = new Uint32Array(size);
    ends.set(this.ends);
    this.channelOf = channelOf;
    this.timeMs = timeMs;
    this.ends = ends;
  }
}

function grown(text: Buffer, used: number, needed: number): Buffer {
  const next = Buffer.allocUnsafe(Math.max(needed, text.length * 2));
  text.copy(next, 0, 0, used);
  return next;
}
