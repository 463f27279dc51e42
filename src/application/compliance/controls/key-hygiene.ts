import type { Proof } from '../control.js';
import { deletedKey, notApplicable, type KeyControl } from '../control.js';
import { lastOfType } from './key-versions.js';

const aliasProofs = (view: Parameters<KeyControl['evaluate']>[0]): Proof[] =>
  view.aliases.map((a) => ({ what: `${a.aliasName} points at the key`, citation: a.validity.from, byWhom: true }));

export const disabledKeyWithAliases: KeyControl = {
  definition: {
    id: 'KT.KEY.DISABLED_ALIASED',
    title: 'Disabled keys are not the target of aliases',
    references: ['AWS KMS aliases: an alias of a disabled key makes its callers fail'],
    scope: 'key',
    description: 'A disabled key has no alias pointing at it: applications that name the alias would fail, or the alias is stale.',
  },
  inputs: ['key'],
  evaluate(view) {
    const deleted = deletedKey(view);
    if (deleted !== undefined) return deleted;
    const { key, aliases } = view;
    if (key.keyState === 'PendingDeletion') return notApplicable('the key is scheduled for deletion (KMS.3)');
    const names = aliases.map((a) => a.aliasName);
    if (key.keyState !== 'Disabled') return { status: 'PASS', reason: 'the key is enabled', details: { aliases: names }, evidence: [] };
    const disabled = lastOfType(view, 'KeyDisabled') ?? lastOfType(view, 'KeyDeletionCanceled') ?? key.validity.from;
    const disabledProof: Proof = { what: disabled.type === 'KeyDeletionCanceled' ? 'deletion canceled, the key stays disabled' : 'key disabled', citation: disabled, byWhom: true };
    if (names.length === 0) return { status: 'PASS', reason: 'the key is disabled and no alias points at it', details: { aliases: [] }, evidence: [disabledProof] };
    return { status: 'FAIL', reason: `the key is disabled and ${names.join(', ')} still ${names.length === 1 ? 'points' : 'point'} at it`, details: { aliases: names }, evidence: [disabledProof, ...aliasProofs(view)] };
  },
};

export const unlabelledKey: KeyControl = {
  definition: {
    id: 'KT.KEY.UNLABELLED',
    title: 'Keys have a description or an alias',
    references: ['AWS KMS best practices: identify keys by alias and description'],
    scope: 'key',
    description: 'A key has a description or at least one alias, so a person can tell what it protects.',
  },
  inputs: ['key'],
  evaluate(view) {
    const deleted = deletedKey(view);
    if (deleted !== undefined) return deleted;
    const { key, aliases } = view;
    const described = key.description.trim() !== '';
    const names = aliases.map((a) => a.aliasName);
    const descriptionSet = lastOfType(view, 'KeyDescriptionUpdated') ?? view.history().keys[0]!.validity.from;
    const descriptionProof: Proof = { what: described ? `description set: "${key.description}"` : 'description left empty', citation: descriptionSet, byWhom: true };
    const details = { description: key.description, aliases: names };
    if (!described && names.length === 0) return { status: 'FAIL', reason: 'the key has neither a description nor an alias', details, evidence: [descriptionProof] };
    const has = [described ? 'a description' : '', names.length > 0 ? `alias ${names.join(', ')}` : ''].filter((x) => x !== '').join(' and ');
    return { status: 'PASS', reason: `the key has ${has}`, details, evidence: [...(described ? [descriptionProof] : []), ...aliasProofs(view)] };
  },
};
