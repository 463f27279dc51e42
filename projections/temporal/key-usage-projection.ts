import type Database from 'better-sqlite3';
import type { JsonObject, JsonValue, RecordedEvent } from '../../src/application/ports/event-store.js';
import { CALL_RECORD_EVENT_TYPE } from '../../src/application/kms/call-record.js';
import type { AliasCreated, AliasDeleted, AliasUpdated } from '../../src/domain/alias/alias-events.js';
import { KEY_EVENT_TYPES } from '../../src/domain/key/index.js';
import type { Stager, StagedProjection } from '../runner/projection.js';
import { BoundStatements } from './bound-statements.js';
import { PendingRows } from './pending-rows.js';
import { KnownOrigins, keyUsageDdl, ORIGIN_COLUMNS, OriginIds, RESET_KEY_USAGE, ROW_COLUMNS, USAGE_INDEX } from './key-usage-tables.js';
import { citeOf } from './version-table.js';

/** Rows written by one statement: at rebuild rates a statement's own cost is a good part of a row's. */
const ROWS_PER_INSERT = 64;
const insertSql = (rows: number) =>
  `INSERT INTO tt_key_usage_rows (${ROW_COLUMNS.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${ROW_COLUMNS.map(() => '?').join(', ')})`).join(', ')}`;

// Positional parameters: binding by name costs more than the insert itself at rebuild rates.
const statements = new BoundStatements((db) => ({
  insert: db.prepare(insertSql(1)),
  insertMany: db.prepare(insertSql(ROWS_PER_INSERT)),
  pending: new PendingRows(ROW_COLUMNS.length, ROWS_PER_INSERT),
  firstOfCall: db.prepare<[string, string, string]>('INSERT OR IGNORE INTO tt_key_usage_calls (time, key_id, event_id) VALUES (?, ?, ?)'),
  origins: new OriginIds(db),
}));

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(.+)$/;

function str(value: JsonValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

const CONTEXT_MEMBERS = ['encryptionContext', 'sourceEncryptionContext', 'destinationEncryptionContext'] as const;

/**
 * The encryption contexts a call carried, as CloudTrail logs them (they are not secret):
 * `encryptionContext`, or the source and destination ones of ReEncrypt. Null when none.
 * Written out member by member: the same text as stringifying an object of them, without
 * building one for every call.
 */
export function loggedEncryptionContexts(requestParameters: JsonValue | undefined): string | null {
  if (requestParameters === null || typeof requestParameters !== 'object' || Array.isArray(requestParameters)) return null;
  let out = '';
  for (const member of CONTEXT_MEMBERS) {
    const value = requestParameters[member];
    if (value !== undefined && value !== null) out += `${out === '' ? '{' : ','}"${member}":${JSON.stringify(value)}`;
  }
  return out === '' ? null : `${out}}`;
}

/** The keys a call acted on: from its record's resources, or from the domain event's data. */
function keysOf(event: RecordedEvent): string[] {
  if (event.type === CALL_RECORD_EVENT_TYPE) {
    const keys: string[] = [];
    for (const resource of (event.data as { resources?: { ARN?: string }[] }).resources ?? []) {
      const keyId = KEY_ARN.exec(resource.ARN ?? '')?.[1];
      if (keyId !== undefined && !keys.includes(keyId)) keys.push(keyId);
    }
    return keys;
  }
  if (event.type === 'AliasUpdated') {
    const d = event.data as AliasUpdated['data'];
    return d.previousTargetKeyId === d.targetKeyId ? [d.targetKeyId] : [d.previousTargetKeyId, d.targetKeyId];
  }
  if (event.type === 'AliasCreated' || event.type === 'AliasDeleted') return [(event.data as (AliasCreated | AliasDeleted)['data']).targetKeyId];
  return [(event.data as { keyId: string }).keyId];
}

/**
 * How staged values are laid out, one entry after another: an origin (its token within
 * the batch, then the values of ORIGIN_COLUMNS), or a usage row (the values of
 * ROW_COLUMNS, the origin's token in place of its id) from a call record or from a change.
 */
const ORIGIN = 0;
const CALL_ROW = 1;
const CHANGE_ROW = 2;
const ORIGIN_ID = ROW_COLUMNS.indexOf('origin_id');
const TIME = ROW_COLUMNS.indexOf('time');
const REVISION = ROW_COLUMNS.indexOf('revision');
const EVENT_ID = ROW_COLUMNS.indexOf('event_id');

/** In the order of ORIGIN_COLUMNS; reused from event to event, as staging copies it out. */
const origin: (string | null)[] = new Array<string | null>(ORIGIN_COLUMNS.length).fill(null);
/** In the order of ROW_COLUMNS; the key goes first. */
const row: unknown[] = new Array<unknown>(ROW_COLUMNS.length).fill(null);

/** Stages one batch: origins get tokens, each staged once, before the first row that names it. */
function stager(): Stager {
  const tokens = new KnownOrigins<number>();
  let nextToken = 0;
  return (event, out) => {
    const m = event.metadata;
    const caller = (m['caller'] ?? {}) as JsonObject;
    const record = event.type === CALL_RECORD_EVENT_TYPE ? (event.data as JsonObject) : null;
    const cite = citeOf(event);
    origin[0] = str(m['eventType']);
    origin[1] = str(caller['type']);
    origin[2] = str(caller['arn']);
    origin[3] = str(caller['accountId']);
    origin[4] = str(caller['principalId']);
    origin[5] = str(caller['accessKeyId']);
    origin[6] = str(caller['userName']);
    origin[7] = str(caller['invokedBy']);
    origin[8] = str(m['sourceIp']);
    origin[9] = str(m['userAgent']);
    origin[10] = str(m['region']);
    let token = tokens.get(origin);
    if (token === undefined) {
      token = nextToken++;
      tokens.set(origin, token);
      out.push(ORIGIN, token, ...origin);
    }
    row[1] = cite.time;
    row[2] = cite.commit;
    row[3] = cite.prepare;
    row[4] = event.stream;
    row[5] = event.revision;
    row[6] = event.type;
    row[7] = cite.eventId;
    row[8] = str(m['requestId']);
    row[9] = str(record?.['operation']) ?? str(m['operation']) ?? event.type;
    row[10] = token;
    row[11] = loggedEncryptionContexts(record === null ? m['requestParameters'] : record['requestParameters']);
    row[12] = record === null ? null : str(record['errorCode']);
    row[13] = record === null ? null : str(record['errorMessage']);
    for (const keyId of keysOf(event)) {
      row[0] = keyId;
      out.push(record === null ? CHANGE_ROW : CALL_ROW, ...row);
    }
  };
}

/** Writes one batch's staged values (see stager), 64 rows per statement. */
function write(db: Database.Database, values: readonly unknown[]): void {
  const { insert, insertMany, firstOfCall, origins, pending } = statements.for(db);
  const ids: (number | bigint)[] = [];
  const staged = new Array<unknown>(ROW_COLUMNS.length);
  try {
    let i = 0;
    while (i < values.length) {
      const tag = values[i];
      if (tag === ORIGIN) {
        ids[values[i + 1] as number] = origins.idOf(values.slice(i + 2, i + 2 + ORIGIN_COLUMNS.length) as (string | null)[]);
        i += 2 + ORIGIN_COLUMNS.length;
        continue;
      }
      for (let c = 0; c < staged.length; c++) staged[c] = values[i + 1 + c];
      i += 1 + staged.length;
      staged[ORIGIN_ID] = ids[staged[ORIGIN_ID] as number];
      // A call record is its call's only event; a change may have written several (KeyCreated
      // and PolicyPut for one CreateKey), all carrying the call's event id: the first one counts.
      if (tag === CHANGE_ROW && firstOfCall.run(staged[TIME] as string, staged[0] as string, staged[EVENT_ID] as string).changes === 0 && (staged[REVISION] as bigint) > 0n) continue;
      if (pending.add(staged)) {
        insertMany.run(pending.values);
        pending.clear();
      }
    }
    pending.each((values) => insert.run(values));
  } finally {
    pending.clear();
    origins.forget();
  }
}

/**
 * Key usage: who called which operation on which key, when, from where, with which
 * encryption context and with what result. Reads, cryptography and failures come from the
 * call records; changes from the domain events, whose metadata carries the call. A call
 * that wrote several events (CreateKey: KeyCreated + PolicyPut) counts once per key.
 * Staged: nearly every event of the log is a call to apply, and its rows are written on
 * a thread of their own (see StagedProjection).
 */
export const keyUsageProjection: StagedProjection = {
  name: 'temporal-key-usage',
  version: 2,
  eventTypes: new Set<string>([CALL_RECORD_EVENT_TYPE, ...KEY_EVENT_TYPES, 'AliasCreated', 'AliasUpdated', 'AliasDeleted']),
  migrate(db) {
    keyUsageDdl(db);
  },
  reset(db) {
    db.exec(RESET_KEY_USAGE);
  },
  caughtUp(db) {
    // On the writer thread, while the runner's waits: SQLite may sort with a helper thread
    // (measured 1.08 s -> 0.87 s for a million rows).
    db.pragma('threads = 1');
    db.exec(USAGE_INDEX);
  },
  staged: { stager, write, module: new URL(import.meta.url), exportName: 'keyUsageProjection' },
};
