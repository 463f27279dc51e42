import {
  status,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { InMemoryLog, LogRecord, Position, ProposedEvent, WriteOutcome } from './in-memory-log.js';
import { matches } from './in-memory-log.js';
import {
  eventResponse,
  expectedOf,
  expectedVersionNumber,
  filterOf,
  positionOf,
  serverError,
  streamDeletedError,
  streamIdentifier,
  streamName,
} from './wire.js';

const { AppendResp, BatchAppendResp, ReadResp, TombstoneResp } = streamsPb;
type ReadReq = InstanceType<typeof streamsPb.ReadReq>;
type ReadResp = InstanceType<typeof ReadResp>;

/** google.rpc.Code.FAILED_PRECONDITION, as the server reports append errors in a batch. */
const RPC_FAILED_PRECONDITION = 9;

function proposed(message: {
  getId(): InstanceType<typeof sharedPb.UUID> | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}): ProposedEvent {
  const meta = message.getMetadataMap();
  return {
    id: message.getId()?.getString() ?? crypto.randomUUID(),
    type: meta.get('type') ?? '',
    contentType: meta.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

async function send(call: ServerWritableStream<ReadReq, ReadResp>, response: ReadResp): Promise<boolean> {
  if (call.cancelled || call.destroyed) return false;
  // Back-pressure: wait while the client is not reading, as the server does.
  if (!call.write(response)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        for (const event of ['drain', 'cancelled', 'close']) call.off(event, done);
        resolve();
      };
      for (const event of ['drain', 'cancelled', 'close']) call.once(event, done);
    });
  }
  return !call.cancelled && !call.destroyed;
}

/** The Streams service of EventStoreDB over an InMemoryLog; see esdb-protocol-double.ts. */
export function streamsService(log: InMemoryLog): UntypedServiceImplementation {
  return {
    read: (call: ServerWritableStream<ReadReq, ReadResp>) => {
      const options = call.request.getOptions();
      if (!options) return call.emit('error', serverError(status.INVALID_ARGUMENT, 'Read without options', {}));
      const work = options.hasSubscription() ? subscribe(log, call) : options.hasStream() ? readStream(log, call) : readAll(log, call);
      work.catch((error: unknown) => call.emit('error', serverError(status.INTERNAL, String(error), {})));
    },

    append: (call: ServerReadableStream<InstanceType<typeof streamsPb.AppendReq>, unknown>, callback: sendUnaryData<unknown>) => {
      let options: InstanceType<typeof streamsPb.AppendReq.Options> | undefined;
      const events: ProposedEvent[] = [];
      call.on('data', (request: InstanceType<typeof streamsPb.AppendReq>) => {
        if (request.hasOptions()) options = request.getOptions();
        const message = request.getProposedMessage();
        if (message) events.push(proposed(message));
      });
      call.on('end', () => {
        if (!options) return callback(serverError(status.INVALID_ARGUMENT, 'Append without options', {}));
        const stream = streamName(options.getStreamIdentifier());
        const expected = expectedOf(options, options.hasRevision() ? options.getRevision() : null);
        const outcome = log.append(stream, expected, events);
        if (!outcome.ok && outcome.reason === 'stream_deleted') return callback(streamDeletedError(stream));
        const response = new AppendResp();
        if (outcome.ok) {
          const success = new AppendResp.Success();
          success.setCurrentRevision(outcome.revision.toString());
          const position = new AppendResp.Position();
          position.setCommitPosition(outcome.position.commit.toString());
          position.setPreparePosition(outcome.position.prepare.toString());
          success.setPosition(position);
          response.setSuccess(success);
        } else {
          const wrong = new AppendResp.WrongExpectedVersion();
          if (outcome.current === null) wrong.setCurrentNoStream(new sharedPb.Empty());
          else wrong.setCurrentRevision(outcome.current.toString());
          if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
          else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
          else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
          else wrong.setExpectedAny(new sharedPb.Empty());
          response.setWrongExpectedVersion(wrong);
        }
        callback(null, response);
      });
    },

    batchAppend: (call: ServerDuplexStream<InstanceType<typeof streamsPb.BatchAppendReq>, unknown>) => {
      const pending = new Map<string, { options: InstanceType<typeof streamsPb.BatchAppendReq.Options>; events: ProposedEvent[] }>();
      call.on('data', (request: InstanceType<typeof streamsPb.BatchAppendReq>) => {
        const correlation = request.getCorrelationId()!.getString();
        const entry = pending.get(correlation) ?? { options: request.getOptions()!, events: [] };
        pending.set(correlation, entry);
        for (const message of request.getProposedMessagesList()) entry.events.push(proposed(message));
        if (!request.getIsFinal()) return;
        pending.delete(correlation);
        const { options, events } = entry;
        const stream = streamName(options.getStreamIdentifier());
        const expected = expectedOf(options, options.hasStreamPosition() ? options.getStreamPosition() : null);
        call.write(batchAppendResponse(request.getCorrelationId()!, stream, expected, log.append(stream, expected, events)));
      });
      call.on('end', () => call.end());
    },

    tombstone: (call: ServerUnaryCall<InstanceType<typeof streamsPb.TombstoneReq>, unknown>, callback: sendUnaryData<unknown>) => {
      const options = call.request.getOptions()!;
      const stream = streamName(options.getStreamIdentifier());
      const expected = expectedOf(options, options.hasRevision() ? options.getRevision() : null);
      const outcome = log.tombstone(stream, expected);
      if (outcome.ok) {
        const position = new TombstoneResp.Position();
        position.setCommitPosition(outcome.position.commit.toString());
        position.setPreparePosition(outcome.position.prepare.toString());
        return callback(null, new TombstoneResp().setPosition(position));
      }
      if (outcome.reason === 'stream_deleted') return callback(streamDeletedError(stream));
      callback(
        serverError(status.FAILED_PRECONDITION, `Append failed due to WrongExpectedVersion. Stream: ${stream}`, {
          exception: 'wrong-expected-version',
          'stream-name': stream,
          'expected-version': expectedVersionNumber(expected),
          'actual-version': outcome.current === null ? '-1' : outcome.current.toString(),
        }),
      );
    },

    delete: (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      void call;
      callback(serverError(status.UNIMPLEMENTED, 'The protocol double has no soft delete: KeyTrail only tombstones', {}));
    },
  };
}

function batchAppendResponse(
  correlation: InstanceType<typeof sharedPb.UUID>,
  stream: string,
  expected: ReturnType<typeof expectedOf>,
  outcome: WriteOutcome,
): InstanceType<typeof BatchAppendResp> {
  const response = new BatchAppendResp().setCorrelationId(correlation).setStreamIdentifier(streamIdentifier(stream));
  if (outcome.ok) {
    const success = new BatchAppendResp.Success();
    success.setCurrentRevision(outcome.revision.toString());
    const position = new sharedPb.AllStreamPosition();
    position.setCommitPosition(outcome.position.commit.toString());
    position.setPreparePosition(outcome.position.prepare.toString());
    success.setPosition(position);
    return response.setSuccess(success);
  }
  const details = new anyPb.Any();
  if (outcome.reason === 'stream_deleted') {
    details.pack(new sharedPb.StreamDeleted().setStreamIdentifier(streamIdentifier(stream)).serializeBinary(), 'event_store.client.StreamDeleted');
  } else {
    const wrong = new sharedPb.WrongExpectedVersion();
    if (outcome.current !== null) wrong.setCurrentStreamRevision(outcome.current.toString());
    if (expected.kind === 'revision') wrong.setExpectedStreamPosition(expected.revision.toString());
    details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  }
  const error = new statusPb.Status();
  error.setCode(RPC_FAILED_PRECONDITION);
  error.setMessage(outcome.reason);
  error.setDetails(details);
  return response.setError(error);
}

async function readStream(log: InMemoryLog, call: ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
  const options = call.request.getOptions()!;
  const streamOptions = options.getStream()!;
  const stream = streamName(streamOptions.getStreamIdentifier());
  const from = streamOptions.hasStart() ? 'start' : streamOptions.hasEnd() ? 'end' : BigInt(streamOptions.getRevision());
  const result = log.readStream(stream, options.getReadDirection() === 1, from, BigInt(options.getCount()));
  if (result === 'deleted') return void call.emit('error', streamDeletedError(stream));
  if (result === 'not_found') {
    const notFound = new ReadResp.StreamNotFound();
    notFound.setStreamIdentifier(streamIdentifier(stream));
    await send(call, new ReadResp().setStreamNotFound(notFound));
  } else {
    for (const record of result) if (!(await send(call, eventResponse(record)))) return;
  }
  call.end();
}

async function readAll(log: InMemoryLog, call: ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
  const options = call.request.getOptions()!;
  const all = options.getAll()!;
  const from = all.hasStart() ? 'start' : all.hasEnd() ? 'end' : positionOf(all.getPosition()!);
  const records = log.readAll(options.getReadDirection() === 1, from, BigInt(options.getCount()), filterOf(options));
  for (const record of records) if (!(await send(call, eventResponse(record)))) return;
  call.end();
}

/** Confirmation, history after the checkpoint, a checkpoint, caught-up, then live records. */
async function subscribe(log: InMemoryLog, call: ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
  const options = call.request.getOptions()!;
  const all = options.getAll()!;
  const filter = filterOf(options);
  let after: Position | null = all.hasStart() ? null : all.hasEnd() ? log.lastPosition() : positionOf(all.getPosition()!);
  let wake: (() => void) | null = null;
  const unsubscribe = log.onAppend(() => wake?.());
  call.on('cancelled', () => wake?.());
  try {
    const confirmation = new ReadResp.SubscriptionConfirmation();
    confirmation.setSubscriptionId(crypto.randomUUID());
    if (!(await send(call, new ReadResp().setConfirmation(confirmation)))) return;
    let caughtUp = false;
    for (;;) {
      // Registered before reading, so an append during the sends below still wakes us.
      const appended = new Promise<void>((resolve) => (wake = resolve));
      const batch: LogRecord[] = log.recordsAfter(after);
      for (const record of batch) {
        after = record;
        if (matches(filter, record) && !(await send(call, eventResponse(record)))) return;
      }
      if (!caughtUp && log.recordsAfter(after).length === 0) {
        caughtUp = true;
        if (after && filter) {
          const checkpoint = new ReadResp.Checkpoint();
          checkpoint.setCommitPosition(after.commit.toString());
          checkpoint.setPreparePosition(after.prepare.toString());
          if (!(await send(call, new ReadResp().setCheckpoint(checkpoint)))) return;
        }
        if (!(await send(call, new ReadResp().setCaughtUp(new ReadResp.CaughtUp())))) return;
      }
      if (log.recordsAfter(after).length > 0) continue;
      await appended;
      if (call.cancelled || call.destroyed) return;
    }
  } finally {
    unsubscribe();
  }
}
