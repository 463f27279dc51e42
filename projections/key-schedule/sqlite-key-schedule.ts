import { inject, injectable } from 'inversify';
import type { AsOf } from '../../src/application/audit/temporal-read-models.js';
import type { DueKey, DueKeyCursor, KeySchedule, KeyScheduleEntry, ScheduledAction } from '../../src/application/kms/maintenance/key-schedule.js';
import { EventStore } from '../../src/application/ports/event-store.js';
import { ReadModelDatabase } from '../kms-read-side/read-model-database.js';
import { ProjectionGroup } from '../runner/projection-group.js';
import type { ProjectionRunner } from '../runner/projection-runner.js';
import { keyScheduleProjection } from './key-schedule-projection.js';
import { KeyScheduleQueries } from './key-schedule-queries.js';

/** The key schedule of this node, fed by its own projection runner in the read-model database. */
@injectable()
export class SqliteKeySchedule extends ProjectionGroup implements KeySchedule {
  private readonly queries: KeyScheduleQueries;

  constructor(
    @inject(EventStore) store: EventStore,
    @inject(ReadModelDatabase) db: ReadModelDatabase,
  ) {
    super(store, db, [keyScheduleProjection]);
    this.queries = new KeyScheduleQueries(db);
  }

  due(action: ScheduledAction, time: Date, limit: number, after: DueKeyCursor | null, asOf?: AsOf): readonly DueKey[] {
    return this.queries.due(action, time, limit, after, asOf);
  }

  /** The one runner behind the schedule. */
  get runner(): ProjectionRunner {
    return this.projectionRunners[0]!;
  }

  scheduleOf(keyId: string, asOf?: AsOf): KeyScheduleEntry | null {
    return this.queries.scheduleOf(keyId, asOf);
  }
}
