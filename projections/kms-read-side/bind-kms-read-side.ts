import type { Container } from 'inversify';
import { KmsReadSide } from '../../src/application/kms/kms-read-side.js';
import { SqliteKmsReadSide } from './sqlite-kms-read-side.js';

/** Binds the KMS read side; the composition root binds ReadModelDatabase and EventStore, and stops it on shutdown. */
export function bindKmsReadSide(container: Container): void {
  container.bind(SqliteKmsReadSide).toSelf().inSingletonScope();
  container.bind<KmsReadSide>(KmsReadSide).toService(SqliteKmsReadSide);
}
