import type { GrantLimits as GrantQuotas } from '../../domain/key/index.js';

/**
 * The grant quotas CreateGrant enforces, from configuration; unbound, the key decider's
 * defaults (today's AWS quotas) apply.
 */
export type GrantLimits = GrantQuotas;
export const GrantLimits = Symbol.for('keytrail.GrantLimits');
