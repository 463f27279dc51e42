/**
 * A policy document after parsing: the grammar has been checked, every "one or a list"
 * element is a list, and the original text is kept because GetKeyPolicy must return it
 * byte for byte. Plain data only, so documents can sit in read models and be evaluated
 * again later ("who could use this key at time T").
 */
export type PolicyVersion = '2012-10-17' | '2008-10-17';

export type Effect = 'Allow' | 'Deny';

/** Which kind of policy a document is: it decides whether Principal is required or forbidden. */
export type PolicyKind = 'key' | 'identity';

/** The Principal / NotPrincipal element: `"*"`, or values per principal type. */
export interface PrincipalSet {
  /** `"Principal": "*"` or `{"AWS": "*"}`: everyone. */
  readonly anyone: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

export type SetQualifier = 'ForAllValues' | 'ForAnyValue';

/** The operator families; each family decides how a policy value is compared with a context value. */
export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';

/**
 * How one comparison works, e.g. StringNotEqualsIgnoreCase = family String, test
 * EqualsIgnoreCase, negated. Negated operators are evaluated as "no value matches".
 */
export interface ConditionOperator {
  /** As written in the document, e.g. "ForAnyValue:StringLikeIfExists". */
  readonly name: string;
  readonly family: OperatorFamily;
  /** The positive comparison: Equals, EqualsIgnoreCase, Like, LessThan, ... */
  readonly test: OperatorTest;
  readonly negated: boolean;
  readonly ifExists: boolean;
  readonly qualifier?: SetQualifier;
}

export type OperatorTest =
  | 'Equals'
  | 'EqualsIgnoreCase'
  | 'Like'
  | 'LessThan'
  | 'LessThanEquals'
  | 'GreaterThan'
  | 'GreaterThanEquals'
  | 'InRange'
  | 'IsNull';

/** One operator applied to one condition key with its list of values (OR between values). */
export interface ConditionClause {
  readonly operator: ConditionOperator;
  /** The condition key as written, e.g. "kms:EncryptionContext:Department". */
  readonly key: string;
  /** Values as strings; JSON booleans and numbers are kept as their text. */
  readonly values: readonly string[];
}

export interface Statement {
  /** Position in the Statement list, 0-based: reasons cite it when there is no Sid. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  readonly principal?: PrincipalSet;
  readonly notPrincipal?: PrincipalSet;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  /** AND between clauses. Empty when the statement has no Condition. */
  readonly conditions: readonly ConditionClause[];
}

export interface PolicyDocument {
  readonly kind: PolicyKind;
  /** Absent means the 2008-10-17 language: policy variables are then literal text. */
  readonly version?: PolicyVersion;
  readonly id?: string;
  readonly statements: readonly Statement[];
  /** The document exactly as it was submitted. */
  readonly text: string;
}

/** Policy variables exist only in the 2012-10-17 language. */
export function supportsVariables(doc: Pick<PolicyDocument, 'version'>): boolean {
  return doc.version === '2012-10-17';
}
