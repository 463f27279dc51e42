import type { GrantConstraints, GrantOperation } from '../key/grant.js';
import type { Effect } from './policy-document.js';

/**
 * A condition that could not be decided because the context key it reads is unknown
 * (symbolic evaluation): it stays attached to the access path or denial it belongs to.
 */
export type ConditionTerm =
  | {
      readonly kind: 'condition';
      /** e.g. "StringEquals", "ForAllValues:StringLike". */
      readonly operator: string;
      readonly key: string;
      /** Values as written (policy variables that could be resolved are resolved). */
      readonly values: readonly string[];
    }
  | {
      readonly kind: 'grantConstraint';
      readonly constraint: 'EncryptionContextEquals' | 'EncryptionContextSubset';
      readonly encryptionContext: Readonly<Record<string, string>>;
    }
  | {
      /** CreateGrant through a grant: the new grant must be equal to or narrower than this one. */
      readonly kind: 'grantRedelegation';
      readonly operations: readonly GrantOperation[];
      readonly constraints?: GrantConstraints;
    };

/** A condition clause as it was evaluated, for reasons (what held, what did not). */
export interface EvaluatedCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
  readonly result: boolean | 'unknown';
}

export interface StatementRef {
  readonly effect: Effect;
  readonly sid?: string;
  readonly index: number;
  readonly conditions: readonly EvaluatedCondition[];
}

/** Why a decision came out as it did: the source of each allow or deny. */
export type Reason =
  | (StatementRef & {
      readonly source: 'keyPolicy';
      /** How the statement named the caller: itself, its account (delegation), or by exclusion (NotPrincipal). */
      readonly principalMatch: 'direct' | 'account' | 'notPrincipal';
    })
  | (StatementRef & { readonly source: 'identityPolicy'; readonly policyName: string })
  | {
      readonly source: 'grant';
      readonly grantId: string;
      readonly grantName?: string;
      /** The grant was presented with a grant token in the request. */
      readonly viaGrantToken: boolean;
      /** The grant names the caller's account as grantee; an identity policy must also allow. */
      readonly granteeIsAccount: boolean;
    }
  | {
      readonly source: 'retireGrant';
      readonly grantId: string;
      readonly basis: 'retiringPrincipal' | 'granteeWithRetireGrant' | 'issuingAccount';
    }
  | { readonly source: 'rootUser'; readonly accountId: string }
  | {
      readonly source: 'implicitDeny';
      /** Which kind of policy was missing an Allow. */
      readonly missing: 'resource-based' | 'identity-based';
      readonly detail: string;
    };

export interface Decision {
  readonly effect: 'Allow' | 'Deny';
  readonly explicitDeny: boolean;
  readonly reasons: readonly Reason[];
  /** The AccessDeniedException message, when denied. */
  readonly message?: string;
}

/** One way the action is allowed: every source must apply and every term must hold. */
export interface AccessPath {
  readonly sources: readonly Reason[];
  readonly requires: readonly ConditionTerm[];
}

/** A Deny that applies when all its terms hold (no terms: it always applies). */
export interface Denial {
  readonly source: Reason;
  readonly when: readonly ConditionTerm[];
}

/**
 * The full answer of the evaluator, definite or not:
 * allowed  <=>  (some path's requires all hold)  and  not (some denial's when all hold).
 */
export interface AccessExplanation {
  readonly outcome: 'Allow' | 'Deny' | 'Conditional';
  readonly paths: readonly AccessPath[];
  readonly denials: readonly Denial[];
  /** The definite decision when outcome is not Conditional. */
  readonly decision?: Decision;
}
