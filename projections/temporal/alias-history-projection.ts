import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/application/ports/event-store.js';
import type { AliasCreated, AliasDeleted, AliasUpdated } from '../../src/domain/alias/alias-events.js';
import { scopeOfAliasRegistryStream } from '../../src/domain/alias/alias-stream.js';
import type { Projection } from '../runner/projection.js';
import { BoundStatements } from './bound-statements.js';
import { ALIAS_VERSIONS } from './temporal-tables.js';
import { citeOf, dropQueryIndexesDdl, migrateVersionTables, queryIndexesDdl, VersionWriter } from './version-table.js';

const writers = new BoundStatements((db) => new VersionWriter(db, ALIAS_VERSIONS));

/** Which key each alias named, and when: re-pointing an alias closes one version and opens the next. */
export const aliasHistoryProjection: Projection = {
  name: 'temporal-aliases',
  version: 3,
  eventTypes: new Set(['AliasCreated', 'AliasUpdated', 'AliasDeleted']),
  migrate(db) {
    migrateVersionTables(db, [ALIAS_VERSIONS], aliasHistoryProjection.name);
  },
  reset(db) {
    db.exec(`${dropQueryIndexesDdl(ALIAS_VERSIONS)}\nDELETE FROM ${ALIAS_VERSIONS.table};`);
  },
  caughtUp(db) {
    db.transaction(() => db.exec(queryIndexesDdl(ALIAS_VERSIONS)))();
  },
  endBatch(db) {
    writers.for(db).forget();
  },
  apply(event: RecordedEvent, db: Database.Database) {
    const aliases = writers.for(db);
    const { accountId, region } = scopeOfAliasRegistryStream(event.stream);
    const cite = citeOf(event);
    switch (event.type) {
      case 'AliasCreated': {
        const d = event.data as AliasCreated['data'];
        const entity = { account_id: accountId, region, alias_name: d.aliasName };
        aliases.open(entity, { alias_arn: d.aliasArn, target_key_id: d.targetKeyId, creation_date: cite.time }, cite);
        return;
      }
      case 'AliasUpdated': {
        const d = event.data as AliasUpdated['data'];
        const entity = { account_id: accountId, region, alias_name: d.aliasName };
        const current = aliases.current(entity);
        if (current === undefined) throw new Error(`AliasUpdated for ${d.aliasName}, which has no open version`);
        aliases.open(entity, { alias_arn: d.aliasArn, target_key_id: d.targetKeyId, creation_date: current['creation_date'] }, cite, current);
        return;
      }
      case 'AliasDeleted':
        aliases.close({ account_id: accountId, region, alias_name: (event.data as AliasDeleted['data']).aliasName }, cite);
        return;
    }
  },
};

