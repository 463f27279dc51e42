import type { Container } from 'inversify';
import { KeySchedule } from '../../src/application/kms/maintenance/key-schedule.js';
import { SqliteKeySchedule } from './sqlite-key-schedule.js';

/** Binds the key schedule; the composition root binds ReadModelDatabase and EventStore, and stops it on shutdown. */
export function bindKeySchedule(container: Container): void {
  container.bind(SqliteKeySchedule).toSelf().inSingletonScope();
  container.bind<KeySchedule>(KeySchedule).toService(SqliteKeySchedule);
}
