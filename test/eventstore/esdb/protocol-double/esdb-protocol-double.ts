/**
 * A protocol double of EventStoreDB: an in-process gRPC server speaking the wire protocol
 * of @eventstore/db-client 6.2.1 with the client package's own generated service
 * definitions and messages, over an in-memory log. It proves the adapter's mapping (what
 * it sends, how it reads the answers, errors included), not the server: the semantics are
 * the ones documented in in-memory-log.ts, kept as close to the server's as we know them.
 * The contract suite runs against a live server as well when KEYTRAIL_ESDB_URL is set.
 *
 * Served: Streams (Read: stream, $all, filtered, subscription; Append; BatchAppend;
 * Tombstone), ServerFeatures (so the client picks BatchAppend, or Append when asked not
 * to) and Gossip (one leader: cluster connection strings discover it).
 */
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { GossipService } from '@eventstore/db-client/generated/gossip_grpc_pb.js';
import gossipPb from '@eventstore/db-client/generated/gossip_pb.js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb.js';
import { InMemoryLog } from './in-memory-log.js';
import { streamsService } from './streams-service.js';

export interface ProtocolDoubleOptions {
  /** false: the server does not offer BatchAppend, so the client appends with Append. */
  readonly batchAppend?: boolean;
}

export interface EsdbProtocolDouble {
  /** `esdb://127.0.0.1:<port>?tls=false` */
  readonly connectionString: string;
  readonly port: number;
  /** The double's storage, for tests that write what a real server writes by itself. */
  readonly log: InMemoryLog;
  /** Drops every connection at once, as a crashed server would. */
  close(): Promise<void>;
}

const SERVER_VERSION = '24.10.0';

function supportedMethods(batchAppend: boolean): InstanceType<typeof serverFeaturesPb.SupportedMethods> {
  const method = (service: string, name: string) =>
    new serverFeaturesPb.SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList([]);
  const streams = 'event_store.client.streams.Streams';
  const methods = [
    method(streams, 'Read'),
    method(streams, 'Append'),
    method(streams, 'Tombstone'),
    ...(batchAppend ? [method(streams, 'BatchAppend')] : []),
    method('event_store.client.gossip.Gossip', 'Read'),
    method('event_store.client.server_features.ServerFeatures', 'GetSupportedMethods'),
  ];
  return new serverFeaturesPb.SupportedMethods().setMethodsList(methods).setEventStoreServerVersion(SERVER_VERSION);
}

function clusterInfo(port: number): InstanceType<typeof gossipPb.ClusterInfo> {
  const member = new gossipPb.MemberInfo();
  member.setInstanceId(new sharedPb.UUID().setString('00000000-0000-4000-8000-000000000001'));
  member.setTimeStamp('0');
  member.setState(gossipPb.MemberInfo.VNodeState.LEADER);
  member.setIsAlive(true);
  member.setHttpEndPoint(new gossipPb.EndPoint().setAddress('127.0.0.1').setPort(port));
  return new gossipPb.ClusterInfo().setMembersList([member]);
}

export async function startEsdbProtocolDouble(options: ProtocolDoubleOptions = {}): Promise<EsdbProtocolDouble> {
  const log = new InMemoryLog();
  // A live server's $all never starts empty: the adapter must skip what the server writes.
  log.appendSystemEvent('$settings', '$settings');
  const server = new Server();
  let port = 0;
  server.addService(StreamsService as unknown as ServiceDefinition, streamsService(log));
  server.addService(ServerFeaturesService as unknown as ServiceDefinition, {
    getSupportedMethods: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) =>
      callback(null, supportedMethods(options.batchAppend ?? true)),
  });
  server.addService(GossipService as unknown as ServiceDefinition, {
    read: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => callback(null, clusterInfo(port)),
  });
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    log,
    close: async () => {
      server.forceShutdown();
    },
  };
}
