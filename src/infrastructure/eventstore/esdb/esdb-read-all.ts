import type { EventStoreDBClient } from '@eventstore/db-client';
import type { GlobalPosition, ReadAllOptions, RecordedEvent } from '../../../application/ports/event-store.js';
import { comparePositions } from '../../../application/ports/positions.js';
import { acceptsEvent } from './esdb-filter.js';
import { readResponses } from './esdb-read-responses.js';
import { readAllRequest } from './esdb-read-requests.js';
import { peekEvent, toRecordedEvent } from './esdb-recorded-event.js';

const ALL = Number.MAX_SAFE_INTEGER;

/**
 * Reads $all with the server-side filter, leaving out what the port never shows (system
 * events, events of tombstoned streams). The server counts `maxCount` before those are left
 * out, so when some were, the read goes on from where it stopped for the shortfall.
 *
 * The port's `fromPosition` is inclusive both ways. Reading backwards from a position the
 * server starts before it, so the event at that position is fetched first by a one-event
 * forward read; events at or past the start are dropped either way, so a server that did
 * include it would not repeat it.
 */
export async function* readAll(
  client: EventStoreDBClient,
  isDeleted: (stream: string) => Promise<boolean>,
  options: ReadAllOptions,
): AsyncGenerator<RecordedEvent> {
  const backwards = options.direction === 'backwards';
  const filter = options.filter;
  let remaining = options.maxCount ?? ALL;
  let from: GlobalPosition | 'start' | 'end' = options.fromPosition ?? (backwards ? 'end' : 'start');
  if ((from === 'end' && !backwards) || (from === 'start' && backwards) || remaining <= 0) return;

  const accept = async (stream: string, type: string) => acceptsEvent(filter, stream, type) && !(await isDeleted(stream));

  if (backwards && typeof from === 'object') {
    const start = from;
    for await (const response of readResponses(client, readAllRequest(false, start, 1, filter), 'readAll')) {
      const event = response.getEvent();
      const peek = event && peekEvent(event);
      if (!event || !peek || comparePositions(peek.position, start) !== 0) continue;
      if (await accept(peek.stream, peek.type)) {
        yield toRecordedEvent(event);
        remaining--;
      }
    }
  }

  // `bound`: nothing at or before it (forwards) / at or after it (backwards) is handed out.
  let bound: GlobalPosition | null = backwards && typeof from === 'object' ? from : null;
  let continuing = false;
  while (remaining > 0) {
    // A continuation starts at the last event seen, which a forwards read returns once more.
    const asked = Math.min(ALL, remaining + (continuing ? 1 : 0));
    let received = 0;
    let progressed = false;
    for await (const response of readResponses(client, readAllRequest(backwards, from, asked, filter), 'readAll')) {
      const event = response.getEvent();
      const peek = event && peekEvent(event);
      if (!event || !peek) continue;
      received++;
      if (bound && (backwards ? comparePositions(peek.position, bound) >= 0 : comparePositions(peek.position, bound) <= 0)) continue;
      progressed = true;
      bound = peek.position;
      from = peek.position;
      if (!(await accept(peek.stream, peek.type))) continue;
      yield toRecordedEvent(event);
      if (--remaining === 0) return;
    }
    // Fewer than asked: the log has no more.
    if (received < asked || !progressed) return;
    continuing = true;
  }
}
