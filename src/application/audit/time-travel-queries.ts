import { inject, injectable } from 'inversify';
import type { CallerIdentity } from '../../domain/call-context.js';
import type { KeyOperation } from '../../domain/key/key-state-table.js';
import { Clock } from '../ports/clock.js';
import { EventStore, type GlobalPosition } from '../ports/event-store.js';
import { AccessAt, type ConcreteRequest } from './access-at.js';
import { keyAccessChanges, keysWithAccessChanges, type KeyAccessChanges } from './access-changes.js';
import { decideAt, type DecisionAt } from './decide-at.js';
import { labelOf, resolveInstant, type Instant, type InstantLabel } from './instant.js';
import { KEY_OPERATIONS, keyOperation } from './key-actions.js';
import { keyAsOf, type KeyAsOfAnswer } from './key-as-of.js';
import { keysUsableBy, type KeysUsableAnswer } from './keys-usable-by.js';
import { PolicyCache } from './policy-cache.js';
import { parsePrincipal } from './subjects.js';
import { TemporalReadModels, type AsOf, type Range, type UsageRecord } from './temporal-read-models.js';
import { whenCouldUse, type WhenCouldAnswer } from './when-could-use.js';
import { whoCouldUse, type WhoCouldAnswer } from './who-could-use.js';

export interface AsOfOption {
  /** Absent: now. */
  readonly asOf?: AsOf;
}

export interface RangeOptions {
  readonly after?: AsOf;
  readonly until?: AsOf;
}

export type Answer<T> = T & { readonly asOf: InstantLabel };

const MAX_USAGE_RECORDS = 10_000;
const END_OF_LOG: GlobalPosition = { commit: 2n ** 63n - 1n, prepare: 2n ** 63n - 1n };

/** A key id, or a key ARN. */
export function keyIdOf(reference: string): string {
  const arn = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(.+)$/.exec(reference);
  return arn?.[1] ?? reference;
}

function operationsOf(operation: string | undefined): readonly KeyOperation[] {
  return operation === undefined ? KEY_OPERATIONS : [keyOperation(operation)];
}

/**
 * The time-travel questions, each answered from the temporal read models by indexed
 * lookups at the instants involved, never by replaying events, and each citing the events
 * it rests on. Every question first waits until the read models have caught up with the
 * log as it was when asked (read-your-writes).
 */
@injectable()
export class TimeTravelQueries {
  private readonly policies = new PolicyCache();

  constructor(
    @inject(TemporalReadModels) private readonly models: TemporalReadModels,
    @inject(EventStore) private readonly store: EventStore,
    @inject(Clock) private readonly clock: Clock,
  ) {}

  /** A key as of an instant: state, description, rotation, policy, grants, aliases, backing-key versions. */
  async keyAsOf(key: string, options: AsOfOption = {}): Promise<Answer<KeyAsOfAnswer>> {
    const instant = await this.instant(options.asOf);
    return { asOf: labelOf(instant), ...keyAsOf(this.models, keyIdOf(key), instant.asOf) };
  }

  /** Who could use a key for one operation (or every operation), why, and under which conditions still attached. */
  async whoCouldUse(key: string, options: AsOfOption & { operation?: string; request?: ConcreteRequest } = {}): Promise<Answer<WhoCouldAnswer>> {
    const operations = operationsOf(options.operation);
    const instant = await this.instant(options.asOf);
    return { asOf: labelOf(instant), ...whoCouldUse(this.at(instant), this.models, keyIdOf(key), operations, options.request) };
  }

  /** The definite decision for one caller making one concrete request, as a live call would have been decided. */
  async decide(key: string, caller: CallerIdentity, operation: string, options: AsOfOption & { request?: ConcreteRequest } = {}): Promise<Answer<DecisionAt>> {
    const instant = await this.instant(options.asOf);
    return { asOf: labelOf(instant), ...decideAt(this.at(instant), this.models, this.policies, keyIdOf(key), caller, keyOperation(operation), options.request ?? {}) };
  }

  /** The intervals in which a principal could use a key, per operation, with the events that opened and closed them. */
  async whenCouldUse(principal: string, key: string, options: { operation?: string } = {}): Promise<WhenCouldAnswer> {
    await this.models.catchUp();
    return whenCouldUse(this.models, this.policies, parsePrincipal(principal), keyIdOf(key), operationsOf(options.operation));
  }

  /** Which keys a principal could use at an instant, and for which operations. */
  /** `ownerAccount`: only that account's keys (what a caller of the query API may see). */
  async keysUsableBy(principal: string, options: AsOfOption & { operation?: string; ownerAccount?: string } = {}): Promise<Answer<KeysUsableAnswer>> {
    const instant = await this.instant(options.asOf);
    return {
      asOf: labelOf(instant),
      ...keysUsableBy(this.at(instant), this.models, parsePrincipal(principal), operationsOf(options.operation), options.ownerAccount),
    };
  }

  /** Who did use a key over (after, until], from the audit records: caller, operation, source, encryption context, result. */
  async whoDidUse(key: string, options: RangeOptions & { limit?: number } = {}): Promise<{ keyId: string; records: readonly UsageRecord[]; truncated: boolean }> {
    await this.models.catchUp();
    const limit = Math.min(options.limit ?? MAX_USAGE_RECORDS, MAX_USAGE_RECORDS);
    const keyId = keyIdOf(key);
    const records = this.models.usage(keyId, range(options), limit + 1);
    return { keyId, records: records.slice(0, limit), truncated: records.length > limit };
  }

  /** What changed in access to a key (or to every key) over (after, until]. */
  async accessChanges(key: string | null, options: { after: AsOf; until?: AsOf }): Promise<{ after: InstantLabel; until: InstantLabel; keys: readonly KeyAccessChanges[] }> {
    // An open end is the head of the log, on the axis of the other end.
    const until = options.until ?? ('position' in options.after ? { position: END_OF_LOG } : undefined);
    const before = await this.instant(options.after);
    const after = await this.instant(until);
    const span: Range = { after: options.after, until: until ?? { time: after.currentTime } };
    const keys = key === null ? keysWithAccessChanges(this.models, span) : [keyIdOf(key)];
    const beforeAt = this.at(before);
    const afterAt = this.at(after);
    const changes = keys.map((k) => keyAccessChanges(this.models, beforeAt, afterAt, k, span)).filter((c) => key !== null || c.events.length > 0 || c.differences.length > 0);
    return { after: labelOf(before), until: labelOf(after), keys: changes };
  }

  /** The account a key belongs (or belonged) to; null for a key never created. */
  async accountOfKey(key: string): Promise<string | null> {
    await this.models.catchUp();
    return this.models.key(keyIdOf(key))?.accountId ?? null;
  }

  private at(instant: Instant): AccessAt {
    return new AccessAt(this.models, this.policies, instant.asOf, instant.currentTime);
  }

  private instant(asOf: AsOf | undefined): Promise<Instant> {
    return resolveInstant(this.models, this.store, this.clock, asOf);
  }
}

function range(options: RangeOptions): Partial<Range> {
  return { ...(options.after === undefined ? {} : { after: options.after }), ...(options.until === undefined ? {} : { until: options.until }) };
}
