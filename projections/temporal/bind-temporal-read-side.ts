import type { Container } from 'inversify';
import { TemporalReadModels } from '../../src/application/audit/temporal-read-models.js';
import { TimeTravelQueries } from '../../src/application/audit/time-travel-queries.js';
import { SqliteTemporalReadSide } from './temporal-read-side.js';

/**
 * Binds the temporal read models and the time-travel queries over them; the composition
 * root binds ReadModelDatabase, EventStore and Clock, and stops the read side on shutdown.
 */
export function bindTemporalReadSide(container: Container): void {
  container.bind(SqliteTemporalReadSide).toSelf().inSingletonScope();
  container.bind<TemporalReadModels>(TemporalReadModels).toService(SqliteTemporalReadSide);
  container.bind(TimeTravelQueries).toSelf().inSingletonScope();
}
