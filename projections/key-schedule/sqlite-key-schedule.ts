import { inject, injectable } from 'inversify';
import type { DueKey, DueKeyCursor, KeySchedule, KeyScheduleEntry, ScheduledAction } from '../../src/application/kms/maintenance/key-schedule.js';
import { EventStore } from '../../src/application/ports/event-store.js';
import { ReadModelDatabase } from '../kms-read-side/read-model-database.js';
import { ProjectionRunner } from '../runner/projection-runner.js';
import { keyScheduleProjection } from './key-schedule-projection.js';
import { KeyScheduleQueries } from './key-schedule-queries.js';

/** The key schedule of this node, fed by its own projection runner in the read-model database. */
@injectable()
export class SqliteKeySchedule implements KeySchedule {
  readonly runner: ProjectionRunner;
  private readonly queries: KeyScheduleQueries;
  private started = false;

  constructor(
    @inject(EventStore) private readonly store: EventStore,
    @inject(ReadModelDatabase) db: ReadModelDatabase,
  ) {
    this.runner = new ProjectionRunner(store, db, keyScheduleProjection);
    this.queries = new KeyScheduleQueries(db);
  }

  /** Starts the runner (also done by the first catchUp). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.runner.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.runner.stop();
  }

  /** Waits until the schedule has passed the store's head as it was when asked. */
  async catchUp(): Promise<void> {
    this.start();
    let head = null;
    for await (const event of this.store.readAll({ direction: 'backwards', maxCount: 1 })) head = event.position;
    if (head !== null) await this.runner.waitFor(head);
  }

  due(action: ScheduledAction, time: Date, limit: number, after: DueKeyCursor | null): readonly DueKey[] {
    return this.queries.due(action, time, limit, after);
  }

  scheduleOf(keyId: string): KeyScheduleEntry | null {
    return this.queries.scheduleOf(keyId);
  }
}
