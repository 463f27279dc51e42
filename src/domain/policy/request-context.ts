import type { GrantConstraints, GrantOperation } from '../key/grant.js';
import type { PolicyDocument } from './policy-document.js';

/** The parameters of a CreateGrant request, read by kms:Grant* keys and by re-delegation. */
export interface GrantRequest {
  readonly operations: readonly GrantOperation[];
  readonly granteePrincipal: string;
  readonly retiringPrincipal?: string;
  readonly constraints?: GrantConstraints;
}

/** Properties of the key a CreateKey request would make (kms:KeySpec and friends read them). */
export interface RequestedKey {
  readonly keySpec?: string;
  readonly keyUsage?: string;
  readonly origin?: string;
  readonly multiRegion?: boolean;
}

/**
 * What the conditions of a policy can read about the request. Every field is optional:
 * an absent field is an absent condition key. Time comes from here, never from a clock.
 */
export interface RequestContext {
  /** ISO-8601; aws:CurrentTime and aws:EpochTime. */
  readonly currentTime?: string;
  readonly sourceIp?: string;
  readonly secureTransport?: boolean;
  readonly userAgent?: string;
  /** For CreateGrant, leave it out: the grant's constraints supply kms:EncryptionContext*. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** e.g. ec2.us-east-1.amazonaws.com when an integrated service calls on the caller's behalf. */
  readonly viaService?: string;
  readonly grantIsForAwsResource?: boolean;
  /** CreateGrant: the grant being asked for. */
  readonly grant?: GrantRequest;
  /** The alias name (alias/...) the request used to name the key, if it used one. */
  readonly requestAlias?: string;
  /** Tags in a CreateKey or TagResource request (aws:RequestTag/<key>, aws:TagKeys). */
  readonly requestTags?: Readonly<Record<string, string>>;
  readonly encryptionAlgorithm?: string;
  readonly signingAlgorithm?: string;
  readonly macAlgorithm?: string;
  readonly messageType?: string;
  readonly dataKeyPairSpec?: string;
  readonly reEncryptOnSameKey?: boolean;
  readonly bypassPolicyLockoutSafetyCheck?: boolean;
  readonly requestedKey?: RequestedKey;
  /** Any other condition key, by name. */
  readonly extraKeys?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * Symbolic evaluation: condition keys whose values are not known (patterns with * allowed,
   * e.g. "kms:EncryptionContext:*"). Conditions that read them are returned as still
   * attached instead of being decided. `authorize` ignores this list.
   */
  readonly unknownKeys?: readonly string[];
}

/** The KMS key a request acts on, as plain data. */
export interface KeyFacts {
  readonly arn: string;
  readonly keyId: string;
  readonly accountId: string;
  readonly policy: PolicyDocument;
  readonly origin?: string;
  readonly keySpec?: string;
  readonly keyUsage?: string;
  readonly multiRegion?: boolean;
  readonly tags?: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  /** Alias names (alias/...) that point at the key: kms:ResourceAliases. */
  readonly aliases?: readonly string[];
}

/**
 * The condition keys whose values come from the request rather than from the caller or
 * the key: what is unknown when asking "who could use key K" without a concrete call.
 */
export const REQUEST_CONDITION_KEYS: readonly string[] = [
  'kms:EncryptionContext:*',
  'kms:EncryptionContextKeys',
  'kms:EncryptionAlgorithm',
  'kms:SigningAlgorithm',
  'kms:MacAlgorithm',
  'kms:MessageType',
  'kms:DataKeyPairSpec',
  'kms:ReEncryptOnSameKey',
  'kms:RequestAlias',
  'kms:ViaService',
  'kms:GrantIsForAWSResource',
  'kms:GrantOperations',
  'kms:GranteePrincipal',
  'kms:RetiringPrincipal',
  'kms:GrantConstraintType',
  'kms:BypassPolicyLockoutSafetyCheck',
  'aws:SourceIp',
  'aws:SecureTransport',
  'aws:UserAgent',
  'aws:RequestTag/*',
  'aws:TagKeys',
];
