import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/application/ports/event-store.js';
import type { AliasCreated, AliasDeleted, AliasUpdated } from '../../src/domain/alias/alias-events.js';
import { scopeOfStream } from '../alias-index/alias-index-projection.js';
import type { Projection } from '../runner/projection.js';
import { BoundStatements } from './bound-statements.js';
import { ALIAS_VERSIONS } from './temporal-tables.js';
import { citeOf, dropQueryIndexesDdl, queryIndexesDdl, versionTableDdl, VersionWriter } from './version-table.js';

const writers = new BoundStatements((db) => new VersionWriter(db, ALIAS_VERSIONS));

/** Which key each alias named, and when: re-pointing an alias closes one version and opens the next. */
export const aliasHistoryProjection: Projection = {
  name: 'temporal-aliases',
  version: 2,
  eventTypes: new Set(['AliasCreated', 'AliasUpdated', 'AliasDeleted']),
  migrate(db) {
    db.exec(versionTableDdl(ALIAS_VERSIONS));
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
    const { accountId, region } = scopeOfStream(event.stream);
    const cite = citeOf(event);
    switch (event.type) {
      case 'AliasCreated':
      case 'AliasUpdated': {
        const d = event.data as (AliasCreated | AliasUpdated)['data'];
        aliases.open({ account_id: accountId, region, alias_name: d.aliasName }, { alias_arn: d.aliasArn, target_key_id: d.targetKeyId }, cite);
        return;
      }
      case 'AliasDeleted':
        aliases.close({ account_id: accountId, region, alias_name: (event.data as AliasDeleted['data']).aliasName }, cite);
        return;
    }
  },
};
