import { deletedKey, daysBetween, DAY_MS, notApplicable, plusDays, type KeyControl, type Proof } from '../control.js';

/** The operations that use a key's material: what "used" means here, rather than being described or administered. */
export const CRYPTOGRAPHIC_OPERATIONS: readonly string[] = [
  'Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
  'Sign', 'Verify', 'GenerateMac', 'VerifyMac', 'DeriveSharedSecret',
];

export const unusedKey: KeyControl = {
  definition: {
    id: 'KT.KEY.UNUSED',
    title: 'Keys are in use',
    references: ['AWS KMS: determining past usage of a KMS key before deleting it'],
    scope: 'key',
    description: 'A key that is enabled or disabled had a successful cryptographic operation within the unused-key limit; a key younger than the limit passes.',
  },
  inputs: ['key'],
  timeDependent: true,
  evaluate(view, settings) {
    const deleted = deletedKey(view);
    if (deleted !== undefined) return deleted;
    if (view.key.keyState === 'PendingDeletion') return notApplicable('the key is scheduled for deletion', [{ what: 'deletion scheduled', citation: view.key.validity.from, byWhom: true }]);
    const limit = settings.unusedKeyDays;
    const creation = view.history().keys[0]!.validity.from;
    const createdProof: Proof = { what: 'key created', citation: creation, byWhom: true };
    const last = view.lastSuccessfulUse(CRYPTOGRAPHIC_OPERATIONS);
    if (last === null) {
      const details = { lastUse: null, createdDaysAgo: daysBetween(creation.time, view.now), unusedKeyDays: limit };
      const idleFrom = plusDays(creation.time, limit);
      if (view.now >= idleFrom) return { status: 'FAIL', reason: `the key has never been used in the ${daysBetween(creation.time, view.now)} days since it was created (limit ${limit})`, details, evidence: [createdProof], heldFrom: idleFrom };
      return { status: 'PASS', reason: `the key was created ${daysBetween(creation.time, view.now)} days ago, less than the limit of ${limit}, and has not been used yet`, details, evidence: [createdProof] };
    }
    const usedProof: Proof = { what: `last used: ${last.operation} by ${last.caller.arn ?? last.caller.invokedBy ?? 'an unknown caller'}`, citation: last.citation };
    const details = { lastUse: { time: last.time, operation: last.operation, caller: last.caller.arn }, daysSinceLastUse: daysBetween(last.time, view.now), unusedKeyDays: limit };
    const idleFrom = plusDays(last.time, limit);
    if (view.now >= idleFrom) return { status: 'FAIL', reason: `the key was last used ${daysBetween(last.time, view.now)} days ago (limit ${limit})`, details, evidence: [usedProof], heldFrom: idleFrom };
    // Idle before this use if it came a whole limit after the previous use, or after creation.
    const back = view.lastUseAfterIdleness(CRYPTOGRAPHIC_OPERATIONS, limit * DAY_MS);
    const cameBack = back !== null && Date.parse(back.time) - Date.parse(creation.time) >= limit * DAY_MS;
    return {
      status: 'PASS',
      reason: `the key was last used ${daysBetween(last.time, view.now)} days ago (limit ${limit})`,
      details,
      evidence: cameBack && back.citation.position !== last.citation.position ? [{ what: `first use after ${limit} idle days: ${back.operation} by ${back.caller.arn ?? '?'}`, citation: back.citation }, usedProof] : [usedProof],
      ...(cameBack ? { heldFrom: back.time } : {}),
    };
  },
};
