/** Protocol messages of the double, built with the client package's own generated code. */
import { Metadata, status, type ServerErrorResponse } from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { Expected, LogRecord, Position, RecordFilter } from './in-memory-log.js';

const { ReadResp } = streamsPb;

export function streamName(identifier: { getStreamName_asU8(): Uint8Array } | undefined): string {
  return Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');
}

export function streamIdentifier(stream: string): InstanceType<typeof sharedPb.StreamIdentifier> {
  return new sharedPb.StreamIdentifier().setStreamName(Buffer.from(stream, 'utf8'));
}

/** Works for AppendReq.Options, BatchAppendReq.Options and TombstoneReq.Options alike. */
export function expectedOf(options: {
  hasAny(): boolean;
  hasNoStream(): boolean;
  hasStreamExists(): boolean;
}, revision: string | null): Expected {
  if (options.hasAny()) return { kind: 'any' };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (revision === null) throw new Error('An expected revision the double does not know');
  return { kind: 'revision', revision: BigInt(revision) };
}

/** The ExpectedVersion numbers the server puts in error trailers. */
export function expectedVersionNumber(expected: Expected): string {
  switch (expected.kind) {
    case 'any':
      return '-2';
    case 'no_stream':
      return '-1';
    case 'stream_exists':
      return '-4';
    case 'revision':
      return expected.revision.toString();
  }
}

export function filterOf(options: InstanceType<typeof streamsPb.ReadReq.Options>): RecordFilter | null {
  if (!options.hasFilter()) return null;
  const filter = options.getFilter()!;
  const on = filter.hasStreamIdentifier() ? 'stream' : 'type';
  const expression = (on === 'stream' ? filter.getStreamIdentifier() : filter.getEventType())!;
  return { on, prefixes: expression.getPrefixList(), regex: expression.getRegex() };
}

export function eventResponse(record: LogRecord): InstanceType<typeof ReadResp> {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(new sharedPb.UUID().setString(record.id));
  recorded.setStreamIdentifier(streamIdentifier(record.stream));
  recorded.setStreamRevision(record.revision.toString());
  recorded.setCommitPosition(record.commit.toString());
  recorded.setPreparePosition(record.prepare.toString());
  recorded.getMetadataMap().set('type', record.type);
  recorded.getMetadataMap().set('content-type', record.contentType);
  recorded.getMetadataMap().set('created', record.created.toString());
  recorded.setData(record.data);
  recorded.setCustomMetadata(record.metadata);
  const event = new ReadResp.ReadEvent();
  event.setEvent(recorded);
  event.setCommitPosition(record.commit.toString());
  return new ReadResp().setEvent(event);
}

export function positionOf(options: { getCommitPosition(): string; getPreparePosition(): string }): Position {
  return { commit: BigInt(options.getCommitPosition()), prepare: BigInt(options.getPreparePosition()) };
}

/** An error as the server raises it: a status plus the `exception` trailer the client reads. */
export function serverError(code: status, details: string, trailers: Record<string, string>): ServerErrorResponse {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

export function streamDeletedError(stream: string): ServerErrorResponse {
  return serverError(status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, { exception: 'stream-deleted', 'stream-name': stream });
}
