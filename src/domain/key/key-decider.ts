import type { Decider } from '../decider.js';
import { KmsError } from '../errors.js';
import { decideCreateGrant, decideRetireGrant, decideRevokeGrant } from './decide-grants.js';
import {
  decideCancelKeyDeletion,
  decideCreateKey,
  decideDeleteKey,
  decideDisableKey,
  decideEnableKey,
  decidePutKeyPolicy,
  decideScheduleKeyDeletion,
  decideTagResource,
  decideUntagResource,
  decideUpdateKeyDescription,
} from './decide-key-lifecycle.js';
import {
  decideDisableKeyRotation,
  decideEnableKeyRotation,
  decideRotateKeyAutomatically,
  decideRotateKeyOnDemand,
} from './decide-rotation.js';
import { AWS_GRANT_LIMITS } from './grant-rules.js';
import type { GrantLimits, KeyCommand } from './key-commands.js';
import { KEY_EVENT_SCHEMA_VERSIONS, type KeyEvent } from './key-events.js';
import { evolveKey } from './key-evolve.js';
import { DEFAULT_MAX_ON_DEMAND_ROTATIONS } from './key-schedule.js';
import { initialKeyState, type KeyAggregateState } from './key-state.js';

export interface KeyDeciderOptions {
  /** Grant quotas when a CreateGrant command carries none; AWS_GRANT_LIMITS by default. */
  readonly grantLimits?: GrantLimits;
  /** RotateKeyOnDemand uses per key; 10 by default. */
  readonly maxOnDemandRotations?: number;
}

export type KeyDecider = Decider<KeyCommand, KeyEvent, KeyAggregateState>;

export function createKeyDecider(options: KeyDeciderOptions = {}): KeyDecider {
  const grantLimits = options.grantLimits ?? AWS_GRANT_LIMITS;
  const maxOnDemandRotations = options.maxOnDemandRotations ?? DEFAULT_MAX_ON_DEMAND_ROTATIONS;

  function decide(command: KeyCommand, state: KeyAggregateState): KeyEvent[] {
    switch (command.type) {
      case 'CreateKey':
        return decideCreateKey(command, state);
      case 'EnableKey':
        return decideEnableKey(command, state);
      case 'DisableKey':
        return decideDisableKey(command, state);
      case 'UpdateKeyDescription':
        return decideUpdateKeyDescription(command, state);
      case 'EnableKeyRotation':
        return decideEnableKeyRotation(command, state);
      case 'DisableKeyRotation':
        return decideDisableKeyRotation(command, state);
      case 'RotateKeyOnDemand':
        return decideRotateKeyOnDemand(command, state, maxOnDemandRotations);
      case 'RotateKeyAutomatically':
        return decideRotateKeyAutomatically(command, state);
      case 'ScheduleKeyDeletion':
        return decideScheduleKeyDeletion(command, state);
      case 'CancelKeyDeletion':
        return decideCancelKeyDeletion(command, state);
      case 'DeleteKey':
        return decideDeleteKey(command, state);
      case 'TagResource':
        return decideTagResource(command, state);
      case 'UntagResource':
        return decideUntagResource(command, state);
      case 'PutKeyPolicy':
        return decidePutKeyPolicy(command, state);
      case 'CreateGrant':
        return decideCreateGrant(command, state, grantLimits);
      case 'RetireGrant':
        return decideRetireGrant(command, state);
      case 'RevokeGrant':
        return decideRevokeGrant(command, state);
      default:
        throw new KmsError('UnknownOperationException', `Unknown key command '${(command as { type: string }).type}'`);
    }
  }

  return {
    decide,
    evolve: evolveKey,
    initialState: initialKeyState,
    schemaVersions: KEY_EVENT_SCHEMA_VERSIONS,
  };
}

/** The key aggregate with today's AWS quotas. */
export const keyDecider: KeyDecider = createKeyDecider();
