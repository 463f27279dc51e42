/**
 * The storage semantics of the EventStoreDB protocol double: a transaction log in memory.
 * It mimics what the adapter has to cope with on a real server, not how the server works:
 * - a multi-event append shares one commit position (the first event's) while each event
 *   has its own prepare position, so only the full pair orders and resumes exactly;
 * - a tombstone writes a `$streamDeleted` record into the stream and leaves the stream's
 *   earlier events in $all (a real server drops them only when scavenging);
 * - reading $all backwards from a position starts before it.
 */

export type Expected = { readonly kind: 'any' | 'no_stream' | 'stream_exists' } | { readonly kind: 'revision'; readonly revision: bigint };

export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export interface LogRecord extends ProposedEvent, Position {
  readonly stream: string;
  readonly revision: bigint;
  /** .NET ticks since the Unix epoch, as the server sends them. */
  readonly created: bigint;
}

export type WriteOutcome =
  | { readonly ok: true; readonly revision: bigint; readonly position: Position }
  | { readonly ok: false; readonly reason: 'wrong_expected_version'; readonly current: bigint | null }
  | { readonly ok: false; readonly reason: 'stream_deleted' };

export interface RecordFilter {
  readonly on: 'stream' | 'type';
  readonly prefixes: readonly string[];
  readonly regex: string;
}

/** A tombstone's revision on the server: EventNumber.DeletedStream (long.MaxValue). */
export const TOMBSTONE_REVISION = 2n ** 63n - 1n;

export function comparePosition(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function matches(filter: RecordFilter | null, record: LogRecord): boolean {
  if (!filter) return true;
  const subject = filter.on === 'stream' ? record.stream : record.type;
  if (filter.prefixes.length > 0) return filter.prefixes.some((p) => subject.startsWith(p));
  return new RegExp(filter.regex).test(subject);
}

const EMPTY = new Uint8Array();

export class InMemoryLog {
  private readonly records: LogRecord[] = [];
  private readonly streams = new Map<string, { last: bigint; deleted: boolean }>();
  /** Like a byte offset in the transaction file: positions grow by each record's size. */
  private nextPosition = 1_000n;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => bigint = () => BigInt(Date.now()) * 10_000n) {}

  append(stream: string, expected: Expected, events: readonly ProposedEvent[]): WriteOutcome {
    const state = this.streams.get(stream);
    if (state?.deleted) return { ok: false, reason: 'stream_deleted' };
    const last = state?.last ?? -1n;
    if (!satisfies(expected, last)) return { ok: false, reason: 'wrong_expected_version', current: last >= 0n ? last : null };
    return this.write(stream, last, events);
  }

  tombstone(stream: string, expected: Expected): WriteOutcome {
    const state = this.streams.get(stream);
    if (state?.deleted) return { ok: false, reason: 'stream_deleted' };
    const last = state?.last ?? -1n;
    if (!satisfies(expected, last)) return { ok: false, reason: 'wrong_expected_version', current: last >= 0n ? last : null };
    const outcome = this.write(stream, TOMBSTONE_REVISION - 1n, [
      { id: crypto.randomUUID(), type: '$streamDeleted', contentType: 'application/octet-stream', data: EMPTY, metadata: EMPTY },
    ]);
    this.streams.set(stream, { last, deleted: true });
    return outcome;
  }

  /** Writes as the server does for its own streams (statistics, settings, projections). */
  appendSystemEvent(stream: string, type: string): void {
    const last = this.streams.get(stream)?.last ?? -1n;
    this.write(stream, last, [{ id: crypto.randomUUID(), type, contentType: 'application/json', data: Buffer.from('{}'), metadata: EMPTY }]);
  }

  private write(stream: string, last: bigint, events: readonly ProposedEvent[]): WriteOutcome {
    const commit = this.nextPosition;
    const created = this.now();
    let revision = last;
    let prepare = commit;
    for (const event of events) {
      revision += 1n;
      prepare = this.nextPosition;
      this.records.push({ ...event, stream, revision, commit, prepare, created });
      this.nextPosition += 64n + BigInt(event.data.length + event.metadata.length + event.type.length);
    }
    this.streams.set(stream, { last: revision, deleted: false });
    for (const listener of [...this.listeners]) listener();
    return { ok: true, revision, position: { commit, prepare } };
  }

  readStream(stream: string, backwards: boolean, from: bigint | 'start' | 'end', count: bigint): LogRecord[] | 'not_found' | 'deleted' {
    const state = this.streams.get(stream);
    if (!state) return 'not_found';
    if (state.deleted) return 'deleted';
    const events = this.records.filter((r) => r.stream === stream);
    let selected: LogRecord[];
    if (backwards) {
      const top = from === 'end' ? state.last : from === 'start' ? -1n : from;
      selected = events.filter((r) => r.revision <= top).reverse();
    } else {
      const bottom = from === 'start' ? 0n : from === 'end' ? state.last + 1n : from;
      selected = events.filter((r) => r.revision >= bottom);
    }
    return selected.slice(0, Number(count > BigInt(selected.length) ? selected.length : count));
  }

  /** Forwards from a position includes it; backwards from a position starts before it. */
  readAll(backwards: boolean, from: Position | 'start' | 'end', count: bigint, filter: RecordFilter | null): LogRecord[] {
    const out: LogRecord[] = [];
    if (backwards) {
      for (let i = this.records.length - 1; i >= 0 && BigInt(out.length) < count; i--) {
        const record = this.records[i]!;
        if (from === 'start') break;
        if (from !== 'end' && comparePosition(record, from) >= 0) continue;
        if (matches(filter, record)) out.push(record);
      }
    } else {
      const start = from === 'start' ? 0 : from === 'end' ? this.records.length : this.indexAtOrAfter(from);
      for (let i = start; i < this.records.length && BigInt(out.length) < count; i++) {
        if (matches(filter, this.records[i]!)) out.push(this.records[i]!);
      }
    }
    return out;
  }

  /** Every record after `after` (exclusive), or from the beginning. */
  recordsAfter(after: Position | null): LogRecord[] {
    if (!after) return [...this.records];
    const i = this.indexAtOrAfter(after);
    const atIt = this.records[i];
    return this.records.slice(atIt && comparePosition(atIt, after) === 0 ? i + 1 : i);
  }

  lastPosition(): Position | null {
    return this.records.at(-1) ?? null;
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private indexAtOrAfter(position: Position): number {
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (comparePosition(this.records[mid]!, position) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function satisfies(expected: Expected, last: bigint): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no_stream':
      return last < 0n;
    case 'stream_exists':
      return last >= 0n;
    case 'revision':
      return last === expected.revision;
  }
}
