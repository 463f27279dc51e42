import type { ReadAllOptions } from '../../../application/ports/event-store.js';
import type { EventTextLog, StoredEventText } from '../../../application/ports/event-text-log.js';
import { pagedIterable } from './paged-iterable.js';
import { toPosition, type Row, type SqliteEventStore } from './sqlite-event-store.js';

/** The SQLite engine's rows as they are stored: the text columns are handed over as they are. */
export class SqliteEventTextLog implements EventTextLog {
  constructor(private readonly store: SqliteEventStore) {}

  readAllText(options: ReadAllOptions = {}): AsyncIterable<StoredEventText> {
    return pagedIterable(this.store.allPages(options), storedText);
  }
}

function storedText(r: Row): StoredEventText {
  return { position: toPosition(r[0]), id: r[1], stream: r[2], revision: BigInt(r[3]), type: r[4], data: r[5], metadata: r[6], created: new Date(r[7]) };
}
