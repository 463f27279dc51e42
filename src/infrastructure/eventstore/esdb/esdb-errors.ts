import {
  CancelledError,
  convertToCommandError,
  DeadlineExceededError,
  NotLeaderError,
  StreamDeletedError as EsdbStreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { ExpectedRevision } from '../../../application/ports/event-store.js';
import {
  EventStoreUnavailableError,
  StreamDeletedError,
  WrongExpectedRevisionError,
} from '../../../application/ports/event-store-errors.js';

export interface ErrorContext {
  readonly stream?: string;
  readonly expected?: ExpectedRevision;
}

function isCancelledByUs(error: unknown): boolean {
  return (error as { code?: unknown; details?: unknown })?.code === 1 && (error as { details?: unknown }).details === 'Cancelled on client';
}

/**
 * The client's and gRPC's errors as the port's. Whatever says "no server answered" (refused,
 * unavailable, deadline, leader moved, discovery gave up) becomes EventStoreUnavailableError:
 * nothing is known to have been written, so the caller may retry.
 */
export function toPortError(raw: unknown, context: ErrorContext = {}): unknown {
  if (raw instanceof WrongExpectedRevisionError || raw instanceof StreamDeletedError || raw instanceof EventStoreUnavailableError) return raw;
  const error = raw instanceof Error && !isCancelledByUs(raw) ? convertToCommandError(raw as never) : raw;
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion;
    return new WrongExpectedRevisionError(
      context.stream ?? error.streamName,
      context.expected ?? (error.expectedVersion as ExpectedRevision),
      // A stream with no events is 'no_stream' (sent as -1 by some servers' error trailers).
      actual === 'no_stream' || (typeof actual === 'bigint' && actual < 0n) ? 'no_stream' : (actual as bigint),
    );
  }
  if (error instanceof EsdbStreamDeletedError) return new StreamDeletedError(context.stream ?? error.streamName);
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError ||
    error instanceof NotLeaderError ||
    (error instanceof Error && error.message.startsWith('Failed to discover'))
  ) {
    return new EventStoreUnavailableError(`EventStoreDB is unavailable: ${(error as Error).message}`, { cause: raw });
  }
  return error;
}

export function isStreamNotFound(error: unknown): boolean {
  return error instanceof StreamNotFoundError;
}
