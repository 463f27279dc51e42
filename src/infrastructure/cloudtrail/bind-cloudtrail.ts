import type { Container } from 'inversify';
import { CloudTrailReplay } from '../../application/cloudtrail/cloudtrail-replay.js';
import { KeyLocator } from '../../application/cloudtrail/key-location.js';
import { InProcessRecordSource } from '../../application/cloudtrail/in-process-record-source.js';
import { TrailExporter } from '../../application/cloudtrail/trail-exporter.js';
import { TrailRecordSource } from '../../application/cloudtrail/trail-record-source.js';
import { TrailPublicKey, TrailSigner } from '../../application/cloudtrail/trail-ports.js';
import { loadTrailSigningKey } from './rsa-trail-key.js';

/**
 * The CloudTrail replay's bindings, for the composition root. The signing key is loaded
 * (or, the first time, generated) only when something signs or verifies.
 */
export function bindCloudTrail(container: Container, dataDir: string): void {
  container.bind<TrailSigner>(TrailSigner).toDynamicValue(() => loadTrailSigningKey(dataDir));
  container.bind<TrailPublicKey>(TrailPublicKey).toService(TrailSigner);
  container.bind(KeyLocator).toSelf();
  container.bind(CloudTrailReplay).toSelf();
  container.bind<TrailRecordSource>(TrailRecordSource).to(InProcessRecordSource);
  container.bind(TrailExporter).toSelf();
}
