import { comparePositionText } from '../audit/key-as-of.js';
import type { Citation } from '../audit/temporal-read-models.js';
import type { Outcome } from './control.js';

/** One millisecond before an instant: the last moment that does not see a change made at it. */
export function justBefore(time: string): string {
  return new Date(Date.parse(time) - 1).toISOString();
}

export interface Since {
  /** Null: the status held since before the first change of its inputs. */
  readonly since: string | null;
  /** The changes at `since` that made the status so; empty when time alone did (a limit crossed). */
  readonly events: readonly Citation[];
}

/** The changes of a result's inputs: the resource's own versions, and the identities it reads. */
export interface InputChanges {
  readonly own: readonly Citation[];
  readonly identities: readonly Citation[];
}

/**
 * Since when a status has held: walk back over the instants at which the control's inputs
 * changed, newest first, evaluating the control just before each, until it said something
 * else (or the resource did not exist yet). Between two changes the inputs stay the same,
 * and only time moves: an outcome's `heldFrom` says when time alone made the status so.
 * An outcome that holds whatever the identities are lets the walk pass over identity
 * changes until the resource's own previous change.
 */
export function sinceOf(current: Outcome, changes: InputChanges, before: (time: string) => Outcome | undefined): Since {
  const all = [...changes.own, ...changes.identities];
  const ownTimes = new Set(changes.own.map((c) => c.time));
  const times = [...new Set(all.map((c) => c.time))].sort().reverse();
  let heldFrom = current.heldFrom;
  let identityIndependent = current.identityIndependent === true;
  for (const time of times) {
    if (heldFrom !== undefined && heldFrom > time) return { since: heldFrom, events: [] };
    if (identityIndependent && !ownTimes.has(time)) continue;
    const then = before(justBefore(time));
    const at = all.filter((c) => c.time === time).sort((a, b) => comparePositionText(a.position, b.position));
    // The resource's first event is what made it so; other events of that instant (a key's policy, its alias) are not.
    if (then === undefined) return { since: time, events: at.slice(0, 1) };
    if (then.status !== current.status) return { since: time, events: at };
    heldFrom = then.heldFrom;
    identityIndependent = then.identityIndependent === true;
  }
  return { since: heldFrom ?? null, events: [] };
}
