import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/application/ports/event-store.js';
import {
  KEY_EVENT_TYPES,
  type GrantCreatedData,
  type GrantRef,
  type KeyCreatedData,
  type KeyDeletedData,
  type KeyDeletionScheduledData,
  type KeyDescriptionUpdatedData,
  type KeyRotatedData,
  type KeyRotationEnabledData,
  type KeyTaggedData,
  type KeyUntaggedData,
  type PolicyPutData,
} from '../../src/domain/key/index.js';
import { parsePolicyDocument, principalsNamedBy } from '../../src/domain/policy/index.js';
import type { Projection } from '../runner/projection.js';
import { BoundStatements } from './bound-statements.js';
import { BACKING_KEY_VERSIONS, GRANT_VERSIONS, KEY_POLICY_VERSIONS, KEY_TABLES, KEY_VERSIONS, POLICY_PRINCIPAL_VERSIONS } from './temporal-tables.js';
import { citeOf, dropQueryIndexesDdl, migrateVersionTables, queryIndexesDdl, VersionWriter, type EventCite, type Row } from './version-table.js';

class KeyHistoryWriters {
  readonly keys: VersionWriter;
  readonly policies: VersionWriter;
  readonly policyPrincipals: VersionWriter;
  readonly grants: VersionWriter;
  readonly backingKeys: VersionWriter;
  readonly openGrantsOfKey: Database.Statement<[string], { grant_id: string }>;
  readonly openNamesOfKey: Database.Statement<[string], { principal: string }>;
  readonly openBackingKeysOfKey: Database.Statement<[string], { version: number }>;

  constructor(db: Database.Database) {
    this.keys = new VersionWriter(db, KEY_VERSIONS);
    this.policies = new VersionWriter(db, KEY_POLICY_VERSIONS);
    this.policyPrincipals = new VersionWriter(db, POLICY_PRINCIPAL_VERSIONS);
    this.grants = new VersionWriter(db, GRANT_VERSIONS);
    this.backingKeys = new VersionWriter(db, BACKING_KEY_VERSIONS);
    this.openGrantsOfKey = db.prepare('SELECT grant_id FROM tt_grants WHERE key_id = ? AND to_commit IS NULL');
    this.openNamesOfKey = db.prepare('SELECT principal FROM tt_policy_principals WHERE key_id = ? AND to_commit IS NULL');
    this.openBackingKeysOfKey = db.prepare('SELECT version FROM tt_backing_keys WHERE key_id = ? AND to_commit IS NULL');
  }
}

const writers = new BoundStatements((db) => new KeyHistoryWriters(db));

type Tags = [string, string][];

/**
 * The history of every key: its state and metadata, its key policy (and the principals the
 * policy names), its grants and its backing-key versions, each version valid from the
 * event that made it until the event that replaced or ended it.
 */
export const keyHistoryProjection: Projection = {
  name: 'temporal-keys',
  version: 3,
  eventTypes: new Set<string>(KEY_EVENT_TYPES),
  migrate(db) {
    migrateVersionTables(db, KEY_TABLES, keyHistoryProjection.name);
  },
  reset(db) {
    db.exec(KEY_TABLES.map((t) => `${dropQueryIndexesDdl(t)}\nDELETE FROM ${t.table};`).join('\n'));
  },
  caughtUp(db) {
    db.transaction(() => db.exec(KEY_TABLES.map(queryIndexesDdl).join('\n')))();
  },
  endBatch(db) {
    const w = writers.for(db);
    for (const writer of [w.keys, w.policies, w.policyPrincipals, w.grants, w.backingKeys]) writer.forget();
  },
  apply(event: RecordedEvent, db: Database.Database) {
    const w = writers.for(db);
    const cite = citeOf(event);
    const keyId = (event.data as { keyId: string }).keyId;
    const entity = { key_id: keyId };
    if (event.type === 'KeyCreated') {
      const d = event.data as KeyCreatedData;
      w.keys.open(entity, {
        account_id: d.accountId, region: d.region, arn: d.arn, status: 'Live', key_state: 'Enabled', description: d.description,
        key_usage: d.keyUsage, key_spec: d.keySpec, origin: d.origin, creation_date: d.creationDate, rotation_enabled: 0, on_demand_rotations: 0, tags: '[]',
        created_commit: cite.commit, created_prepare: cite.prepare,
      }, cite);
      w.backingKeys.open({ key_id: keyId, version: 1 }, { backing_key_id: d.backingKeyId, rotation_type: null, created_at: d.creationDate }, cite);
      return;
    }
    const current = w.keys.current(entity);
    if (current === undefined) throw new Error(`${event.type} for key ${keyId}, which has no open version`);
    const change = (values: Row): void => w.keys.open(entity, { ...current, ...values }, cite, current);
    switch (event.type) {
      case 'KeyEnabled':
        return change({ key_state: 'Enabled' });
      case 'KeyDisabled':
        return change({ key_state: 'Disabled' });
      case 'KeyDescriptionUpdated':
        return change({ description: (event.data as KeyDescriptionUpdatedData).description });
      case 'KeyRotationEnabled': {
        const d = event.data as KeyRotationEnabledData;
        return change({ rotation_enabled: 1, rotation_period_days: d.rotationPeriodInDays, next_rotation_date: d.nextRotationDate });
      }
      case 'KeyRotationDisabled':
        return change({ rotation_enabled: 0, next_rotation_date: null });
      case 'KeyRotated': {
        const d = event.data as KeyRotatedData;
        w.backingKeys.open({ key_id: keyId, version: d.backingKeyVersion }, { backing_key_id: d.backingKeyId, rotation_type: d.rotationType, created_at: d.rotationDate }, cite);
        return change({
          on_demand_rotations: (current['on_demand_rotations'] as number) + (d.rotationType === 'ON_DEMAND' ? 1 : 0),
          ...(d.rotationType === 'AUTOMATIC' ? { next_rotation_date: d.nextRotationDate } : {}),
        });
      }
      case 'KeyDeletionScheduled': {
        const d = event.data as KeyDeletionScheduledData;
        return change({ key_state: 'PendingDeletion', deletion_date: d.deletionDate, pending_window_days: d.pendingWindowInDays });
      }
      case 'KeyDeletionCanceled':
        return change({ key_state: 'Disabled', deletion_date: null, pending_window_days: null });
      case 'KeyTagged': {
        const tags = new Map(JSON.parse(current['tags'] as string) as Tags);
        for (const { tagKey, tagValue } of (event.data as KeyTaggedData).tags) tags.set(tagKey, tagValue);
        return change({ tags: JSON.stringify([...tags]) });
      }
      case 'KeyUntagged': {
        const tags = new Map(JSON.parse(current['tags'] as string) as Tags);
        for (const tagKey of (event.data as KeyUntaggedData).tagKeys) tags.delete(tagKey);
        return change({ tags: JSON.stringify([...tags]) });
      }
      case 'PolicyPut':
        return putPolicy(w, keyId, event.data as PolicyPutData, cite);
      case 'GrantCreated': {
        const d = event.data as GrantCreatedData;
        w.grants.open({ grant_id: d.grantId }, {
          key_id: keyId, key_arn: current['arn'], account_id: current['account_id'], region: current['region'], name: d.name, grantee_principal: d.granteePrincipal, retiring_principal: d.retiringPrincipal, issuing_principal: d.issuingPrincipal,
          issuing_account: d.issuingAccount, operations: JSON.stringify(d.operations), constraints: d.constraints === null ? null : JSON.stringify(d.constraints),
          creation_date: d.creationDate,
        }, cite, null);
        return;
      }
      case 'GrantRetired':
      case 'GrantRevoked':
        w.grants.close({ grant_id: (event.data as GrantRef).grantId }, cite);
        return;
      case 'KeyDeleted': {
        // Everything of the key ends with it; the last version says it is gone, and since when.
        for (const { grant_id } of w.openGrantsOfKey.all(keyId)) w.grants.close({ grant_id }, cite);
        for (const { principal } of w.openNamesOfKey.all(keyId)) w.policyPrincipals.close({ key_id: keyId, principal }, cite);
        for (const { version } of w.openBackingKeysOfKey.all(keyId)) w.backingKeys.close({ key_id: keyId, version }, cite);
        w.policies.close(entity, cite);
        return change({ status: 'Deleted', key_state: 'Deleted', deletion_date: (event.data as KeyDeletedData).deletionDate, pending_window_days: null });
      }
    }
  },
};

function putPolicy(w: KeyHistoryWriters, keyId: string, d: PolicyPutData, cite: EventCite): void {
  w.policies.open({ key_id: keyId }, { policy: d.policy, default_policy: d.defaultPolicy ? 1 : 0 }, cite);
  const named = new Set(principalsNamedBy(parsePolicyDocument(d.policy, { kind: 'key' })).map((n) => n.value));
  for (const { principal } of w.openNamesOfKey.all(keyId)) {
    if (!named.delete(principal)) w.policyPrincipals.close({ key_id: keyId, principal }, cite);
  }
  // A principal the new policy still names keeps its version: only additions open new ones.
  for (const principal of named) w.policyPrincipals.open({ key_id: keyId, principal }, {}, cite, null);
}
