import type { AsOf } from '../../audit/temporal-read-models.js';

/**
 * What the timed service actions ask of the read side: which keys are due, by date. The
 * read model is eventually consistent and only says where to look; the key aggregate
 * decides whether an action really is due, so a stale answer costs a refused command,
 * never a premature rotation or deletion.
 */

export type KeyScheduleState = 'Enabled' | 'Disabled' | 'PendingDeletion' | 'Deleted';

/** One key's dates, as the schedule knows them. */
export interface KeyScheduleEntry {
  readonly keyId: string;
  readonly accountId: string;
  readonly region: string;
  readonly keyState: KeyScheduleState;
  /** ISO-8601; null while automatic rotation is off. */
  readonly nextRotationDate: string | null;
  /** ISO-8601: the end of the waiting period; null unless the key is (or was, until deleted) pending deletion. */
  readonly deletionDate: string | null;
  /** ISO-8601: when the key was deleted; null before. */
  readonly deletedDate: string | null;
}

/**
 * `rotation`: an enabled key whose next automatic rotation date has come.
 * `deletion`: a key whose waiting period has ended, or a deleted key whose deletion has
 * not been finished (aliases removed, material shredded) yet.
 */
export type ScheduledAction = 'rotation' | 'deletion';

export interface DueKey {
  readonly keyId: string;
  readonly accountId: string;
  readonly region: string;
  /** ISO-8601: when the action became due. */
  readonly dueAt: string;
}

/** Keyset cursor: the last due key of the previous page. */
export interface DueKeyCursor {
  readonly dueAt: string;
  readonly keyId: string;
}

export interface KeySchedule {
  /** Waits until the schedule includes every event that was in the store when asked. */
  catchUp(): Promise<void>;
  /**
   * Keys for which `action` is due at `time`, oldest due date first (key id breaks ties),
   * after `after`: by the schedule as it stands now, or as it stood at `asOf`.
   */
  due(action: ScheduledAction, time: Date, limit: number, after: DueKeyCursor | null, asOf?: AsOf): readonly DueKey[];
  /** A key's dates now, or as of an instant; null for a key the schedule did not hold then. */
  scheduleOf(keyId: string, asOf?: AsOf): KeyScheduleEntry | null;
}
export const KeySchedule = Symbol.for('keytrail.KeySchedule');
