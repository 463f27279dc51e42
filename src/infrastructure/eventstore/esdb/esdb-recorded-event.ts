import type { ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { GlobalPosition, JsonObject, JsonValue, RecordedEvent } from '../../../application/ports/event-store.js';

/** EventStoreDB sends `created` in .NET ticks (100 ns) since the Unix epoch. */
const TICKS_PER_MILLISECOND = 10_000n;

type Record = NonNullable<ReturnType<ReadResp.ReadEvent['getEvent']>>;

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function json(bytes: Uint8Array, what: string, id: string): JsonValue {
  try {
    return JSON.parse(utf8(bytes)) as JsonValue;
  } catch (cause) {
    throw new TypeError(`Event ${id} has ${what} that is not JSON; KeyTrail writes JSON only`, { cause });
  }
}

function positionOf(record: Record): GlobalPosition {
  return { commit: BigInt(record.getCommitPosition()), prepare: BigInt(record.getPreparePosition()) };
}

function streamOf(record: Record): string {
  return utf8(record.getStreamIdentifier()?.getStreamName_asU8() ?? new Uint8Array());
}

/** Stream, type and position, read before the rest, so a skipped event costs no JSON parsing. */
export function peekEvent(readEvent: ReadResp.ReadEvent): { stream: string; type: string; position: GlobalPosition } | null {
  const record = readEvent.getEvent();
  if (!record) return null;
  return { stream: streamOf(record), type: record.getMetadataMap().get('type') ?? '', position: positionOf(record) };
}

/** The event of a ReadResp as the port records it: both halves of the position kept. */
export function toRecordedEvent(readEvent: ReadResp.ReadEvent): RecordedEvent {
  const record = readEvent.getEvent();
  if (!record) throw new TypeError('A read event without its recorded event (links are never resolved here)');
  const id = record.getId()?.getString() ?? '';
  const meta = record.getMetadataMap();
  const contentType = meta.get('content-type');
  if (contentType !== 'application/json') {
    throw new TypeError(`Event ${id} has content type ${contentType ?? '(none)'}; KeyTrail writes JSON only`);
  }
  const customMetadata = record.getCustomMetadata_asU8();
  const metadata = customMetadata.length === 0 ? {} : json(customMetadata, 'metadata', id);
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new TypeError(`Event ${id} has metadata that is not a JSON object`);
  }
  return {
    id,
    type: meta.get('type') ?? '',
    stream: streamOf(record),
    revision: BigInt(record.getStreamRevision()),
    position: positionOf(record),
    created: new Date(Number(BigInt(meta.get('created') ?? '0') / TICKS_PER_MILLISECOND)),
    data: json(record.getData_asU8(), 'data', id),
    metadata: metadata as JsonObject,
  };
}
