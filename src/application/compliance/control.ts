import type { Citation } from '../audit/temporal-read-models.js';
import type { ControlDefinition, ControlStatus, ReportSettings } from './report-model.js';
import type { AccountView, KeyView } from './snapshot.js';

/** An event a result rests on, before the report names who caused it. */
export interface Proof {
  readonly what: string;
  readonly citation: Citation;
  /** Name the caller of the event in `what`; a string also names the detail that holds the caller. */
  readonly byWhom?: true | string;
}

/** What a control says about one resource at one instant. */
export interface Outcome {
  readonly status: ControlStatus;
  readonly reason: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly evidence: readonly Proof[];
  /**
   * When the status began while the inputs stayed as they are now, because of time alone:
   * the moment a limit was crossed, or the use that ended a key's idleness. Absent: the
   * status held for as long as the inputs did.
   */
  readonly heldFrom?: string;
  /**
   * The status holds whatever users, roles and identity policies there are, as long as
   * the resource's own versions stay as they are (a key policy that lets its account's
   * root administer it is not locked out, whoever else exists).
   */
  readonly identityIndependent?: boolean;
}

/**
 * The read models a control's result depends on, besides time: what the walk back for
 * "since" visits. `principals`: only users and roles coming and going, not their policies.
 */
export type ControlInput = 'key' | 'identities' | 'principals';

export interface KeyControl {
  readonly definition: ControlDefinition & { readonly scope: 'key' };
  readonly inputs: readonly ControlInput[];
  /** Its outcome moves with time as well as with its inputs (an age, an idle spell): never reused across instants. */
  readonly timeDependent?: boolean;
  evaluate(key: KeyView, settings: ReportSettings): Outcome;
}

export interface AccountControl {
  readonly definition: ControlDefinition & { readonly scope: 'account' };
  evaluate(account: AccountView, settings: ReportSettings): Outcome;
}

export type Control = KeyControl | AccountControl;

export const DAY_MS = 86_400_000;

export function plusDays(time: string, days: number): string {
  return new Date(Date.parse(time) + days * DAY_MS).toISOString();
}

/** Whole days between two instants, rounded down. */
export function daysBetween(from: string, to: string): number {
  return Math.floor((Date.parse(to) - Date.parse(from)) / DAY_MS);
}

export const notApplicable = (reason: string, evidence: readonly Proof[] = []): Outcome => ({ status: 'NOT_APPLICABLE', reason, details: {}, evidence });

/** Key controls that weigh a key while it can still be used or restored: none for a deleted key. */
export function deletedKey(key: KeyView): Outcome | undefined {
  if (key.key.keyState !== 'Deleted') return undefined;
  return notApplicable('the key is deleted', [{ what: 'key deleted', citation: key.key.validity.from }]);
}

export function isKeyControl(control: Control): control is KeyControl {
  return control.definition.scope === 'key';
}
