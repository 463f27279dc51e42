import type { Container } from 'inversify';
import { CloudTrailReplay } from '../../application/cloudtrail/cloudtrail-replay.js';
import { KeyLocator } from '../../application/cloudtrail/key-location.js';
import { InProcessRecordSource } from '../../application/cloudtrail/in-process-record-source.js';
import { TrailExporter } from '../../application/cloudtrail/trail-exporter.js';
import { TrailRecordSource } from '../../application/cloudtrail/trail-record-source.js';
import { TrailPublicKey, TrailSigner } from '../../application/cloudtrail/trail-ports.js';
import { TrailPartExporter } from '../../application/cloudtrail/trail-part.js';
import type { StoreLocation } from '../config/config.js';
import { loadTrailSigningKey } from './rsa-trail-key.js';
import { WorkerTrailPartExporter } from './worker-trail-part-exporter.js';

/**
 * The CloudTrail replay's bindings, for the composition root. The signing key is loaded
 * (or, the first time, generated) only when something signs or verifies.
 */
/**
 * With the store's location, a SQLite export can run in parts on worker threads
 * (`threads` in ExportOptions); without it every export is one pass.
 */
export function bindCloudTrail(container: Container, dataDir: string, store?: StoreLocation): void {
  container.bind<TrailSigner>(TrailSigner).toDynamicValue(() => loadTrailSigningKey(dataDir));
  container.bind<TrailPublicKey>(TrailPublicKey).toService(TrailSigner);
  container.bind(KeyLocator).toSelf();
  container.bind(CloudTrailReplay).toSelf();
  container.bind<TrailRecordSource>(TrailRecordSource).to(InProcessRecordSource);
  if (store !== undefined) {
    const sqlitePath = store.engine === 'sqlite' ? store.path : null;
    container.bind<TrailPartExporter>(TrailPartExporter).toConstantValue(new WorkerTrailPartExporter(sqlitePath));
  }
  container.bind(TrailExporter).toSelf();
}
