/** The IAM policy language and the KMS authorization evaluator: pure functions over plain data. */
export type {
  ConditionClause,
  ConditionOperator,
  Effect,
  OperatorFamily,
  OperatorTest,
  PolicyDocument,
  PolicyKind,
  PolicyVersion,
  PrincipalSet,
  SetQualifier,
  Statement,
} from './policy-document.js';
export { supportsVariables } from './policy-document.js';
export { decidedWithoutRequestContext } from './request-independence.js';
export { parsePolicyDocument, type ParseOptions } from './parse.js';
export { defaultKeyPolicy } from './default-key-policy.js';
export { CONDITION_OPERATOR_NAMES, parseConditionOperator } from './condition-operators.js';
export type {
  AccessExplanation,
  AccessPath,
  ConditionTerm,
  Decision,
  Denial,
  EvaluatedCondition,
  Reason,
  StatementRef,
} from './decision.js';
export { authorize, explainAccess, mayRetireGrant, type AuthorizationRequest, type IdentityPolicy } from './evaluate.js';
export { REQUEST_CONDITION_KEYS, type GrantRequest, type KeyFacts, type RequestContext, type RequestedKey } from './request-context.js';
export { principalFromCaller, principalArnKey, type Principal, type PrincipalType } from './principal.js';
export {
  ENCRYPTION_CONTEXT_OPERATIONS,
  grantConstraintsHold,
  grantOperationOf,
  grantPrincipalMatch,
  isNarrowerOrEqualGrant,
  type GrantShape,
} from './grants.js';
export { principalsNamedBy, type NamedPrincipal, type NamedPrincipalKind } from './principals-named.js';
export { accountRootArn, classifyAwsPrincipal, type AwsPrincipalName } from './arn.js';
export { describeExplanation, describeReason, describeTerm } from './describe.js';
