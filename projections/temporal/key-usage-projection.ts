import type Database from 'better-sqlite3';
import type { JsonObject, JsonValue, RecordedEvent } from '../../src/application/ports/event-store.js';
import { CALL_RECORD_EVENT_TYPE } from '../../src/application/kms/call-record.js';
import type { AliasCreated, AliasDeleted, AliasUpdated } from '../../src/domain/alias/alias-events.js';
import { KEY_EVENT_TYPES } from '../../src/domain/key/index.js';
import type { Projection } from '../runner/projection.js';
import { BoundStatements } from './bound-statements.js';
import { keyUsageDdl, OriginIds, RESET_KEY_USAGE, ROW_COLUMNS, USAGE_INDEX } from './key-usage-tables.js';
import { citeOf } from './version-table.js';

// Positional parameters: binding by name costs more than the insert itself at rebuild rates.
const statements = new BoundStatements((db) => ({
  insert: db.prepare(`INSERT INTO tt_key_usage_rows (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map(() => '?').join(', ')})`),
  firstOfCall: db.prepare<[string, string, string]>('INSERT OR IGNORE INTO tt_key_usage_calls (time, key_id, event_id) VALUES (?, ?, ?)'),
  origins: new OriginIds(db),
}));

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(.+)$/;

function str(value: JsonValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The encryption contexts a call carried, as CloudTrail logs them (they are not secret):
 * `encryptionContext`, or the source and destination ones of ReEncrypt. Null when none.
 */
export function loggedEncryptionContexts(requestParameters: JsonValue | undefined): string | null {
  if (requestParameters === null || typeof requestParameters !== 'object' || Array.isArray(requestParameters)) return null;
  const out: JsonObject = {};
  for (const member of ['encryptionContext', 'sourceEncryptionContext', 'destinationEncryptionContext']) {
    const value = requestParameters[member];
    if (value !== undefined && value !== null) out[member] = value;
  }
  return Object.keys(out).length === 0 ? null : JSON.stringify(out);
}

/** The keys a call acted on: from its record's resources, or from the domain event's data. */
function keysOf(event: RecordedEvent): string[] {
  if (event.type === CALL_RECORD_EVENT_TYPE) {
    const resources = (event.data as { resources?: { ARN?: string }[] }).resources ?? [];
    return resources.map((r) => KEY_ARN.exec(r.ARN ?? '')?.[1]).filter((id): id is string => id !== undefined);
  }
  if (event.type === 'AliasUpdated') {
    const d = event.data as AliasUpdated['data'];
    return [d.previousTargetKeyId, d.targetKeyId];
  }
  if (event.type === 'AliasCreated' || event.type === 'AliasDeleted') return [(event.data as (AliasCreated | AliasDeleted)['data']).targetKeyId];
  return [(event.data as { keyId: string }).keyId];
}

/**
 * Key usage: who called which operation on which key, when, from where, with which
 * encryption context and with what result. Reads, cryptography and failures come from the
 * call records; changes from the domain events, whose metadata carries the call. A call
 * that wrote several events (CreateKey: KeyCreated + PolicyPut) counts once per key.
 */
export const keyUsageProjection: Projection = {
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
    db.exec(USAGE_INDEX);
  },
  endBatch(db) {
    statements.for(db).origins.forget();
  },
  apply(event: RecordedEvent, db: Database.Database) {
    const { insert, firstOfCall, origins } = statements.for(db);
    const m = event.metadata;
    const caller = (m['caller'] ?? {}) as JsonObject;
    const record = event.type === CALL_RECORD_EVENT_TYPE ? (event.data as JsonObject) : null;
    const cite = citeOf(event);
    // In the order of ORIGIN_COLUMNS.
    const originId = origins.idOf([
      str(m['eventType']),
      str(caller['type']),
      str(caller['arn']),
      str(caller['accountId']),
      str(caller['principalId']),
      str(caller['accessKeyId']),
      str(caller['userName']),
      str(caller['invokedBy']),
      str(m['sourceIp']),
      str(m['userAgent']),
      str(m['region']),
    ]);
    // In the order of ROW_COLUMNS; the key goes first.
    const row: (string | number | bigint | null)[] = [
      null,
      cite.time,
      cite.commit,
      cite.prepare,
      event.stream,
      event.revision,
      event.type,
      cite.eventId,
      str(m['requestId']),
      str(record?.['operation']) ?? str(m['operation']) ?? event.type,
      originId,
      loggedEncryptionContexts(record === null ? m['requestParameters'] : record['requestParameters']),
      record === null ? null : str(record['errorCode']),
      record === null ? null : str(record['errorMessage']),
    ];
    const keys = keysOf(event);
    for (let i = 0; i < keys.length; i++) {
      const keyId = keys[i]!;
      if (keys.indexOf(keyId) !== i) continue;
      // A call record is its call's only event; a change may have written several (KeyCreated
      // and PolicyPut for one CreateKey), all carrying the call's event id: the first one counts.
      if (record === null && firstOfCall.run(cite.time, keyId, cite.eventId).changes === 0 && event.revision > 0n) continue;
      row[0] = keyId;
      insert.run(row);
    }
  },
};
