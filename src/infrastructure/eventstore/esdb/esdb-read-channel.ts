import type { EventStoreDBClient } from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb.js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import type { CallOptions, ClientReadableStream, Metadata } from '@grpc/grpc-js';

/**
 * The client's own connection machinery (discovery, channel, reconnection, credentials),
 * reached through two protected members. @eventstore/db-client 6.2.1 hides two things the
 * port needs behind its public API: a server-side filter on a read of $all (the protocol
 * and the server have it, the client's readAll does not), and the caught-up signal in its
 * place among the events (the client emits it as a side event, out of band with the
 * buffered events). Sending our own ReadReq through the client keeps both exact. The client
 * is pinned to an exact version; the protocol-double tests fail loudly if these move.
 */
interface ClientInternals {
  GRPCStreamCreator<C, T>(Client: new (...args: never[]) => C, debugName: string, creator: (client: C) => T): () => Promise<T>;
  callArguments(options: Record<string, never>, callOptions?: CallOptions): [Metadata, CallOptions];
}

export type ReadCall = ClientReadableStream<ReadResp>;

export async function openRead(client: EventStoreDBClient, request: ReadReq, debugName: string): Promise<ReadCall> {
  const internals = client as unknown as ClientInternals;
  const call = await internals.GRPCStreamCreator(StreamsClient as never, debugName, (grpc: StreamsClient) =>
    grpc.read(request, ...internals.callArguments({}, { deadline: Infinity })),
  )();
  // A cancelled or failed call emits 'error' after its reader may have gone; the reader
  // sees errors through its own iterator, this listener only keeps a late one from crashing.
  call.on('error', () => undefined);
  return call;
}

/** Ends the call on the server too; destroying the local stream alone would leave it running. */
export function cancelRead(call: ReadCall): void {
  call.cancel();
}
