import type Database from 'better-sqlite3';
import type { EventStore, GlobalPosition } from '../../src/application/ports/event-store.js';
import { comparePositions } from '../../src/application/ports/positions.js';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';

/**
 * Read models that answer queries together, each fed by its own runner. `catchUp` is the
 * read-your-writes barrier: it waits until every runner has passed the store's head as it
 * was when asked, so a query sees everything written before it began, on any node.
 */
export class ProjectionGroup {
  private readonly runners: readonly ProjectionRunner[];

  constructor(
    protected readonly store: EventStore,
    db: Database.Database,
    projections: readonly Projection[],
  ) {
    this.runners = projections.map((p) => new ProjectionRunner(store, db, p));
  }

  /** Starts the runners, or only those of `only` (also done by catchUp). Runners already running go on. */
  start(only?: readonly Projection[]): void {
    for (const runner of this.select(only)) runner.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  get projectionRunners(): readonly ProjectionRunner[] {
    return this.runners;
  }

  /**
   * Waits for every runner, or for those of `only`: a reader waits for the read models it
   * reads, not for the others. With `streams`, it waits only until they hold those streams'
   * events as they stand now (the position of the newest of them), not for the head of the
   * log: a question about one key need not wait for the calls that were recorded meanwhile.
   */
  async catchUp(only?: readonly Projection[], streams?: readonly string[]): Promise<void> {
    const runners = this.select(only);
    for (const runner of runners) runner.start();
    const position = streams === undefined ? await this.store.headPosition() : await this.newestOf(streams);
    if (position === null) return;
    await Promise.all(runners.map((r) => r.waitFor(position)));
  }

  private async newestOf(streams: readonly string[]): Promise<GlobalPosition | null> {
    let newest: GlobalPosition | null = null;
    for (const stream of streams) {
      const last = await this.store.headPosition(stream);
      if (last !== null && (newest === null || comparePositions(last, newest) > 0)) newest = last;
    }
    return newest;
  }

  private select(only: readonly Projection[] | undefined): readonly ProjectionRunner[] {
    return only === undefined ? this.runners : this.runners.filter((r) => only.includes(r.projection));
  }
}
