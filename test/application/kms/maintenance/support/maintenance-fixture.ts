import { bindKeySchedule } from '../../../../../projections/key-schedule/bind-key-schedule.js';
import { SqliteKeySchedule } from '../../../../../projections/key-schedule/sqlite-key-schedule.js';
import { bindKeyMaintenance } from '../../../../../src/application/kms/maintenance/bind-key-maintenance.js';
import { KeyMaintenance } from '../../../../../src/application/kms/maintenance/key-maintenance.js';
import { KeyMaintenanceSettings } from '../../../../../src/application/kms/maintenance/key-maintenance-settings.js';
import { Clock } from '../../../../../src/application/ports/clock.js';
import type { EventToAppend, ExpectedRevision } from '../../../../../src/application/ports/event-store.js';
import { KmsFixture, START_TIME } from '../../support/kms-fixture.js';

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(public time: Date) {}
  now(): Date {
    return new Date(this.time);
  }
}

export const DAY_MS = 86_400_000;

export function plusMs(iso: string, ms: number): Date {
  return new Date(Date.parse(iso) + ms);
}

export function plusDays(iso: string, days: number): Date {
  return plusMs(iso, days * DAY_MS);
}

/** The KMS fixture with the key schedule and the timed service actions bound as the composition root would. */
export class MaintenanceFixture extends KmsFixture {
  readonly clock = new TestClock(new Date(START_TIME));

  constructor(settings?: KeyMaintenanceSettings) {
    super();
    this.container.bind<Clock>(Clock).toConstantValue(this.clock);
    if (settings !== undefined) this.container.bind<KeyMaintenanceSettings>(KeyMaintenanceSettings).toConstantValue(settings);
    bindKeySchedule(this.container);
    bindKeyMaintenance(this.container);
  }

  get maintenance(): KeyMaintenance {
    return this.container.get(KeyMaintenance);
  }

  get schedule(): SqliteKeySchedule {
    return this.container.get(SqliteKeySchedule);
  }

  /** Runs `hook` before each append, then appends; how a test lands a command between another's read and write. */
  beforeAppend(hook: (stream: string, events: readonly EventToAppend[]) => Promise<void>): void {
    const append = this.store.append.bind(this.store);
    this.store.append = async (stream: string, events: readonly EventToAppend[], expected?: ExpectedRevision) => {
      await hook(stream, events);
      return append(stream, events, expected);
    };
  }

  /** The event types of one stream, oldest first. */
  async streamTypes(stream: string): Promise<string[]> {
    const types: string[] = [];
    for await (const event of this.store.readStream(stream)) types.push(event.type);
    return types;
  }

  override async close(): Promise<void> {
    await this.maintenance.stop();
    await this.schedule.stop();
    await super.close();
  }
}
