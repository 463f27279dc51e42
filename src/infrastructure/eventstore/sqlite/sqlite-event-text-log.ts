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
  return new StoredRow(r);
}

/** A row as stored text; what a reader of call records never asks for is made only when asked for. */
class StoredRow implements StoredEventText {
  readonly position: StoredEventText['position'];

  constructor(private readonly row: Row) {
    this.position = toPosition(row[0]);
  }

  get id(): string {
    return this.row[1];
  }

  get stream(): string {
    return this.row[2];
  }

  get revision(): bigint {
    return BigInt(this.row[3]);
  }

  get type(): string {
    return this.row[4];
  }

  get data(): string {
    return this.row[5];
  }

  get metadata(): string {
    return this.row[6];
  }

  get created(): Date {
    return new Date(this.row[7]);
  }
}
