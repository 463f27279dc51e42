import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { EventFilter, GlobalPosition } from '../../../application/ports/event-store.js';
import { toServerFilter } from './esdb-filter.js';

const { ReadReq } = streamsPb;
type Options = InstanceType<typeof ReadReq.Options>;

const FORWARDS = 0;
const BACKWARDS = 1;

function baseOptions(backwards: boolean): Options {
  const options = new ReadReq.Options();
  const uuid = new ReadReq.Options.UUIDOption();
  uuid.setString(new sharedPb.Empty());
  options.setUuidOption(uuid);
  options.setResolveLinks(false);
  options.setReadDirection(backwards ? BACKWARDS : FORWARDS);
  return options;
}

function request(options: Options): InstanceType<typeof ReadReq> {
  return new ReadReq().setOptions(options);
}

function allOptions(from: GlobalPosition | 'start' | 'end'): InstanceType<typeof ReadReq.Options.AllOptions> {
  const all = new ReadReq.Options.AllOptions();
  if (from === 'start') all.setStart(new sharedPb.Empty());
  else if (from === 'end') all.setEnd(new sharedPb.Empty());
  else {
    const position = new ReadReq.Options.Position();
    position.setCommitPosition(from.commit.toString());
    position.setPreparePosition(from.prepare.toString());
    all.setPosition(position);
  }
  return all;
}

export function readStreamRequest(stream: string, backwards: boolean, from: bigint | 'start' | 'end', count: number): InstanceType<typeof ReadReq> {
  const streamOptions = new ReadReq.Options.StreamOptions();
  streamOptions.setStreamIdentifier(new sharedPb.StreamIdentifier().setStreamName(Buffer.from(stream, 'utf8')));
  if (from === 'start') streamOptions.setStart(new sharedPb.Empty());
  else if (from === 'end') streamOptions.setEnd(new sharedPb.Empty());
  else streamOptions.setRevision(from.toString());
  const options = baseOptions(backwards);
  options.setStream(streamOptions);
  options.setCount(String(count));
  options.setNoFilter(new sharedPb.Empty());
  return request(options);
}

export function readAllRequest(
  backwards: boolean,
  from: GlobalPosition | 'start' | 'end',
  count: number,
  filter: EventFilter | undefined,
): InstanceType<typeof ReadReq> {
  const options = baseOptions(backwards);
  options.setAll(allOptions(from));
  options.setCount(String(count));
  options.setFilter(toServerFilter(filter));
  return request(options);
}

/** A catch-up subscription to $all: the server starts after `from` (a checkpoint). */
export function subscribeToAllRequest(from: GlobalPosition | 'start' | 'end', filter: EventFilter | undefined): InstanceType<typeof ReadReq> {
  const options = baseOptions(false);
  options.setAll(allOptions(from));
  options.setSubscription(new ReadReq.Options.SubscriptionOptions());
  options.setFilter(toServerFilter(filter));
  return request(options);
}
