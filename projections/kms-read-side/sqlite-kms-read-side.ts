import { inject, injectable } from 'inversify';
import type { AsOf, BackingKeyVersionEntry, KeyPolicyVersion, KeyVersion } from '../../src/application/audit/temporal-read-models.js';
import type { AliasListEntry, GrantFilter, GrantListEntry, KeyListEntry, KmsReadSide, Page, PageRequest } from '../../src/application/kms/kms-read-side.js';
import { ALIAS_STREAM_CATEGORY } from '../../src/domain/alias/alias-stream.js';
import { KEY_STREAM_CATEGORY } from '../../src/domain/key/index.js';
import type { Projection } from '../runner/projection.js';
import { aliasHistoryProjection } from '../temporal/alias-history-projection.js';
import { keyHistoryProjection } from '../temporal/key-history-projection.js';
import { SqliteTemporalReadSide } from '../temporal/temporal-read-side.js';
import { KmsReadQueries } from './kms-read-queries.js';
import { ReadModelDatabase } from './read-model-database.js';

/** The temporal read models the KMS operations read: keys (with policies and grants) and aliases. */
export const KMS_READ_MODELS = [keyHistoryProjection, aliasHistoryProjection];

/** The read models a stream's events feed: a barrier on key streams waits for the key history alone. */
function readModelsOf(streams: readonly string[]): Projection[] {
  const models = new Set<Projection>();
  for (const stream of streams) {
    if (stream.startsWith(`${KEY_STREAM_CATEGORY}-`)) models.add(keyHistoryProjection);
    else if (stream.startsWith(`${ALIAS_STREAM_CATEGORY}-`)) models.add(aliasHistoryProjection);
    else return KMS_READ_MODELS;
  }
  return [...models];
}

/**
 * The KMS operations' view of the temporal read models, read as of now. It waits only for
 * the projections it reads, so a call never waits for the key-usage or identity history.
 */
@injectable()
export class SqliteKmsReadSide implements KmsReadSide {
  private readonly queries: KmsReadQueries;

  constructor(
    @inject(SqliteTemporalReadSide) private readonly temporal: SqliteTemporalReadSide,
    @inject(ReadModelDatabase) db: ReadModelDatabase,
  ) {
    this.queries = new KmsReadQueries(db);
  }

  /** Follows the log with the read models the operations read (the server does this on start). */
  start(): void {
    this.temporal.start(KMS_READ_MODELS);
  }

  /**
   * Starts them and resolves once they have caught up with the log: a server waits for
   * this before it listens, so a rebuild after an upgrade delays the start rather than
   * failing the first calls that read.
   */
  async whenLive(): Promise<void> {
    this.start();
    await Promise.all(this.temporal.projectionRunners.filter((r) => KMS_READ_MODELS.includes(r.projection)).map((r) => r.whenLive()));
  }

  catchUp(streams?: readonly string[]): Promise<void> {
    return this.temporal.catchUp(streams === undefined ? KMS_READ_MODELS : readModelsOf(streams), streams);
  }

  listKeys(accountId: string, region: string, page: PageRequest, asOf?: AsOf): Page<KeyListEntry> {
    return this.queries.listKeys(accountId, region, page, asOf);
  }

  key(keyId: string, asOf?: AsOf): KeyVersion | null {
    return this.temporal.key(keyId, asOf);
  }

  keyPolicy(keyId: string, asOf?: AsOf): KeyPolicyVersion | null {
    return this.temporal.keyPolicy(keyId, asOf);
  }

  backingKeys(keyId: string, asOf?: AsOf): readonly BackingKeyVersionEntry[] {
    return this.temporal.backingKeys(keyId, asOf);
  }

  findAlias(accountId: string, region: string, aliasName: string, asOf?: AsOf): AliasListEntry | null {
    return this.queries.findAlias(accountId, region, aliasName, asOf);
  }

  listAliases(accountId: string, region: string, targetKeyId: string | null, page: PageRequest, asOf?: AsOf): Page<AliasListEntry> {
    return this.queries.listAliases(accountId, region, targetKeyId, page, asOf);
  }

  aliasesOfKey(keyId: string, asOf?: AsOf): readonly string[] {
    return this.queries.aliasesOfKey(keyId, asOf);
  }

  listGrants(keyId: string, filter: GrantFilter, page: PageRequest, asOf?: AsOf): Page<GrantListEntry> {
    return this.queries.listGrants(keyId, filter, page, asOf);
  }

  listRetirableGrants(region: string, retiringPrincipal: string, page: PageRequest, asOf?: AsOf): Page<GrantListEntry> {
    return this.queries.listRetirableGrants(region, retiringPrincipal, page, asOf);
  }

  findGrant(grantId: string, asOf?: AsOf): GrantListEntry | null {
    return this.queries.findGrant(grantId, asOf);
  }
}
