import type { Container } from 'inversify';
import { KmsReadSide } from '../../src/application/kms/kms-read-side.js';
import { bindTemporalReadSide } from '../temporal/bind-temporal-read-side.js';
import { SqliteKmsReadSide } from './sqlite-kms-read-side.js';

/**
 * Binds the read side: the temporal read models (with the time-travel queries over them)
 * and the KMS operations' view of them. The composition root binds ReadModelDatabase,
 * EventStore and Clock, and stops the temporal read side on shutdown.
 */
export function bindKmsReadSide(container: Container): void {
  bindTemporalReadSide(container);
  container.bind(SqliteKmsReadSide).toSelf().inSingletonScope();
  container.bind<KmsReadSide>(KmsReadSide).toService(SqliteKmsReadSide);
}
