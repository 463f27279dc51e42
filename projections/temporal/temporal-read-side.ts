import { inject, injectable } from 'inversify';
import type {
  AccessKeyVersion,
  AliasVersion,
  AsOf,
  BackingKeyVersionEntry,
  GrantVersion,
  IdentityPolicyVersion,
  KeyHistory,
  KeyPolicyVersion,
  KeyVersion,
  PrincipalHistory,
  PrincipalVersion,
  Range,
  TemporalReadModels,
  UsageRecord,
} from '../../src/application/audit/temporal-read-models.js';
import { EventStore } from '../../src/application/ports/event-store.js';
import { ReadModelDatabase } from '../kms-read-side/read-model-database.js';
import type { Projection } from '../runner/projection.js';
import { ProjectionGroup } from '../runner/projection-group.js';
import { aliasHistoryProjection } from './alias-history-projection.js';
import { identityHistoryProjection } from './identity-history-projection.js';
import { keyHistoryProjection } from './key-history-projection.js';
import { keyUsageProjection } from './key-usage-projection.js';
import { TemporalQueries } from './temporal-queries.js';

export const TEMPORAL_PROJECTIONS: readonly Projection[] = [keyHistoryProjection, aliasHistoryProjection, identityHistoryProjection, keyUsageProjection];

/**
 * The temporal read models of this node, each fed by its own projection runner, in the
 * read-model database; the KMS operations read them too (SqliteKmsReadSide). `catchUp` is
 * the read-your-writes barrier.
 */
@injectable()
export class SqliteTemporalReadSide extends ProjectionGroup implements TemporalReadModels {
  private readonly queries: TemporalQueries;

  constructor(
    @inject(EventStore) store: EventStore,
    @inject(ReadModelDatabase) db: ReadModelDatabase,
  ) {
    super(store, db, TEMPORAL_PROJECTIONS);
    this.queries = new TemporalQueries(db);
  }

  key(keyId: string, asOf?: AsOf): KeyVersion | null {
    return this.queries.key(keyId, asOf);
  }
  keysOfAccount(accountId: string, asOf?: AsOf): KeyVersion[] {
    return this.queries.keysOfAccount(accountId, asOf);
  }
  keyPolicy(keyId: string, asOf?: AsOf): KeyPolicyVersion | null {
    return this.queries.keyPolicy(keyId, asOf);
  }
  keysNaming(principals: readonly string[], asOf?: AsOf): string[] {
    return this.queries.keysNaming(principals, asOf);
  }
  grantsOfKey(keyId: string, asOf?: AsOf): GrantVersion[] {
    return this.queries.grantsOfKey(keyId, asOf);
  }
  grantsForGrantees(grantees: readonly string[], asOf?: AsOf): GrantVersion[] {
    return this.queries.grantsForGrantees(grantees, asOf);
  }
  backingKeys(keyId: string, asOf?: AsOf): BackingKeyVersionEntry[] {
    return this.queries.backingKeys(keyId, asOf);
  }
  aliasesOfKey(keyId: string, asOf?: AsOf): AliasVersion[] {
    return this.queries.aliasesOfKey(keyId, asOf);
  }
  principal(arn: string, asOf?: AsOf): PrincipalVersion | null {
    return this.queries.principal(arn, asOf);
  }
  principalById(principalId: string, asOf?: AsOf): PrincipalVersion | null {
    return this.queries.principalById(principalId, asOf);
  }
  principalsOfAccount(accountId: string, asOf?: AsOf): PrincipalVersion[] {
    return this.queries.principalsOfAccount(accountId, asOf);
  }
  identityPolicies(principalArn: string, asOf?: AsOf): IdentityPolicyVersion[] {
    return this.queries.identityPolicies(principalArn, asOf);
  }
  accessKeysOf(principalArn: string, asOf?: AsOf): AccessKeyVersion[] {
    return this.queries.accessKeysOf(principalArn, asOf);
  }
  keyHistory(keyId: string): KeyHistory {
    return this.queries.keyHistory(keyId);
  }
  principalHistory(principalArn: string): PrincipalHistory {
    return this.queries.principalHistory(principalArn);
  }
  keysChangedIn(range: Range): string[] {
    return this.queries.keysChangedIn(range);
  }
  accountsChangedIn(range: Range): string[] {
    return this.queries.accountsChangedIn(range);
  }
  identityChangesIn(accountId: string, range: Range): PrincipalHistory {
    return this.queries.identityChangesIn(accountId, range);
  }
  usage(keyId: string, range: Partial<Range>, limit: number): UsageRecord[] {
    return this.queries.usage(keyId, range, limit);
  }
  keys(asOf?: AsOf): KeyVersion[] {
    return this.queries.keys(asOf);
  }
  accountIds(asOf?: AsOf): string[] {
    return this.queries.accountIds(asOf);
  }
  lastSuccessfulUse(keyId: string, operations: readonly string[], asOf?: AsOf): UsageRecord | null {
    return this.queries.lastSuccessfulUse(keyId, operations, asOf);
  }
  lastUseAfterIdleness(keyId: string, operations: readonly string[], minimumGapMs: number, asOf?: AsOf): UsageRecord | null {
    return this.queries.lastUseAfterIdleness(keyId, operations, minimumGapMs, asOf);
  }
}
