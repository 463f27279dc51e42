import type { EventStoreDBClient } from '@eventstore/db-client';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import { type ErrorContext, toPortError } from './esdb-errors.js';
import { cancelRead, openRead } from './esdb-read-channel.js';

/**
 * The responses of one Read call, pulled one at a time: gRPC flow control holds the server
 * back while the consumer is busy. Leaving early (break, return, throw) cancels the call.
 */
export async function* readResponses(
  client: EventStoreDBClient,
  request: ReadReq,
  debugName: string,
  context: ErrorContext = {},
): AsyncGenerator<ReadResp> {
  let call;
  try {
    call = await openRead(client, request, debugName);
  } catch (error) {
    throw toPortError(error, context);
  }
  let finished = false;
  try {
    for await (const response of call as AsyncIterable<ReadResp>) yield response;
    finished = true;
  } catch (error) {
    throw toPortError(error, context);
  } finally {
    if (!finished) cancelRead(call);
  }
}
