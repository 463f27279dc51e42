import { defaultKeyPolicy } from '../policy/default-key-policy.js';
import { parsePolicyDocument } from '../policy/parse.js';
import type { PolicyDocument } from '../policy/policy-document.js';

/**
 * The key aggregate's one doorway to the policy language: the grammar of a key policy
 * (MalformedPolicyDocumentException when it fails) and the policy CreateKey attaches
 * when it is given none.
 */
export function parseKeyPolicyDocument(policy: string): PolicyDocument {
  return parsePolicyDocument(policy, { kind: 'key' });
}

export function defaultPolicyFor(accountId: string): string {
  return defaultKeyPolicy(accountId);
}
