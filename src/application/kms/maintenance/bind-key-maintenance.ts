import type { Container } from 'inversify';
import { KeyMaintenance } from './key-maintenance.js';
import { ScheduledDeletion } from './scheduled-deletion.js';
import { ScheduledRotation } from './scheduled-rotation.js';

/**
 * Binds the timed service actions as singletons. The composition root binds what they
 * need: KeySchedule (bindKeySchedule from projections/key-schedule), Clock, EventStore,
 * CommandHandler, MaterialService, AliasRegistryService, and optionally
 * KeyMaintenanceSettings; it starts the timer with `start(intervalMs)` and awaits `stop()`
 * on shutdown.
 */
export function bindKeyMaintenance(container: Container): void {
  container.bind(ScheduledRotation).toSelf().inSingletonScope();
  container.bind(ScheduledDeletion).toSelf().inSingletonScope();
  container.bind(KeyMaintenance).toSelf().inSingletonScope();
}
