import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/application/ports/event-store.js';
import type {
  AccessKeyActivated,
  AccessKeyCreated,
  AccessKeyDeactivated,
  AccessKeyDeleted,
  AccountCreated,
  IdentityPolicyDeleted,
  IdentityPolicyPut,
  PrincipalCreated,
  PrincipalDeleted,
} from '../../src/domain/identity/identity-events.js';
import { IDENTITY_STREAM_CATEGORY } from '../../src/domain/identity/identity-stream.js';
import type { Projection } from '../runner/projection.js';
import { BoundStatements } from './bound-statements.js';
import { ACCESS_KEY_VERSIONS, IDENTITY_POLICY_VERSIONS, IDENTITY_TABLES, PRINCIPAL_VERSIONS } from './temporal-tables.js';
import { citeOf, dropQueryIndexesDdl, queryIndexesDdl, versionTableDdl, VersionWriter } from './version-table.js';

class IdentityWriters {
  readonly principals: VersionWriter;
  readonly policies: VersionWriter;
  readonly accessKeys: VersionWriter;
  constructor(db: Database.Database) {
    this.principals = new VersionWriter(db, PRINCIPAL_VERSIONS);
    this.policies = new VersionWriter(db, IDENTITY_POLICY_VERSIONS);
    this.accessKeys = new VersionWriter(db, ACCESS_KEY_VERSIONS);
  }
}

const writers = new BoundStatements((db) => new IdentityWriters(db));

function accountOfStream(stream: string): string {
  if (!stream.startsWith(`${IDENTITY_STREAM_CATEGORY}-`)) throw new Error(`Identity event in unexpected stream '${stream}'`);
  return stream.slice(IDENTITY_STREAM_CATEGORY.length + 1);
}

/**
 * The identity directory through time: principals (with each account's root user from
 * AccountCreated), their inline identity policies, and access keys with their status.
 * AccessKeyCreated carries the wrapped secret; only the key id, owner and status are kept.
 */
export const identityHistoryProjection: Projection = {
  name: 'temporal-identities',
  version: 2,
  eventTypes: new Set([
    'AccountCreated', 'PrincipalCreated', 'PrincipalDeleted', 'AccessKeyCreated', 'AccessKeyDeactivated', 'AccessKeyActivated', 'AccessKeyDeleted',
    'IdentityPolicyPut', 'IdentityPolicyDeleted',
  ]),
  migrate(db) {
    db.exec(IDENTITY_TABLES.map(versionTableDdl).join('\n'));
  },
  reset(db) {
    db.exec(IDENTITY_TABLES.map((t) => `${dropQueryIndexesDdl(t)}\nDELETE FROM ${t.table};`).join('\n'));
  },
  caughtUp(db) {
    db.transaction(() => db.exec(IDENTITY_TABLES.map(queryIndexesDdl).join('\n')))();
  },
  endBatch(db) {
    const w = writers.for(db);
    for (const writer of [w.principals, w.policies, w.accessKeys]) writer.forget();
  },
  apply(event: RecordedEvent, db: Database.Database) {
    const w = writers.for(db);
    const account = accountOfStream(event.stream);
    const cite = citeOf(event);
    switch (event.type) {
      case 'AccountCreated': {
        const d = event.data as AccountCreated['data'];
        w.principals.open({ account_id: account, arn: d.rootArn }, { principal_type: 'Root', name: 'root', path: '/', principal_id: d.accountId }, cite);
        return;
      }
      case 'PrincipalCreated': {
        const d = event.data as PrincipalCreated['data'];
        w.principals.open({ account_id: account, arn: d.arn }, { principal_type: d.principalType, name: d.name, path: d.path, principal_id: d.principalId }, cite);
        return;
      }
      case 'PrincipalDeleted':
        w.principals.close({ account_id: account, arn: (event.data as PrincipalDeleted['data']).arn }, cite);
        return;
      case 'IdentityPolicyPut': {
        const d = event.data as IdentityPolicyPut['data'];
        w.policies.open(
          { account_id: account, principal_arn: d.principalArn, policy_name: d.policyName },
          { principal_type: d.principalType, principal_name: d.principalName, document: d.policyDocument },
          cite,
        );
        return;
      }
      case 'IdentityPolicyDeleted': {
        const d = event.data as IdentityPolicyDeleted['data'];
        w.policies.close({ account_id: account, principal_arn: d.principalArn, policy_name: d.policyName }, cite);
        return;
      }
      case 'AccessKeyCreated':
      case 'AccessKeyActivated':
      case 'AccessKeyDeactivated': {
        const d = event.data as (AccessKeyCreated | AccessKeyActivated | AccessKeyDeactivated)['data'];
        w.accessKeys.open(
          { access_key_id: d.accessKeyId },
          { account_id: account, user_name: d.userName, principal_arn: d.principalArn, status: event.type === 'AccessKeyDeactivated' ? 'Inactive' : 'Active' },
          cite,
        );
        return;
      }
      case 'AccessKeyDeleted':
        w.accessKeys.close({ access_key_id: (event.data as AccessKeyDeleted['data']).accessKeyId }, cite);
        return;
    }
  },
};
