import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyMaintenance } from '../../../../src/application/kms/maintenance/key-maintenance.js';
import type { KeySchedule } from '../../../../src/application/kms/maintenance/key-schedule.js';
import {
  describeFailure,
  KeyMaintenanceError,
  reportMaintenanceFailureToStderr,
  type MaintenanceFailureReport,
  type MaintenanceOutcome,
} from '../../../../src/application/kms/maintenance/maintenance-report.js';
import type { ScheduledDeletion } from '../../../../src/application/kms/maintenance/scheduled-deletion.js';
import type { ScheduledRotation } from '../../../../src/application/kms/maintenance/scheduled-rotation.js';
import { KmsError } from '../../../../src/domain/errors.js';
import { START_TIME } from '../support/kms-fixture.js';
import { TestClock } from './support/maintenance-fixture.js';

const INTERVAL = 60_000;
const NOTHING: MaintenanceOutcome = { rotated: [], deleted: [] };

/** The timer alone: runDue is replaced, so only the scheduling of runs is under test. */
describe('KeyMaintenance on a timer', () => {
  let clock: TestClock;
  let reports: MaintenanceFailureReport[];
  let maintenance: KeyMaintenance;
  let runDue: ReturnType<typeof vi.fn<(now: Date) => Promise<MaintenanceOutcome>>>;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    clock = new TestClock(new Date(START_TIME));
    reports = [];
    const unused = {} as never;
    maintenance = new KeyMaintenance(unused as KeySchedule, unused as ScheduledRotation, unused as ScheduledDeletion, clock, {
      report: (r) => reports.push(r),
    });
    runDue = vi.fn<(now: Date) => Promise<MaintenanceOutcome>>().mockResolvedValue(NOTHING);
    maintenance.runDue = runDue;
  });
  afterEach(async () => {
    await maintenance.stop();
    vi.useRealTimers();
  });

  it('runs at once, then an interval after each run ends, at the clock\'s time', async () => {
    maintenance.start(INTERVAL);
    await vi.advanceTimersByTimeAsync(0);
    expect(runDue).toHaveBeenCalledTimes(1);
    expect(runDue.mock.calls[0]![0]).toEqual(new Date(START_TIME));

    clock.time = new Date(Date.parse(START_TIME) + INTERVAL);
    await vi.advanceTimersByTimeAsync(INTERVAL - 1);
    expect(runDue).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runDue).toHaveBeenCalledTimes(2);
    expect(runDue.mock.calls[1]![0]).toEqual(clock.time);
    expect(maintenance.running).toBe(true);
  });

  it('never starts a run while one is in progress', async () => {
    let finish!: () => void;
    runDue.mockImplementationOnce(() => new Promise((resolve) => (finish = () => resolve(NOTHING))));
    maintenance.start(INTERVAL);
    await vi.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(runDue).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(INTERVAL - 1);
    expect(runDue).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runDue).toHaveBeenCalledTimes(2);
  });

  it('reports a failed run key by key and retries at the next tick', async () => {
    const denied = new KmsError('KMSInternalException', 'the store went away');
    runDue.mockRejectedValueOnce(new KeyMaintenanceError([{ keyId: 'k-1', action: 'deletion', error: denied }], NOTHING));
    runDue.mockRejectedValueOnce(new Error('catch-up timed out'));
    maintenance.start(INTERVAL);
    await vi.advanceTimersByTimeAsync(0);
    expect(reports).toEqual([{ keyId: 'k-1', action: 'deletion', error: denied }]);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(reports[1]).toMatchObject({ keyId: null, action: null });
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(runDue).toHaveBeenCalledTimes(3);
    expect(reports).toHaveLength(2);
  });

  it('keeps its schedule when the reporter itself throws', async () => {
    runDue.mockRejectedValue(new Error('down'));
    const failing = new KeyMaintenance({} as KeySchedule, {} as ScheduledRotation, {} as ScheduledDeletion, clock, {
      report: () => {
        throw new Error('reporter down');
      },
    });
    failing.runDue = runDue;
    failing.start(INTERVAL);
    await vi.advanceTimersByTimeAsync(2 * INTERVAL);
    expect(runDue).toHaveBeenCalledTimes(3);
    await failing.stop();
  });

  it('stop waits for the run in progress, and no run follows', async () => {
    let finish!: () => void;
    runDue.mockImplementationOnce(() => new Promise((resolve) => (finish = () => resolve(NOTHING))));
    maintenance.start(INTERVAL);
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = maintenance.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(maintenance.running).toBe(false);
    await vi.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(runDue).toHaveBeenCalledTimes(1);
  });

  it('does not keep the process alive, and refuses a senseless interval', () => {
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    maintenance.start(INTERVAL);
    const timer = timeout.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    expect(() => new KeyMaintenance({} as KeySchedule, {} as ScheduledRotation, {} as ScheduledDeletion, clock).start(0)).toThrow(RangeError);
  });
});

describe('failure reports', () => {
  it('say which key and action failed and why, with no stack and nothing the error carries', () => {
    const error = new Error('append refused', { cause: { wrappedMaterial: 'c2VjcmV0LW1hdGVyaWFs' } });
    const line = describeFailure({ keyId: '1234abcd-12ab-34cd-56ef-1234567890ab', action: 'deletion', error });
    expect(line).toBe(
      'keytrail maintenance: deletion of key 1234abcd-12ab-34cd-56ef-1234567890ab failed, retried at the next run: Error: append refused',
    );
    expect(describeFailure({ keyId: null, action: null, error: new KmsError('NotFoundException', 'gone') })).toBe(
      'keytrail maintenance: run failed, retried at the next run: KmsError NotFoundException: gone',
    );
  });

  it('go to stderr by default, one line each', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      reportMaintenanceFailureToStderr({ keyId: 'k', action: 'rotation', error: new Error('x') });
      expect(write).toHaveBeenCalledWith('keytrail maintenance: rotation of key k failed, retried at the next run: Error: x\n');
    } finally {
      write.mockRestore();
    }
  });
});
