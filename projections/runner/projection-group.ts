import type Database from 'better-sqlite3';
import type { EventStore } from '../../src/application/ports/event-store.js';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';

/**
 * Read models that answer queries together, each fed by its own runner. `catchUp` is the
 * read-your-writes barrier: it waits until every runner has passed the store's head as it
 * was when asked, so a query sees everything written before it began, on any node.
 */
export class ProjectionGroup {
  private readonly runners: readonly ProjectionRunner[];
  private started = false;

  constructor(
    protected readonly store: EventStore,
    db: Database.Database,
    projections: readonly Projection[],
  ) {
    this.runners = projections.map((p) => new ProjectionRunner(store, db, p));
  }

  /** Starts the runners (also done by the first catchUp). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const runner of this.runners) runner.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  get projectionRunners(): readonly ProjectionRunner[] {
    return this.runners;
  }

  async catchUp(): Promise<void> {
    this.start();
    let head = null;
    for await (const event of this.store.readAll({ direction: 'backwards', maxCount: 1 })) head = event.position;
    if (head === null) return;
    const position = head;
    await Promise.all(this.runners.map((r) => r.waitFor(position)));
  }
}
