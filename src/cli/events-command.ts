import { Command, InvalidArgumentError } from 'commander';
import { EventStore, type RecordedEvent } from '../application/ports/event-store.js';
import { formatPosition, parsePosition } from '../application/ports/positions.js';
import { withConfigOptions } from './options.js';
import { withContainer } from './with-container.js';

/** One event as a JSON line: what an operator pipes into jq. */
function toLine(e: RecordedEvent): string {
  return JSON.stringify({
    position: formatPosition(e.position),
    stream: e.stream,
    revision: Number(e.revision),
    type: e.type,
    id: e.id,
    created: e.created.toISOString(),
    data: e.data,
    metadata: e.metadata,
  });
}

function position(text: string) {
  try {
    return parsePosition(text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

export function eventsCommand(): Command {
  const events = new Command('events').description('read the event log (JSON lines)');

  withConfigOptions(events.command('read'))
    .description('read one stream, or the whole log in global order')
    .option('--stream <name>', 'one stream, e.g. kmskey-<key id>')
    .option('--from <position>', 'start at this global position (inclusive), <commit>/<prepare> or a number', position)
    .option('--limit <n>', 'at most n events', count)
    .option('--backwards', 'newest first')
    .action((options) =>
      withContainer(options, async (container) => {
        const store = container.get<EventStore>(EventStore);
        const direction = options.backwards ? 'backwards' : 'forwards';
        const iterable = options.stream
          ? store.readStream(options.stream, { direction, maxCount: options.limit })
          : store.readAll({ direction, maxCount: options.limit, fromPosition: options.from });
        for await (const e of iterable) process.stdout.write(`${toLine(e)}\n`);
      }),
    );

  withConfigOptions(events.command('follow'))
    .description('print events as they are appended, after the history (Ctrl-C stops)')
    .option('--from <position>', 'after this global position (exclusive); default: only new events', position)
    .option('--history', 'start from the beginning of the log')
    .action((options) =>
      withContainer(options, async (container) => {
      const store = container.get<EventStore>(EventStore);
      const subscription = store.subscribeToAll({ fromPosition: options.history ? 'start' : (options.from ?? 'end') });
      const stop = () => void subscription.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      for await (const m of subscription) {
        if (m.kind === 'event') process.stdout.write(`${toLine(m.event)}\n`);
        else process.stderr.write(`-- caught up${m.position ? ` at ${formatPosition(m.position)}` : ''}; following live events\n`);
      }
      }),
    );

  return events;
}
