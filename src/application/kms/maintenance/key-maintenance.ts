import { inject, injectable, optional } from 'inversify';
import { Clock } from '../../ports/clock.js';
import { DEFAULT_MAINTENANCE_BATCH_SIZE, KeyMaintenanceSettings } from './key-maintenance-settings.js';
import { KeySchedule, type DueKey, type DueKeyCursor, type ScheduledAction } from './key-schedule.js';
import {
  KeyMaintenanceError,
  reportMaintenanceFailureToStderr,
  type MaintenanceFailure,
  type MaintenanceFailureReport,
  type MaintenanceOutcome,
} from './maintenance-report.js';
import { ScheduledDeletion } from './scheduled-deletion.js';
import { ScheduledRotation } from './scheduled-rotation.js';

/**
 * KMS's own timed actions: automatic rotation when a key is due, deletion when its
 * waiting period ends. The schedule says which keys to look at; the key aggregate decides,
 * so several nodes may run this at once and a caller's CancelKeyDeletion or
 * DisableKeyRotation racing it wins or loses by optimistic concurrency, never both.
 */
@injectable()
export class KeyMaintenance {
  private readonly batchSize: number;
  private readonly report: (report: MaintenanceFailureReport) => void;
  private intervalMs: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(
    @inject(KeySchedule) private readonly schedule: KeySchedule,
    @inject(ScheduledRotation) private readonly rotation: ScheduledRotation,
    @inject(ScheduledDeletion) private readonly deletion: ScheduledDeletion,
    @inject(Clock) private readonly clock: Clock,
    @inject(KeyMaintenanceSettings) @optional() settings?: KeyMaintenanceSettings,
  ) {
    this.batchSize = settings?.batchSize ?? DEFAULT_MAINTENANCE_BATCH_SIZE;
    this.report = settings?.report ?? reportMaintenanceFailureToStderr;
  }

  /**
   * Runs every action due at `now`. Idempotent: what a run finished is not due again, and
   * what an earlier run left half done (a crash between its steps) is finished. A key that
   * fails does not stop the others; the run then throws a KeyMaintenanceError naming them.
   */
  async runDue(now: Date): Promise<MaintenanceOutcome> {
    await this.schedule.catchUp();
    const outcome: MaintenanceOutcome = { rotated: [], deleted: [] };
    const failures: MaintenanceFailure[] = [];
    // Deletions first: a key on its way out gets no new material.
    const plan: ReadonlyArray<[ScheduledAction, string[]]> = [
      ['deletion', outcome.deleted],
      ['rotation', outcome.rotated],
    ];
    for (const [action, done] of plan) {
      for (const due of this.dueKeys(action, now)) {
        try {
          const finished = action === 'deletion' ? await this.deletion.run(due, now) : await this.rotation.run(due, now);
          if (finished) done.push(due.keyId);
        } catch (error) {
          failures.push({ keyId: due.keyId, action, error });
        }
      }
    }
    if (failures.length > 0) throw new KeyMaintenanceError(failures, outcome);
    return outcome;
  }

  /**
   * Runs `runDue(clock.now())` now and then `intervalMs` after each run ends, so runs never
   * overlap. The timer does not keep the process alive. A failed run is reported and the
   * work is retried at the next one.
   */
  start(intervalMs: number): void {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError(`The maintenance interval must be a positive number of milliseconds: ${intervalMs}`);
    if (this.intervalMs !== null) return;
    this.intervalMs = intervalMs;
    // A run still finishing after stop() schedules the next one itself.
    if (this.inFlight === null) this.scheduleRun(0);
  }

  /** Stops the timer and waits for a run in progress to end. */
  async stop(): Promise<void> {
    this.intervalMs = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  get running(): boolean {
    return this.intervalMs !== null;
  }

  private scheduleRun(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.inFlight = this.runReported().finally(() => {
        this.inFlight = null;
        if (this.intervalMs !== null && this.timer === null) this.scheduleRun(this.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async runReported(): Promise<void> {
    try {
      await this.runDue(this.clock.now());
    } catch (error) {
      if (error instanceof KeyMaintenanceError) {
        for (const { keyId, action, error: cause } of error.failures) this.safeReport({ keyId, action, error: cause });
      } else {
        this.safeReport({ keyId: null, action: null, error });
      }
    }
  }

  /** A reporter that throws must not stop the timer. */
  private safeReport(report: MaintenanceFailureReport): void {
    try {
      this.report(report);
    } catch {
      // Nothing better to do with a failing reporter than to keep the schedule running.
    }
  }

  /** Keyset pages of due keys, read as they are consumed; a key comes once per run. */
  private *dueKeys(action: ScheduledAction, now: Date): Generator<DueKey> {
    const seen = new Set<string>();
    let after: DueKeyCursor | null = null;
    for (;;) {
      const page = this.schedule.due(action, now, this.batchSize, after);
      for (const due of page) {
        if (seen.has(due.keyId)) continue;
        seen.add(due.keyId);
        yield due;
      }
      const last = page[page.length - 1];
      if (page.length < this.batchSize || last === undefined) return;
      after = { dueAt: last.dueAt, keyId: last.keyId };
    }
  }
}
