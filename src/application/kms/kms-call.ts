import type { CallContext } from '../../domain/call-context.js';
import { principalFromCaller, type Principal } from '../../domain/policy/index.js';

/** A key a call acted on: it appears in the call's audit record as a resource. */
export interface TouchedKey {
  readonly arn: string;
  readonly accountId: string;
}

/**
 * One KMS API call while it runs: who made it, what it asked, which keys it touched and
 * whether a domain event already carries it (then that event is its audit record and no
 * separate call record is written). Lives for one call only.
 */
export class KmsCall {
  readonly caller: Principal;
  /** DryRun: authenticate, validate and authorize, then stop before acting. */
  readonly dryRun: boolean;
  private readonly keys = new Map<string, TouchedKey>();
  private recordedByEvent = false;
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    readonly context: CallContext,
    readonly operation: string,
    readonly input: Readonly<Record<string, unknown>>,
  ) {
    this.caller = principalFromCaller(context.caller);
    this.dryRun = input['DryRun'] === true;
  }

  get accountId(): string {
    return this.context.caller.accountId;
  }

  get region(): string {
    return this.context.region;
  }

  get now(): string {
    return this.context.time;
  }

  touch(key: TouchedKey): void {
    this.keys.set(key.arn, key);
  }

  get touchedKeys(): readonly TouchedKey[] {
    return [...this.keys.values()];
  }

  /** A domain event carrying this call's context was appended. */
  markRecordedByEvent(): void {
    this.recordedByEvent = true;
  }

  get isRecordedByEvent(): boolean {
    return this.recordedByEvent;
  }

  /** Computes a per-call value once (the caller's identity policies, the read-side catch-up). */
  once<T>(name: string, compute: () => Promise<T>): Promise<T> {
    let value = this.memo.get(name) as Promise<T> | undefined;
    if (value === undefined) {
      value = compute();
      this.memo.set(name, value);
    }
    return value;
  }
}
