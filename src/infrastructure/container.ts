import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Container } from 'inversify';
import { bindKeySchedule } from '../../projections/key-schedule/bind-key-schedule.js';
import { SqliteKeySchedule } from '../../projections/key-schedule/sqlite-key-schedule.js';
import { bindKmsReadSide } from '../../projections/kms-read-side/bind-kms-read-side.js';
import { dropRetiredReadModels, ReadModelDatabase } from '../../projections/kms-read-side/read-model-database.js';
import { SqliteTemporalReadSide } from '../../projections/temporal/temporal-read-side.js';
import { AliasLimits, AliasRegistryService } from '../application/alias/alias-registry-service.js';
import { CommandHandler, CommandHandlerSettings } from '../application/command-handler.js';
import { bindCompliance } from '../application/compliance/bind-compliance.js';
import { ComplianceSettings } from '../application/compliance/compliance-settings.js';
import { AccessKeySecrets } from '../application/identity/access-key-secrets.js';
import { EventSourcedAccessKeyDirectory } from '../application/identity/event-sourced-access-key-directory.js';
import { IdentityService } from '../application/identity/identity-service.js';
import { InstallationSetup } from '../application/identity/installation.js';
import { bindKms } from '../application/kms/bind-kms.js';
import { GrantLimits } from '../application/kms/kms-limits.js';
import { bindKeyMaintenance } from '../application/kms/maintenance/bind-key-maintenance.js';
import { KeyMaintenance } from '../application/kms/maintenance/key-maintenance.js';
import { CiphertextCodec } from '../application/material/ciphertext-codec.js';
import { GrantTokens } from '../application/material/grant-tokens.js';
import { MaterialService } from '../application/material/material-service.js';
import { RootKey } from '../application/material/root-key.js';
import { AccessKeyDirectory } from '../application/ports/access-key-directory.js';
import { Clock } from '../application/ports/clock.js';
import { EventStore } from '../application/ports/event-store.js';
import { EventTextLog } from '../application/ports/event-text-log.js';
import { SystemClock } from './clock/system-clock.js';
import { KeyTrailConfig, readModelPath } from './config/config.js';
import { AesGcmCiphertextCodec, HmacGrantTokens, loadRootKey } from './crypto/index.js';
import { bindCloudTrail } from './cloudtrail/bind-cloudtrail.js';
import { openEventStore } from './eventstore/open-event-store.js';
import { SqliteEventStore } from './eventstore/sqlite/sqlite-event-store.js';
import { SqliteEventTextLog } from './eventstore/sqlite/sqlite-event-text-log.js';
import { KmsHttpServer } from './http/kms-http-server.js';
import { KmsHttpSettings, reportToStderr } from './http/kms-http-settings.js';
import { QueryApiHandler } from './http/query-api/query-api-handler.js';

type Closer = () => Promise<void> | void;
const OPENED = Symbol.for('keytrail.OpenedResources');

/**
 * The composition root: the one place that knows which adapter serves which port.
 * The root key and the read-model database open only when something needs them, so
 * `keytrail events read` touches neither. `closeContainer` closes what was opened.
 */
export async function createContainer(config: KeyTrailConfig): Promise<Container> {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind<KeyTrailConfig>(KeyTrailConfig).toConstantValue(config);
  container.bind<Clock>(Clock).to(SystemClock);
  container.bind<CommandHandlerSettings>(CommandHandlerSettings).toConstantValue({ maxAttempts: config.commandAttempts });
  container.bind(CommandHandler).toSelf();

  container.bind<RootKey>(RootKey).toDynamicValue(() => loadRootKey({ rootKeyFile: config.rootKeyFile, dataDir: config.dataDir }).rootKey);
  container.bind<CiphertextCodec>(CiphertextCodec).to(AesGcmCiphertextCodec);
  container.bind<GrantTokens>(GrantTokens).to(HmacGrantTokens);
  container.bind(MaterialService).toSelf();
  container.bind(AccessKeySecrets).toSelf();
  container.bind(IdentityService).toSelf();
  container.bind(InstallationSetup).toSelf();
  container.bind<AccessKeyDirectory>(AccessKeyDirectory).to(EventSourcedAccessKeyDirectory);
  container.bind(AliasRegistryService).toSelf();
  container.bind<AliasLimits>(AliasLimits).toConstantValue(config.aliasLimits);
  container.bind<GrantLimits>(GrantLimits).toConstantValue(config.grantLimits);

  const opened: Closer[] = [];
  container.bind<Closer[]>(OPENED).toConstantValue(opened);
  container.bind<ReadModelDatabase>(ReadModelDatabase).toDynamicValue(() => {
    const db = openReadModels(readModelPath(config));
    opened.push(() => {
      db.close();
    });
    return db;
  });
  bindKmsReadSide(container);
  // Resolved after its database, so it is stopped before the database closes.
  container.onActivation(SqliteTemporalReadSide, (_context, readSide) => {
    opened.push(() => readSide.stop());
    return readSide;
  });
  bindKms(container);
  bindKeySchedule(container);
  bindKeyMaintenance(container);
  container.onActivation(SqliteKeySchedule, (_context, schedule) => {
    opened.push(() => schedule.stop());
    return schedule;
  });
  container.onActivation(KeyMaintenance, (_context, maintenance) => {
    opened.push(() => maintenance.stop());
    return maintenance;
  });
  container.bind<KmsHttpSettings>(KmsHttpSettings).toConstantValue({ maxBodyBytes: config.maxBodyBytes, reportInternalError: reportToStderr });
  container.bind(KmsHttpServer).toSelf();
  bindCloudTrail(container, config.dataDir, config.store);
  container.bind<ComplianceSettings>(ComplianceSettings).toConstantValue({ defaults: config.report });
  bindCompliance(container);
  container.bind(QueryApiHandler).toSelf();

  const store = await openEventStore(config.store, { writerThread: config.sqliteWriterThread });
  container.bind<EventStore>(EventStore).toConstantValue(store);
  if (store instanceof SqliteEventStore) container.bind<EventTextLog>(EventTextLog).toConstantValue(new SqliteEventTextLog(store));
  return container;
}

/** Read models are rebuildable from the events, so they trade fsyncs for speed (NORMAL). */
function openReadModels(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  dropRetiredReadModels(db);
  return db;
}

/** Closes, newest first, what the container opened, then the event store. */
export async function closeContainer(container: Container): Promise<void> {
  const closers = container.get<Closer[]>(OPENED);
  for (const close of closers.splice(0).reverse()) await close();
  await container.get<EventStore>(EventStore).close();
}
