import { inject, injectable } from 'inversify';
import type { AliasListEntry, GrantFilter, GrantListEntry, KeyListEntry, KmsReadSide, Page, PageRequest } from '../../src/application/kms/kms-read-side.js';
import { EventStore } from '../../src/application/ports/event-store.js';
import { AliasIndexQueries } from '../alias-index/alias-index-queries.js';
import { aliasIndexProjection } from '../alias-index/alias-index-projection.js';
import { GrantIndexQueries } from '../grant-index/grant-index-queries.js';
import { grantIndexProjection } from '../grant-index/grant-index-projection.js';
import { KeyDirectoryQueries } from '../key-directory/key-directory-queries.js';
import { keyDirectoryProjection } from '../key-directory/key-directory-projection.js';
import { ProjectionGroup } from '../runner/projection-group.js';
import { ReadModelDatabase } from './read-model-database.js';

/** The KMS read models of this node (key directory, alias index, grant index), answering the operations' queries. */
@injectable()
export class SqliteKmsReadSide extends ProjectionGroup implements KmsReadSide {
  private readonly keys: KeyDirectoryQueries;
  private readonly aliases: AliasIndexQueries;
  private readonly grants: GrantIndexQueries;

  constructor(
    @inject(EventStore) store: EventStore,
    @inject(ReadModelDatabase) db: ReadModelDatabase,
  ) {
    super(store, db, [keyDirectoryProjection, aliasIndexProjection, grantIndexProjection]);
    this.keys = new KeyDirectoryQueries(db);
    this.aliases = new AliasIndexQueries(db);
    this.grants = new GrantIndexQueries(db);
  }

  listKeys(accountId: string, region: string, page: PageRequest): Page<KeyListEntry> {
    return this.keys.listKeys(accountId, region, page);
  }

  findAlias(accountId: string, region: string, aliasName: string): AliasListEntry | null {
    return this.aliases.findAlias(accountId, region, aliasName);
  }

  listAliases(accountId: string, region: string, targetKeyId: string | null, page: PageRequest): Page<AliasListEntry> {
    return this.aliases.listAliases(accountId, region, targetKeyId, page);
  }

  aliasesOfKey(keyId: string): readonly string[] {
    return this.aliases.aliasesOfKey(keyId);
  }

  listGrants(keyId: string, filter: GrantFilter, page: PageRequest): Page<GrantListEntry> {
    return this.grants.listGrants(keyId, filter, page);
  }

  listRetirableGrants(accountId: string, region: string, retiringPrincipal: string, page: PageRequest): Page<GrantListEntry> {
    return this.grants.listRetirableGrants(accountId, region, retiringPrincipal, page);
  }

  findGrant(grantId: string): GrantListEntry | null {
    return this.grants.findGrant(grantId);
  }
}
