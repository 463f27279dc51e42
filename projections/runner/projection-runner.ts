import type Database from 'better-sqlite3';
import type { EventStore, GlobalPosition, RecordedEvent, Subscription } from '../../src/application/ports/event-store.js';
import { comparePositions, formatPosition, samePosition } from '../../src/application/ports/positions.js';
import { CheckpointStore } from './checkpoint-store.js';
import { isStaged, type Projection, type StagedProjection } from './projection.js';
import type { StagedResult } from './staged-batch.js';
import { StagedWriters } from './staged-writer.js';

export type ProjectionState = 'stopped' | 'catchingUp' | 'live' | 'failed';

export interface ProjectionFailure {
  readonly position: GlobalPosition;
  readonly stream: string;
  readonly revision: bigint;
  readonly type: string;
  readonly reason: string;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly state: ProjectionState;
  /** The last event whose effect is committed to the read model. */
  readonly position: GlobalPosition | null;
  /** Events handed to the projection since it started; events it has no use for are never handed to it. */
  readonly eventsApplied: number;
  readonly failure: ProjectionFailure | null;
}

export class ProjectionFailedError extends Error {
  override readonly name = 'ProjectionFailedError';
  constructor(readonly projection: string, readonly failure: ProjectionFailure) {
    super(
      `Projection '${projection}' stopped at ${failure.type} ${failure.stream}@${failure.revision} ` +
        `(position ${formatPosition(failure.position)}): ${failure.reason}`,
    );
  }
}

/** Batches of passed-over positions between two checkpoint writes (see flush). */
const UNSTORED_BATCHES = 64;
/** Staged batches handed to the writer and not yet answered, past which reading waits. */
const STAGED_BATCHES_IN_FLIGHT = 2;

class CheckpointMoved extends Error {
  constructor(readonly stored: GlobalPosition | null) {
    super('The checkpoint was advanced by another process');
  }
}

interface PositionWaiter {
  readonly position: GlobalPosition;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Feeds one projection from a catch-up subscription. Events that arrive together are
 * applied in one transaction with the checkpoint; a failing event rolls its batch back
 * and stops the projection there, reporting the event and the reason.
 */
export class ProjectionRunner {
  private readonly checkpoints: CheckpointStore;
  private subscription: Subscription | null = null;
  private running: Promise<void> | null = null;
  private buffer: RecordedEvent[] = [];
  private flushScheduled = false;
  private resync = false;
  private stopping = false;
  private state: ProjectionState = 'stopped';
  private position: GlobalPosition | null = null;
  /** The last position the subscription reported, by an event or a checkpoint: where the next commit puts the checkpoint. */
  private covered: GlobalPosition | null = null;
  /** The checkpoint as this runner last read or wrote it; `position` may be ahead of it (see flush). */
  private stored: GlobalPosition | null = null;
  /** Batches of only passed-over positions since the checkpoint was last written. */
  private unstoredBatches = 0;
  private eventsApplied = 0;
  private failure: ProjectionFailure | null = null;
  private waiters: PositionWaiter[] = [];
  private liveWaiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  private progress: ((position: GlobalPosition) => void) | null = null;
  /** A staged projection's writers; null for one that applies events itself. */
  private readonly stagedWriters: StagedWriters | null;
  /** Staged: the last position handed to the writer (`position` follows once it is written). */
  private handed: GlobalPosition | null = null;
  /** Staged: the checkpoint the next batch handed over follows on from. */
  private handedStored: GlobalPosition | null = null;
  /** Staged: settles once every batch handed over is answered and its answer taken in. */
  private written: Promise<void> = Promise.resolve();
  private writesInFlight = 0;
  /** Staged: an event could not be staged; the projection fails once the batches before it are answered. */
  private halted = false;
  private writeAnswered: Array<() => void> = [];

  constructor(
    private readonly store: EventStore,
    private readonly db: Database.Database,
    readonly projection: Projection,
    private readonly batchSize = 1000,
  ) {
    this.checkpoints = new CheckpointStore(db);
    projection.migrate(db);
    this.stagedWriters = isStaged(projection) ? new StagedWriters(db, projection) : null;
  }

  /** Resumes from the checkpoint; a changed projection version rebuilds from zero. */
  start(): void {
    if (this.running) return;
    const checkpoint = this.checkpoints.read(this.projection.name);
    if (checkpoint && checkpoint.version !== this.projection.version) {
      this.resetReadModel();
    } else {
      this.position = checkpoint?.position ?? null;
    }
    this.stored = this.position;
    this.handed = this.position;
    this.handedStored = this.position;
    this.halted = false;
    this.unstoredBatches = 0;
    this.failure = null;
    this.stopping = false;
    this.resync = false;
    this.state = 'catchingUp';
    this.covered = this.position;
    this.stagedWriters?.open();
    const subscription = this.subscribe();
    this.subscription = subscription;
    this.running = this.consume(subscription);
  }

  /**
   * Starts a staged projection's writer thread, if it has one, and resolves once the thread
   * has loaded; at once otherwise. A catch-up begun afterwards writes on the thread from its
   * first batch (one begun before writes its first batches here, while the thread loads).
   */
  prepare(): Promise<void> {
    return this.stagedWriters?.whenThreadLoaded() ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.halt();
    await this.stagedWriters?.close();
  }

  /** Drops the read model and replays every event; resolves when caught up. */
  async rebuild(onProgress?: (position: GlobalPosition) => void): Promise<void> {
    // A staged projection's writer thread stays: the rebuild goes on with it.
    await this.halt();
    this.resetReadModel();
    this.progress = onProgress ?? null;
    try {
      this.start();
      await this.whenLive();
    } finally {
      this.progress = null;
    }
  }

  /** Stops following the log once what was handed over is written. */
  private async halt(): Promise<void> {
    this.stopping = true;
    await this.subscription?.stop();
    await this.running;
    await this.written;
    this.running = null;
    this.subscription = null;
    if (this.state !== 'failed') this.state = 'stopped';
    this.rejectWaiters(new Error(`Projection '${this.projection.name}' was stopped`));
  }

  status(): ProjectionStatus {
    return {
      name: this.projection.name,
      state: this.state,
      position: this.position,
      eventsApplied: this.eventsApplied,
      failure: this.failure,
    };
  }

  /** Read-your-writes: resolves once the read model includes the event at `position`. */
  waitFor(position: GlobalPosition, timeoutMs = 10_000): Promise<void> {
    if (this.failure) return Promise.reject(new ProjectionFailedError(this.projection.name, this.failure));
    if (this.position && comparePositions(this.position, position) >= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`Projection '${this.projection.name}' did not reach ${formatPosition(position)} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: PositionWaiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves when history has been applied and the projection follows live events. */
  whenLive(): Promise<void> {
    if (this.state === 'live') return Promise.resolve();
    if (this.failure) return Promise.reject(new ProjectionFailedError(this.projection.name, this.failure));
    return new Promise((resolve, reject) => this.liveWaiters.push({ resolve, reject }));
  }

  /** From the checkpoint on, only the events the projection applies, with checkpoints for the rest. */
  private subscribe(): Subscription {
    const types = this.projection.eventTypes;
    return this.store.subscribeToAll({
      fromPosition: this.position ?? 'start',
      ...(types ? { filter: { eventTypes: [...types] }, checkpoints: true } : {}),
    });
  }

  private async consume(subscription: Subscription): Promise<void> {
    try {
      for await (const message of subscription) {
        if (message.kind === 'caughtUp') {
          this.flush(true);
          await this.written;
          if (this.state === 'failed' || this.resync) break;
          // Throwing fails the projection (the catch below), before it reports live.
          if (this.stagedWriters) throwIfFailed(await this.stagedWriters.caughtUp());
          else this.projection.caughtUp?.(this.db);
          this.state = 'live';
          for (const w of this.liveWaiters.splice(0)) w.resolve();
          continue;
        }
        // Reading stays at most a few batches ahead of a staged projection's writer.
        while (this.writesInFlight >= STAGED_BATCHES_IN_FLIGHT) await new Promise<void>((resolve) => this.writeAnswered.push(resolve));
        if (message.kind === 'event') this.buffer.push(message.event);
        this.covered = message.kind === 'event' ? message.event.position : message.position;
        if (this.buffer.length >= this.batchSize) this.flush();
        else if (!this.flushScheduled) {
          // Events that arrive in one burst share one transaction; a lone live event waits
          // no longer than the current turn of the event loop.
          this.flushScheduled = true;
          setImmediate(() => {
            this.flushScheduled = false;
            this.flush();
          });
        }
        if (this.state === 'failed' || this.halted) break;
      }
      this.flush(true);
      await this.written;
    } catch (error) {
      this.fail(null, error);
      return;
    }
    if (this.resync && !this.stopping && this.state !== 'failed') {
      // Another process advanced this read model: follow on from where it got to.
      this.resync = false;
      this.covered = this.position;
      this.handed = this.position;
      this.handedStored = this.position;
      const next = this.subscribe();
      this.subscription = next;
      await this.consume(next);
    }
  }

  /**
   * Applies the events gathered, with the checkpoint, in one transaction. A batch of only
   * passed-over positions (the events of a node's other streams, say) moves the position
   * here and releases read-your-writes waiters, but writes the checkpoint only every
   * UNSTORED_BATCHES such batches, once caught up, and when the subscription ends:
   * a node's projections would otherwise each commit a transaction for every burst of
   * calls they have no use for. A checkpoint left behind only means those positions are
   * passed over again after a restart.
   */
  private flush(store = false): void {
    const projection = this.projection;
    if (isStaged(projection)) return this.flushStaged(projection, this.stagedWriters!, store);
    if (this.resync) this.buffer = [];
    const covered = this.covered;
    if (this.resync || this.state === 'failed' || covered === null) return;
    const moved = this.position === null || comparePositions(covered, this.position) > 0;
    if (!moved && (!store || samePosition(this.position, this.stored))) return;
    const events = this.buffer;
    if (events.length === 0 && !store && ++this.unstoredBatches < UNSTORED_BATCHES) {
      this.position = covered;
      this.progress?.(covered);
      this.resolveWaitersUpTo(covered);
      return;
    }
    this.buffer = [];
    let current: RecordedEvent | null = null;
    try {
      // IMMEDIATE takes the write lock before the checkpoint is compared, so two processes
      // sharing one read-model file can never both apply the same events.
      this.db.transaction(() => {
        const stored = this.checkpoints.read(this.projection.name)?.position ?? null;
        if (!samePosition(stored, this.stored)) throw new CheckpointMoved(stored);
        for (const event of events) {
          current = event;
          projection.apply(event, this.db);
        }
        current = null;
        projection.beforeCommit?.(this.db);
        this.checkpoints.write(this.projection.name, { version: this.projection.version, position: covered });
      }).immediate();
    } catch (error) {
      projection.endBatch?.(this.db);
      if (error instanceof CheckpointMoved) {
        this.followOtherWriter(error.stored);
        return;
      }
      this.fail(current, error);
      return;
    }
    projection.endBatch?.(this.db);
    this.unstoredBatches = 0;
    this.committed(events, covered);
  }

  /** A batch's effect and checkpoint are committed. */
  private committed(events: readonly RecordedEvent[], covered: GlobalPosition): void {
    this.position = covered;
    this.stored = covered;
    this.eventsApplied += events.length;
    this.progress?.(covered);
    this.resolveWaitersUpTo(covered);
  }

  /** Another process advanced this read model's checkpoint: stop here and follow on from it (see consume). */
  private followOtherWriter(stored: GlobalPosition | null): void {
    this.position = stored;
    this.stored = stored;
    this.resync = true;
    void this.subscription?.stop();
    if (stored) this.resolveWaitersUpTo(stored);
  }

  /**
   * The staged counterpart of flush: stages the batch here and hands it to the writer,
   * which writes it with its checkpoint. Batches are answered in the order handed over;
   * `position` (and read-your-writes) moves only once a batch is written, and a batch of
   * passed-over positions only after the batches before it.
   */
  private flushStaged(projection: StagedProjection, writers: StagedWriters, store: boolean): void {
    if (this.resync) this.buffer = [];
    const covered = this.covered;
    if (this.resync || this.state === 'failed' || this.halted || covered === null) return;
    const moved = this.handed === null || comparePositions(covered, this.handed) > 0;
    if (!moved && (!store || samePosition(this.handed, this.handedStored))) return;
    const events = this.buffer;
    this.buffer = [];
    this.handed = covered;
    if (events.length === 0 && !store && ++this.unstoredBatches < UNSTORED_BATCHES) {
      this.written = this.written.then(() => {
        if (this.resync || this.state === 'failed') return;
        this.position = covered;
        this.progress?.(covered);
        this.resolveWaitersUpTo(covered);
      });
      return;
    }
    const values: unknown[] = [];
    let current: RecordedEvent | null = null;
    try {
      const stage = projection.staged.stager();
      for (const event of events) {
        current = event;
        stage(event, values);
      }
    } catch (error) {
      const event = current;
      this.halted = true;
      this.buffer = [];
      this.written = this.written.then(() => this.fail(event, error));
      return;
    }
    const expectedStored = this.handedStored;
    this.handedStored = covered;
    this.unstoredBatches = 0;
    this.writesInFlight++;
    const answer = writers.write({ expectedStored, position: covered, values }, this.state === 'catchingUp');
    this.written = this.written.then(async () => {
      const result = await answer;
      this.writesInFlight--;
      for (const resume of this.writeAnswered.splice(0)) resume();
      if (this.resync) return;
      if (this.state === 'failed') return;
      if (result.kind === 'written') this.committed(events, covered);
      else if (result.kind === 'moved') this.followOtherWriter(result.stored);
      else if (events.length <= 1) this.fail(events[0] ?? null, new Error(result.message));
      else await this.writeOneByOne(projection, writers, events, expectedStored, covered);
    });
  }

  /**
   * A batch its writer could not write: SQLite cannot tell which event a failed statement
   * came from, so the events are written again one at a time, each with its own checkpoint,
   * on the runner's connection. The failure then names its event, and the events before it
   * count, each written once as ever. Should every event pass alone (the fault has gone),
   * the batch's passed-over positions are checkpointed too and the projection goes on.
   */
  private async writeOneByOne(
    projection: StagedProjection,
    writers: StagedWriters,
    events: readonly RecordedEvent[],
    expectedStored: GlobalPosition | null,
    covered: GlobalPosition,
  ): Promise<void> {
    let stored = expectedStored;
    const steps = [...events.map((event) => ({ event, position: event.position })), { event: null, position: covered }];
    for (const { event, position } of steps) {
      if (event === null && samePosition(stored, covered)) break;
      // Staging is pure and passed for the whole batch: it passes again for each event.
      const values: unknown[] = [];
      if (event !== null) projection.staged.stager()(event, values);
      const result = await writers.writeHere({ expectedStored: stored, position, values });
      if (result.kind === 'moved') return this.followOtherWriter(result.stored);
      if (result.kind === 'failed') return this.fail(event, new Error(result.message));
      this.committed(event === null ? [] : [event], position);
      stored = position;
    }
  }

  private resolveWaitersUpTo(position: GlobalPosition): void {
    const reached = this.waiters.filter((w) => comparePositions(position, w.position) >= 0);
    if (reached.length > 0) {
      this.waiters = this.waiters.filter((w) => !reached.includes(w));
      for (const w of reached) w.resolve();
    }
  }

  private fail(event: RecordedEvent | null, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.failure = event
      ? { position: event.position, stream: event.stream, revision: event.revision, type: event.type, reason }
      : { position: this.position ?? { commit: 0n, prepare: 0n }, stream: '', revision: -1n, type: '', reason };
    this.state = 'failed';
    this.buffer = [];
    void this.subscription?.stop();
    const failed = new ProjectionFailedError(this.projection.name, this.failure);
    this.rejectWaiters(failed);
  }

  private rejectWaiters(error: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(error);
    for (const w of this.liveWaiters.splice(0)) w.reject(error);
  }

  private resetReadModel(): void {
    this.db.transaction(() => {
      this.projection.reset(this.db);
      this.checkpoints.write(this.projection.name, { version: this.projection.version, position: null });
    })();
    this.position = null;
    this.stored = null;
    this.handed = null;
    this.handedStored = null;
    this.unstoredBatches = 0;
    this.eventsApplied = 0;
    this.failure = null;
  }
}

function throwIfFailed(result: StagedResult): void {
  if (result.kind === 'failed') throw new Error(result.message);
}
