import { daysBetween, deletedKey, notApplicable, plusDays, type KeyControl, type Outcome, type Proof } from '../control.js';
import type { KeyView } from '../snapshot.js';
import { runStart } from './key-versions.js';

/** Rotation is a question for keys that can still be used: not for one waiting to be deleted, nor a deleted one. */
function notRotatable(view: KeyView): Outcome | undefined {
  const deleted = deletedKey(view);
  if (deleted !== undefined) return deleted;
  if (view.key.keyState !== 'PendingDeletion') return undefined;
  return notApplicable('the key is scheduled for deletion', [{ what: 'deletion scheduled', citation: view.key.validity.from, byWhom: true }]);
}

export const automaticRotation: KeyControl = {
  definition: {
    id: 'KMS.4',
    title: 'Automatic key rotation is enabled',
    references: ['AWS Security Hub KMS.4', 'CIS AWS Foundations 3.6', 'PCI DSS 3.6.4'],
    scope: 'key',
    description: 'A customer key that can still be used has automatic rotation of its key material enabled.',
  },
  inputs: ['key'],
  evaluate(view) {
    const na = notRotatable(view);
    if (na !== undefined) return na;
    const set = runStart(view, (a, b) => a.rotation.enabled === b.rotation.enabled);
    const { enabled, periodInDays, nextRotationDate } = view.key.rotation;
    const what = set.type === 'KeyCreated' ? 'key created without automatic rotation' : `automatic rotation ${enabled ? 'enabled' : 'disabled'}`;
    return {
      status: enabled ? 'PASS' : 'FAIL',
      reason: enabled ? `automatic rotation is enabled, every ${periodInDays} days` : 'automatic rotation is disabled',
      details: { rotationEnabled: enabled, rotationPeriodInDays: periodInDays, nextRotationDate },
      evidence: [{ what, citation: set, byWhom: true }],
    };
  },
};

export const cryptoperiod: KeyControl = {
  definition: {
    id: 'PCI-DSS.3.6.4',
    title: 'Key material is within its cryptoperiod',
    references: ['PCI DSS 3.6.4', 'NIST SP 800-57 cryptoperiods'],
    scope: 'key',
    description: 'The time since the key material was last rotated (or created, if never rotated) is less than the cryptoperiod setting.',
  },
  inputs: ['key'],
  timeDependent: true,
  evaluate(view, settings) {
    const na = notRotatable(view);
    if (na !== undefined) return na;
    const latest = view.backingKeys.reduce((a, b) => (b.version > a.version ? b : a), view.backingKeys[0]!);
    const rotated = latest.version > 1;
    const last = latest.validity.from;
    const ends = plusDays(last.time, settings.cryptoperiodDays);
    const age = daysBetween(last.time, view.now);
    const proof: Proof = { what: rotated ? `key material rotated to version ${latest.version} (${latest.rotationType ?? 'rotation'})` : 'key material created', citation: last, byWhom: true };
    const details = { backingKeyVersion: latest.version, lastRotation: rotated ? last.time : null, materialSince: last.time, ageDays: age, cryptoperiodDays: settings.cryptoperiodDays, cryptoperiodEnds: ends };
    const since = rotated ? 'its last rotation' : 'it was created, never rotated';
    if (view.now >= ends) {
      return { status: 'FAIL', reason: `the key material is ${age} days old since ${since} (cryptoperiod ${settings.cryptoperiodDays} days)`, details, evidence: [proof], heldFrom: ends };
    }
    return { status: 'PASS', reason: `the key material is ${age} days old since ${since} (cryptoperiod ${settings.cryptoperiodDays} days)`, details, evidence: [proof] };
  },
};
