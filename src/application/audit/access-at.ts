import { grantFromEvent, type Grant } from '../../domain/key/index.js';
import type { KeyOperation } from '../../domain/key/key-state-table.js';
import {
  describeReason,
  describeTerm,
  explainAccess,
  REQUEST_CONDITION_KEYS,
  type AccessExplanation,
  type ConditionTerm,
  type IdentityPolicy,
  type KeyFacts,
  type Principal,
  type Reason,
  type RequestContext,
} from '../../domain/policy/index.js';
import { keyFactsOf } from '../kms/access-control.js';
import { stateAllows, takesEncryptionContext } from './key-actions.js';
import type { PolicyCache } from './policy-cache.js';
import { describeSubject, subjectId, type Subject } from './subjects.js';
import type { AsOf, Citation, GrantVersion, KeyPolicyVersion, KeyVersion, TemporalReadModels } from './temporal-read-models.js';

/** A concrete request to decide instead of leaving request conditions open. */
export interface ConcreteRequest {
  readonly encryptionContext?: Readonly<Record<string, string>>;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly viaService?: string;
  readonly secureTransport?: boolean;
}

export interface AccessPathAnswer {
  /** Each source of the path, as a sentence. */
  readonly because: readonly string[];
  readonly sources: readonly Reason[];
  /** Conditions still attached, as sentences; empty when the path holds outright. */
  readonly conditions: readonly string[];
  readonly requires: readonly ConditionTerm[];
}

export interface AccessEntry {
  readonly subject: Subject;
  readonly principal: string;
  readonly description: string;
  readonly operation: KeyOperation;
  /** The evaluator's outcome: Conditional when an Allow still depends on the request. */
  readonly outcome: 'Allow' | 'Deny' | 'Conditional';
  readonly explicitDeny: boolean;
  /** Whether the key's state let the operation run at that instant (a disabled key decrypts nothing). */
  readonly keyStateAllows: boolean;
  readonly paths: readonly AccessPathAnswer[];
  readonly denials: readonly { readonly because: string; readonly conditions: readonly string[] }[];
  /** The versions this entry rests on: key policy, grants, identity policies. */
  readonly citations: readonly Citation[];
}

/** What a key was at one instant, as the evaluator reads it. */
export interface KeyAt {
  readonly key: KeyVersion;
  readonly policy: KeyPolicyVersion;
  readonly grants: readonly GrantVersion[];
  readonly facts: KeyFacts;
  readonly domainGrants: readonly Grant[];
}

/** Principal condition keys a stand-in principal cannot know. */
const STAND_IN_UNKNOWN = ['aws:PrincipalArn', 'aws:PrincipalType', 'aws:userid', 'aws:username', 'aws:PrincipalTag/*'];
const ANYONE_UNKNOWN = [...STAND_IN_UNKNOWN, 'aws:PrincipalAccount', 'kms:CallerAccount'];

/** For "any principal of account X whose identity policies allow it": an identity policy that allows, named for what it stands for. */
export const ANY_ALLOWING_IDENTITY_POLICY = 'an identity policy of the principal that allows it';

interface PrincipalAt {
  readonly principal: Principal;
  readonly identityPolicies: readonly IdentityPolicy[];
  readonly unknownKeys: readonly string[];
  readonly citations: ReadonlyMap<string, Citation>;
}

/**
 * The access questions at one instant over the temporal read models: the key, its policy,
 * grants and aliases, and each principal's identity policies as they were, given to the
 * same evaluator that guards live calls (symbolically unless a concrete request is given).
 */
export class AccessAt {
  private readonly keys = new Map<string, KeyAt | null>();
  private readonly principals = new Map<string, PrincipalAt>();

  constructor(
    private readonly models: TemporalReadModels,
    private readonly policies: PolicyCache,
    readonly asOf: AsOf | undefined,
    /** aws:CurrentTime for the conditions: the instant asked about. */
    readonly currentTime: string,
  ) {}

  keyAt(keyId: string): KeyAt | null {
    let at = this.keys.get(keyId);
    if (at === undefined) {
      at = this.loadKey(keyId);
      this.keys.set(keyId, at);
    }
    return at;
  }

  private loadKey(keyId: string): KeyAt | null {
    const key = this.models.key(keyId, this.asOf);
    const policy = this.models.keyPolicy(keyId, this.asOf);
    if (key === null || key.status !== 'Live' || policy === null) return null;
    const grants = this.models.grantsOfKey(keyId, this.asOf);
    const aliases = this.models.aliasesOfKey(keyId, this.asOf).map((a) => a.aliasName);
    const facts: KeyFacts = {
      ...keyFactsOf({ ...key, tags: new Map(key.tags) }, this.policies.keyPolicy(policy.policy)),
      aliases,
    };
    return { key, policy, grants, facts, domainGrants: grants.map((g) => grantFromEvent({ ...g, operations: [...g.operations] })) };
  }

  /** The evaluator's caller for a subject, with the identity policies it had at this instant. */
  principalAt(subject: Subject, keyAccountId: string): PrincipalAt {
    const id = `${subjectId(subject)}|${keyAccountId}`;
    let at = this.principals.get(id);
    if (at === undefined) {
      at = this.loadPrincipal(subject, keyAccountId);
      this.principals.set(id, at);
    }
    return at;
  }

  private loadPrincipal(subject: Subject, keyAccountId: string): PrincipalAt {
    switch (subject.kind) {
      case 'anyone':
        return { principal: { type: 'IAMUser', arn: '*', accountId: keyAccountId }, identityPolicies: [], unknownKeys: ANYONE_UNKNOWN, citations: new Map() };
      case 'accountPrincipals':
        return {
          principal: { type: 'IAMUser', arn: `arn:aws:iam::${subject.accountId}:user/*`, accountId: subject.accountId },
          identityPolicies: [{ name: ANY_ALLOWING_IDENTITY_POLICY, document: this.policies.allowAll() }],
          unknownKeys: STAND_IN_UNKNOWN,
          citations: new Map(),
        };
      case 'service':
        return { principal: { type: 'AWSService', arn: subject.service, accountId: keyAccountId, servicePrincipal: subject.service }, identityPolicies: [], unknownKeys: [], citations: new Map() };
      case 'principal':
        return this.loadNamedPrincipal(subject);
    }
  }

  private loadNamedPrincipal(subject: Extract<Subject, { kind: 'principal' }>): PrincipalAt {
    if (subject.principalType === 'Root') {
      return { principal: { type: 'Root', arn: subject.arn, accountId: subject.accountId, principalId: subject.accountId }, identityPolicies: [], unknownKeys: [], citations: new Map() };
    }
    const roleArn = subject.principalType === 'AssumedRole' ? roleOfSession(subject.arn) : subject.arn;
    const entry = this.models.principal(roleArn, this.asOf);
    const policies = this.models.identityPolicies(roleArn, this.asOf);
    const citations = new Map(policies.map((p) => [p.policyName, p.validity.from]));
    const identityPolicies = policies.map((p) => ({ name: p.policyName, document: this.policies.identityPolicy(p.document) }));
    if (subject.principalType === 'User') {
      const userName = entry?.name ?? subject.arn.slice(subject.arn.lastIndexOf('/') + 1);
      return {
        principal: { type: 'IAMUser', arn: subject.arn, accountId: subject.accountId, userName, ...(entry === null ? {} : { principalId: entry.principalId }) },
        identityPolicies,
        unknownKeys: entry === null ? ['aws:userid'] : [],
        citations,
      };
    }
    // A role is asked about through a session of it; the session's name is not known.
    const sessionName = subject.principalType === 'AssumedRole' ? subject.arn.slice(subject.arn.lastIndexOf('/') + 1) : '*';
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    return {
      principal: {
        type: 'AssumedRole',
        arn: subject.principalType === 'AssumedRole' ? subject.arn : `arn:aws:sts::${subject.accountId}:assumed-role/${roleName}/${sessionName}`,
        accountId: subject.accountId,
        roleArn,
        sessionName,
        ...(entry === null ? {} : { principalId: `${entry.principalId}:${sessionName}` }),
      },
      identityPolicies,
      unknownKeys: subject.principalType === 'Role' || entry === null ? ['aws:userid'] : [],
      citations,
    };
  }

  /** The request context of the question: the instant, and the request when one is given. */
  context(operation: KeyOperation, unknownPrincipalKeys: readonly string[], request: ConcreteRequest | undefined): RequestContext {
    if (request === undefined) return { currentTime: this.currentTime, unknownKeys: [...REQUEST_CONDITION_KEYS, ...unknownPrincipalKeys] };
    return {
      currentTime: this.currentTime,
      ...(request.sourceIp === undefined ? {} : { sourceIp: request.sourceIp }),
      ...(request.userAgent === undefined ? {} : { userAgent: request.userAgent }),
      ...(request.viaService === undefined ? {} : { viaService: request.viaService }),
      ...(request.secureTransport === undefined ? {} : { secureTransport: request.secureTransport }),
      // What the live cryptographic operations add to every request they authorize.
      ...(takesEncryptionContext(operation) ? { encryptionContext: request.encryptionContext ?? {}, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' } : {}),
      unknownKeys: unknownPrincipalKeys,
    };
  }

  explain(keyAt: KeyAt, subject: Subject, operation: KeyOperation, request?: ConcreteRequest): AccessEntry {
    const who = this.principalAt(subject, keyAt.key.accountId);
    const explanation = explainAccess({
      action: `kms:${operation}`,
      caller: who.principal,
      key: keyAt.facts,
      identityPolicies: who.identityPolicies,
      grants: keyAt.domainGrants,
      context: this.context(operation, who.unknownKeys, request),
    });
    return entryOf(subject, operation, explanation, keyAt, who.citations);
  }
}

function roleOfSession(sessionArn: string): string {
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(sessionArn);
  return m === null ? sessionArn : `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`;
}

function describe(reason: Reason): string {
  if (reason.source === 'identityPolicy' && reason.policyName === ANY_ALLOWING_IDENTITY_POLICY) return `Allow by ${ANY_ALLOWING_IDENTITY_POLICY}`;
  return describeReason(reason);
}

function entryOf(subject: Subject, operation: KeyOperation, e: AccessExplanation, keyAt: KeyAt, identityCitations: ReadonlyMap<string, Citation>): AccessEntry {
  const citations = new Map<string, Citation>();
  const cite = (r: Reason): void => {
    if (r.source === 'keyPolicy') citations.set('policy', keyAt.policy.validity.from);
    if (r.source === 'grant') {
      const grant = keyAt.grants.find((g) => g.grantId === r.grantId);
      if (grant !== undefined) citations.set(`grant:${r.grantId}`, grant.validity.from);
    }
    if (r.source === 'identityPolicy') {
      const c = identityCitations.get(r.policyName);
      if (c !== undefined) citations.set(`identity:${r.policyName}`, c);
    }
  };
  for (const p of e.paths) p.sources.forEach(cite);
  for (const d of e.denials) cite(d.source);
  return {
    subject,
    principal: subjectId(subject),
    description: describeSubject(subject),
    operation,
    outcome: e.outcome,
    explicitDeny: e.decision?.explicitDeny ?? false,
    keyStateAllows: stateAllows(keyAt.key, operation),
    paths: e.paths.map((p) => ({ because: p.sources.map(describe), sources: p.sources, conditions: p.requires.map(describeTerm), requires: p.requires })),
    denials: e.denials.map((d) => ({ because: describe(d.source), conditions: d.when.map(describeTerm) })),
    citations: [...citations.values()],
  };
}
