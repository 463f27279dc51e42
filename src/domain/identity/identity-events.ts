import type { DomainEvent } from '../decider.js';
import type { PrincipalType } from './iam-names.js';

/**
 * Events of the identity directory, one stream per account. A secret access key appears
 * only wrapped under the root key (`wrappedSecret`, base64): the event log is readable by
 * auditors and replicated, the root key is neither.
 */
export type AccountCreated = DomainEvent<'AccountCreated', { readonly accountId: string; readonly rootArn: string }>;

export type PrincipalCreated = DomainEvent<
  'PrincipalCreated',
  {
    readonly accountId: string;
    readonly principalType: PrincipalType;
    readonly name: string;
    readonly path: string;
    readonly arn: string;
    /** AIDA... for a user, AROA... for a role. */
    readonly principalId: string;
  }
>;

export type PrincipalDeleted = DomainEvent<
  'PrincipalDeleted',
  { readonly principalType: PrincipalType; readonly name: string; readonly arn: string; readonly principalId: string }
>;

/** The owner of an access key: an IAM user, or the account's root user when userName is null. */
type AccessKeyOwner = {
  readonly userName: string | null;
  readonly principalArn: string;
  readonly principalId: string;
};

export type AccessKeyCreated = DomainEvent<
  'AccessKeyCreated',
  AccessKeyOwner & {
    readonly accessKeyId: string;
    /** The secret access key wrapped under the root key (base64); never the secret itself. */
    readonly wrappedSecret: string;
  }
>;

export type AccessKeyDeactivated = DomainEvent<'AccessKeyDeactivated', AccessKeyOwner & { readonly accessKeyId: string }>;
export type AccessKeyActivated = DomainEvent<'AccessKeyActivated', AccessKeyOwner & { readonly accessKeyId: string }>;
export type AccessKeyDeleted = DomainEvent<'AccessKeyDeleted', AccessKeyOwner & { readonly accessKeyId: string }>;

/** An inline identity policy, as PutUserPolicy / PutRolePolicy store it (replacing one of the same name). */
export type IdentityPolicyPut = DomainEvent<
  'IdentityPolicyPut',
  {
    readonly principalType: PrincipalType;
    readonly principalName: string;
    readonly principalArn: string;
    readonly policyName: string;
    readonly policyDocument: string;
  }
>;

export type IdentityPolicyDeleted = DomainEvent<
  'IdentityPolicyDeleted',
  { readonly principalType: PrincipalType; readonly principalName: string; readonly principalArn: string; readonly policyName: string }
>;

export type IdentityEvent =
  | AccountCreated
  | PrincipalCreated
  | PrincipalDeleted
  | AccessKeyCreated
  | AccessKeyDeactivated
  | AccessKeyActivated
  | AccessKeyDeleted
  | IdentityPolicyPut
  | IdentityPolicyDeleted;

export const IDENTITY_EVENT_SCHEMA_VERSIONS = {
  AccountCreated: 1,
  PrincipalCreated: 1,
  PrincipalDeleted: 1,
  AccessKeyCreated: 1,
  AccessKeyDeactivated: 1,
  AccessKeyActivated: 1,
  AccessKeyDeleted: 1,
  IdentityPolicyPut: 1,
  IdentityPolicyDeleted: 1,
} as const satisfies Record<IdentityEvent['type'], number>;
