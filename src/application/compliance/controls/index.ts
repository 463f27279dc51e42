import type { Control } from '../control.js';
import { crossAccountAccess } from './cross-account.js';
import { scheduledDeletion } from './deletion.js';
import { oldGrants, orphanedGrants, redelegatingGrants, unconstrainedGrants } from './grants.js';
import { identityDecryptOnAllKeys } from './identity-decrypt-all.js';
import { disabledKeyWithAliases, unlabelledKey } from './key-hygiene.js';
import { policyLockout } from './lockout.js';
import { publicKeyPolicy } from './public-policy.js';
import { automaticRotation, cryptoperiod } from './rotation.js';
import { unusedKey } from './unused-key.js';

/** Every control of a report, in the order reports list them. */
export const CONTROLS: readonly Control[] = [
  automaticRotation,
  cryptoperiod,
  scheduledDeletion,
  publicKeyPolicy,
  identityDecryptOnAllKeys,
  crossAccountAccess,
  unconstrainedGrants,
  orphanedGrants,
  oldGrants,
  redelegatingGrants,
  unusedKey,
  disabledKeyWithAliases,
  unlabelledKey,
  policyLockout,
];
