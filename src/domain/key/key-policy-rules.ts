import { KmsError } from '../errors.js';
import { parseKeyPolicyDocument } from './key-policy-language.js';

/** The only key policy name KMS has ever had. */
export const KEY_POLICY_NAME = 'default';
/** The key policy document size quota: 32 KB, counted in characters as the API's length constraint is. */
export const MAX_KEY_POLICY_LENGTH = 32_768;

/** AWS's own wording, so callers' error handling and searches keep working. */
export const POLICY_LOCKOUT_MESSAGE = 'The new key policy will not allow you to update the key policy in the future.';

const POLICY_NAME_PATTERN = /^\w{1,128}$/;
// Printable ASCII and Latin-1 (U+0020-U+00FF) plus tab, line feed and carriage return.
const POLICY_CHARACTERS = /^[\u0009\u000A\u000D\u0020-\u00FF]*$/;

export function assertKeyPolicyName(policyName: string): asserts policyName is typeof KEY_POLICY_NAME {
  if (!POLICY_NAME_PATTERN.test(policyName)) {
    throw new KmsError('ValidationException', `Policy name must match ${POLICY_NAME_PATTERN.source}: '${policyName}'`);
  }
  if (policyName !== KEY_POLICY_NAME) {
    throw new KmsError('NotFoundException', `No key policy named '${policyName}'; the only key policy name is '${KEY_POLICY_NAME}'`);
  }
}

/**
 * Size, characters and grammar of a key policy document: LimitExceededException over the
 * size quota, MalformedPolicyDocumentException for anything the policy language rejects.
 */
export function assertValidKeyPolicy(policy: string): void {
  if (policy.length === 0) throw new KmsError('ValidationException', 'The key policy must not be empty');
  if (policy.length > MAX_KEY_POLICY_LENGTH) {
    throw new KmsError(
      'LimitExceededException',
      `The key policy is ${policy.length} characters long; the key policy size quota is ${MAX_KEY_POLICY_LENGTH}`,
    );
  }
  if (!POLICY_CHARACTERS.test(policy)) {
    throw new KmsError(
      'MalformedPolicyDocumentException',
      'A key policy may contain only printable ASCII and Latin-1 characters, tab, line feed and carriage return',
    );
  }
  parseKeyPolicyDocument(policy);
}

/**
 * The lockout safety check: the application asks the evaluator whether the new policy
 * still lets the caller call PutKeyPolicy, and the decider refuses unless the caller
 * chose to bypass the check.
 */
export function assertLockoutSafe(lockoutCheckPassed: boolean, bypassPolicyLockoutSafetyCheck: boolean): void {
  if (!lockoutCheckPassed && !bypassPolicyLockoutSafetyCheck) {
    throw new KmsError('MalformedPolicyDocumentException', POLICY_LOCKOUT_MESSAGE);
  }
}
