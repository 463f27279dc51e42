import type Database from 'better-sqlite3';
import type { JsonObject, JsonValue, RecordedEvent } from '../../src/application/ports/event-store.js';
import { CALL_RECORD_EVENT_TYPE } from '../../src/application/kms/call-record.js';
import type { AliasCreated, AliasDeleted, AliasUpdated } from '../../src/domain/alias/alias-events.js';
import { KEY_EVENT_TYPES } from '../../src/domain/key/index.js';
import type { Projection } from '../runner/projection.js';
import { BoundStatements } from './bound-statements.js';
import { citeOf } from './version-table.js';

const COLUMNS = [
  'key_id', 'time', 'commit_pos', 'prepare_pos', 'stream', 'revision', 'event_type', 'event_id', 'request_id', 'operation', 'event_source_type',
  'caller_type', 'caller_arn', 'caller_account', 'principal_id', 'access_key_id', 'user_name', 'invoked_by', 'source_ip', 'user_agent', 'region',
  'encryption_context', 'error_code', 'error_message',
] as const;

// Positional parameters: binding by name costs more than the insert itself at rebuild rates.
const insertSql = `INSERT INTO tt_key_usage (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;
const statements = new BoundStatements((db) => ({
  insert: db.prepare(insertSql),
  recorded: db.prepare<{ key_id: string; time: string; event_id: string }>('SELECT 1 FROM tt_key_usage WHERE key_id = @key_id AND time = @time AND event_id = @event_id'),
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
  version: 1,
  eventTypes: new Set<string>([CALL_RECORD_EVENT_TYPE, ...KEY_EVENT_TYPES, 'AliasCreated', 'AliasUpdated', 'AliasDeleted']),
  migrate(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS tt_key_usage (${COLUMNS.join(', ')});
      CREATE INDEX IF NOT EXISTS tt_key_usage_key_time ON tt_key_usage (key_id, time, commit_pos, prepare_pos);`);
  },
  reset(db) {
    db.exec('DELETE FROM tt_key_usage');
  },
  apply(event: RecordedEvent, db: Database.Database) {
    const { insert, recorded } = statements.for(db);
    const m = event.metadata;
    const caller = (m['caller'] ?? {}) as JsonObject;
    const record = event.type === CALL_RECORD_EVENT_TYPE ? (event.data as JsonObject) : null;
    const cite = citeOf(event);
    const row: Record<(typeof COLUMNS)[number], string | bigint | null> = {
      key_id: null,
      time: cite.time,
      commit_pos: cite.commit,
      prepare_pos: cite.prepare,
      stream: event.stream,
      revision: event.revision,
      event_type: event.type,
      event_id: cite.eventId,
      request_id: str(m['requestId']),
      operation: str(record?.['operation']) ?? str(m['operation']) ?? event.type,
      event_source_type: str(m['eventType']),
      caller_type: str(caller['type']),
      caller_arn: str(caller['arn']),
      caller_account: str(caller['accountId']),
      principal_id: str(caller['principalId']),
      access_key_id: str(caller['accessKeyId']),
      user_name: str(caller['userName']),
      invoked_by: str(caller['invokedBy']),
      source_ip: str(m['sourceIp']),
      user_agent: str(m['userAgent']),
      region: str(m['region']),
      encryption_context: loggedEncryptionContexts(record === null ? m['requestParameters'] : record['requestParameters']),
      error_code: record === null ? null : str(record['errorCode']),
      error_message: record === null ? null : str(record['errorMessage']),
    };
    for (const keyId of new Set(keysOf(event))) {
      // A call record is its call's only event; a change may have written several (KeyCreated
      // and PolicyPut for one CreateKey), all carrying the call's event id: the first one counts.
      if (record === null && event.revision > 0n && recorded.get({ key_id: keyId, time: cite.time, event_id: cite.eventId }) !== undefined) continue;
      row.key_id = keyId;
      insert.run(COLUMNS.map((c) => row[c]));
    }
  },
};
