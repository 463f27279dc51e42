import type { PolicyDocument } from '../../domain/policy/index.js';
import { AccessAt, type KeyAt } from '../audit/access-at.js';
import type { PolicyCache } from '../audit/policy-cache.js';
import type { Subject } from '../audit/subjects.js';
import type {
  AliasVersion,
  AsOf,
  BackingKeyVersionEntry,
  GrantVersion,
  IdentityPolicyVersion,
  KeyHistory,
  KeyPolicyVersion,
  KeyVersion,
  PrincipalVersion,
  TemporalReadModels,
  UsageRecord,
} from '../audit/temporal-read-models.js';
import { candidateSubjects } from '../audit/who-could-use.js';

/** One key as the controls see it at one instant. Loaded on demand: most controls read a little of it. */
export interface KeyView {
  /** The instant's time: aws:CurrentTime, and what ages are measured up to. */
  readonly now: string;
  readonly key: KeyVersion;
  readonly policy: KeyPolicyVersion | null;
  /** The parsed key policy; null once the key is deleted. */
  readonly document: PolicyDocument | null;
  readonly grants: readonly GrantVersion[];
  readonly aliases: readonly AliasVersion[];
  readonly backingKeys: readonly BackingKeyVersionEntry[];
  /** Every version the key ever had, for the event that set what holds now. */
  history(): KeyHistory;
  /** The evaluator's view of the key, null when it is deleted. */
  access(): { readonly at: AccessAt; readonly keyAt: KeyAt } | null;
  /** Everyone the key's access could reach: the principals its policy names (accounts expanded) and its grantees. */
  candidates(): readonly Subject[];
  /** Whether a user or role exists; undefined when its account is not one the identity directory knows. */
  principalExists(arn: string): boolean | undefined;
  lastSuccessfulUse(operations: readonly string[]): UsageRecord | null;
  lastUseAfterIdleness(operations: readonly string[], minimumGapMs: number): UsageRecord | null;
}

/** One account as the controls see it at one instant. */
export interface AccountView {
  readonly now: string;
  readonly accountId: string;
  readonly principals: readonly PrincipalVersion[];
  identityPolicies(principalArn: string): readonly IdentityPolicyVersion[];
  identityDocument(text: string): PolicyDocument;
}

/**
 * The temporal read models at one instant, for every control of a report: each key and
 * account is read once, however many controls look at it.
 */
export class Snapshot {
  private readonly keyViews = new Map<string, KeyView | null>();
  private readonly accountViews = new Map<string, AccountView>();
  private readonly access: AccessAt;
  private knownAccounts: Set<string> | undefined;

  constructor(
    private readonly models: TemporalReadModels,
    private readonly policies: PolicyCache,
    readonly asOf: AsOf | undefined,
    readonly now: string,
    /** Every version of each key, which no instant changes: shared by the snapshots of one report. */
    private readonly histories: Map<string, KeyHistory> = new Map(),
  ) {
    this.access = new AccessAt(models, policies, asOf, now);
  }

  /** The keys of one account (or of every account) at the instant, deleted ones included, by ARN. */
  keys(accountId: string | null): KeyVersion[] {
    const keys = accountId === null ? this.models.keys(this.asOf) : this.models.keysOfAccount(accountId, this.asOf);
    return keys.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  }

  /** The accounts at the instant: those of the identity directory, and those that own keys. */
  accounts(accountId: string | null): string[] {
    if (accountId !== null) return this.accountIds().has(accountId) || this.keys(accountId).length > 0 ? [accountId] : [];
    return [...new Set([...this.accountIds(), ...this.keys(null).map((k) => k.accountId)])].sort();
  }

  keyView(keyId: string): KeyView | null {
    let view = this.keyViews.get(keyId);
    if (view === undefined) {
      view = this.loadKey(keyId);
      this.keyViews.set(keyId, view);
    }
    return view;
  }

  accountView(accountId: string): AccountView {
    let view = this.accountViews.get(accountId);
    if (view === undefined) {
      const { models, asOf, policies } = this;
      view = {
        now: this.now,
        accountId,
        principals: models.principalsOfAccount(accountId, asOf),
        identityPolicies: (arn) => models.identityPolicies(arn, asOf),
        identityDocument: (text) => policies.identityPolicy(text),
      };
      this.accountViews.set(accountId, view);
    }
    return view;
  }

  private accountIds(): Set<string> {
    this.knownAccounts ??= new Set(this.models.accountIds(this.asOf));
    return this.knownAccounts;
  }

  private loadKey(keyId: string): KeyView | null {
    const { models, asOf, access } = this;
    const key = models.key(keyId, asOf);
    if (key === null) return null;
    const policy = models.keyPolicy(keyId, asOf);
    let candidates: readonly Subject[] | undefined;
    const known = () => this.accountIds();
    return {
      now: this.now,
      key,
      policy,
      document: policy === null ? null : this.policies.keyPolicy(policy.policy),
      grants: models.grantsOfKey(keyId, asOf),
      aliases: models.aliasesOfKey(keyId, asOf),
      backingKeys: models.backingKeys(keyId, asOf),
      history: () => {
        let history = this.histories.get(keyId);
        if (history === undefined) {
          history = models.keyHistory(keyId);
          this.histories.set(keyId, history);
        }
        return history;
      },
      access() {
        const keyAt = access.keyAt(keyId);
        return keyAt === null ? null : { at: access, keyAt };
      },
      candidates() {
        const keyAt = access.keyAt(keyId);
        candidates ??= keyAt === null ? [] : candidateSubjects(access, models, keyAt);
        return candidates;
      },
      principalExists(arn) {
        const account = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1];
        if (account === undefined || !known().has(account)) return undefined;
        return models.principal(arn, asOf) !== null;
      },
      lastSuccessfulUse: (operations) => models.lastSuccessfulUse(keyId, operations, asOf),
      lastUseAfterIdleness: (operations, gap) => models.lastUseAfterIdleness(keyId, operations, gap, asOf),
    };
  }
}
