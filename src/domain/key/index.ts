/** The KMS key aggregate: one import for the application layer and the read side. */
export * from './grant.js';
export { GrantTable } from './grant-table.js';
export * from './key-identity.js';
export * from './key-events.js';
export * from './key-commands.js';
export * from './key-state.js';
export * from './key-state-table.js';
export { evolveKey, grantFromEvent } from './key-evolve.js';
export { createKeyDecider, keyDecider, type KeyDecider, type KeyDeciderOptions } from './key-decider.js';
export { grantForCreateGrant } from './decide-grants.js';
export {
  AWS_2015_GRANT_LIMITS,
  AWS_GRANT_LIMITS,
  SYMMETRIC_KEY_GRANT_OPERATIONS,
  findEquivalentNamedGrant,
  type GrantRequest,
} from './grant-rules.js';
export { KEY_POLICY_NAME, MAX_KEY_POLICY_LENGTH, POLICY_LOCKOUT_MESSAGE } from './key-policy-rules.js';
export { MAX_TAGS_PER_KEY, MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH } from './tag-rules.js';
export { MAX_DESCRIPTION_LENGTH } from './key-creation-rules.js';
export {
  DEFAULT_MAX_ON_DEMAND_ROTATIONS,
  DEFAULT_PENDING_WINDOW_IN_DAYS,
  DEFAULT_ROTATION_PERIOD_IN_DAYS,
  MAX_PENDING_WINDOW_IN_DAYS,
  MAX_ROTATION_PERIOD_IN_DAYS,
  MIN_PENDING_WINDOW_IN_DAYS,
  MIN_ROTATION_PERIOD_IN_DAYS,
} from './key-schedule.js';
