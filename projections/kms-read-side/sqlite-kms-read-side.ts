import { inject, injectable } from 'inversify';
import type { AliasListEntry, GrantFilter, GrantListEntry, KeyListEntry, KmsReadSide, Page, PageRequest } from '../../src/application/kms/kms-read-side.js';
import { EventStore } from '../../src/application/ports/event-store.js';
import { AliasIndexQueries } from '../alias-index/alias-index-queries.js';
import { aliasIndexProjection } from '../alias-index/alias-index-projection.js';
import { GrantIndexQueries } from '../grant-index/grant-index-queries.js';
import { grantIndexProjection } from '../grant-index/grant-index-projection.js';
import { KeyDirectoryQueries } from '../key-directory/key-directory-queries.js';
import { keyDirectoryProjection } from '../key-directory/key-directory-projection.js';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { ReadModelDatabase } from './read-model-database.js';

/**
 * The KMS read models of this node (key directory, alias index, grant index), each fed by
 * its own projection runner, answering the operations' queries. `catchUp` is the
 * read-your-writes barrier: it waits until every runner has passed the store's head as
 * it was when asked, so a call sees everything written before it began, on any node.
 */
@injectable()
export class SqliteKmsReadSide implements KmsReadSide {
  private readonly runners: readonly ProjectionRunner[];
  private readonly keys: KeyDirectoryQueries;
  private readonly aliases: AliasIndexQueries;
  private readonly grants: GrantIndexQueries;
  private started = false;

  constructor(
    @inject(EventStore) private readonly store: EventStore,
    @inject(ReadModelDatabase) db: ReadModelDatabase,
  ) {
    this.runners = [keyDirectoryProjection, aliasIndexProjection, grantIndexProjection].map((p) => new ProjectionRunner(store, db, p));
    this.keys = new KeyDirectoryQueries(db);
    this.aliases = new AliasIndexQueries(db);
    this.grants = new GrantIndexQueries(db);
  }

  /** Starts the runners (also done by the first catchUp). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const runner of this.runners) runner.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  get projectionRunners(): readonly ProjectionRunner[] {
    return this.runners;
  }

  async catchUp(): Promise<void> {
    this.start();
    let head = null;
    for await (const event of this.store.readAll({ direction: 'backwards', maxCount: 1 })) head = event.position;
    if (head === null) return;
    const position = head;
    await Promise.all(this.runners.map((r) => r.waitFor(position)));
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
