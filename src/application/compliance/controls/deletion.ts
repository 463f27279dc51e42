import { deletedKey, type KeyControl } from '../control.js';
import { lastOfType, runStart } from './key-versions.js';

export const scheduledDeletion: KeyControl = {
  definition: {
    id: 'KMS.3',
    title: 'Keys are not scheduled for deletion',
    references: ['AWS Security Hub KMS.3'],
    scope: 'key',
    description: 'A customer key is not waiting to be deleted: once the waiting period ends, whatever it encrypted cannot be decrypted again.',
  },
  inputs: ['key'],
  evaluate(view) {
    const deleted = deletedKey(view);
    if (deleted !== undefined) return deleted;
    const { key } = view;
    if (key.keyState === 'PendingDeletion') {
      const scheduled = lastOfType(view, 'KeyDeletionScheduled') ?? key.validity.from;
      return {
        status: 'FAIL',
        reason: `the key is scheduled for deletion on ${key.deletionDate} (waiting period ${key.pendingWindowInDays} days)`,
        details: { scheduledAt: scheduled.time, deletionDate: key.deletionDate, pendingWindowInDays: key.pendingWindowInDays },
        evidence: [{ what: `deletion scheduled for ${key.deletionDate}`, citation: scheduled, byWhom: 'scheduledBy' }],
      };
    }
    const canceled = lastOfType(view, 'KeyDeletionCanceled');
    return {
      status: 'PASS',
      reason: `the key is ${key.keyState} and not scheduled for deletion`,
      details: { keyState: key.keyState },
      evidence: [canceled === undefined ? { what: `key state ${key.keyState}`, citation: runStart(view, (a, b) => a.keyState === b.keyState), byWhom: true } : { what: 'deletion canceled', citation: canceled, byWhom: true }],
    };
  },
};
