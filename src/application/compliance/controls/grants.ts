import { ENCRYPTION_CONTEXT_OPERATIONS, classifyAwsPrincipal } from '../../../domain/policy/index.js';
import { roleArnOfSession } from '../../../domain/policy/arn.js';
import type { GrantOperation } from '../../../domain/key/index.js';
import type { GrantVersion } from '../../audit/temporal-read-models.js';
import { daysBetween, deletedKey, plusDays, type KeyControl, type Outcome, type Proof } from '../control.js';
import type { KeyView } from '../snapshot.js';
import type { ControlDefinition, ReportSettings } from '../report-model.js';

const created = (g: GrantVersion): Proof => ({ what: `grant ${g.grantId} created for ${g.granteePrincipal}: ${g.operations.join(', ')}`, citation: g.validity.from, byWhom: true });

const summary = (g: GrantVersion) => ({ grantId: g.grantId, name: g.name, granteePrincipal: g.granteePrincipal, operations: g.operations, constraints: g.constraints, creationDate: g.creationDate });

/**
 * A control over each grant of a key: the key fails when some grant does. A key without
 * grants passes, citing the last grant that ended (or nothing: it never had one).
 */
function grantControl(
  definition: ControlDefinition & { scope: 'key' },
  failing: (g: GrantVersion, view: KeyView, settings: ReportSettings) => string | undefined,
  verdict: { pass: string; fail: (n: number) => string },
  heldFrom?: (failed: readonly GrantVersion[], settings: ReportSettings) => string,
  inputs: KeyControl['inputs'] = ['key'],
): KeyControl {
  return {
    definition,
    inputs,
    // Only the age limit makes a result move with time alone.
    ...(heldFrom === undefined ? {} : { timeDependent: true }),
    evaluate(view, settings): Outcome {
      const deleted = deletedKey(view);
      if (deleted !== undefined) return deleted;
      const failed: { grant: GrantVersion; why: string }[] = [];
      for (const grant of view.grants) {
        const why = failing(grant, view, settings);
        if (why !== undefined) failed.push({ grant, why });
      }
      if (failed.length === 0) {
        const ended = view.history().grants.filter((g) => g.validity.to !== null && g.validity.to.time <= view.now).at(-1);
        return {
          status: 'PASS',
          reason: view.grants.length === 0 ? 'the key has no grants' : `${verdict.pass} (${view.grants.length} grant${view.grants.length === 1 ? '' : 's'})`,
          details: { grants: view.grants.length },
          evidence: view.grants.length > 0 ? view.grants.map(created) : ended === undefined ? [] : [{ what: `grant ${ended.grantId} ended (${ended.validity.to!.type})`, citation: ended.validity.to!, byWhom: true }],
        };
      }
      return {
        status: 'FAIL',
        reason: failed.length === 1 ? `grant ${failed[0]!.grant.grantId} ${failed[0]!.why}` : verdict.fail(failed.length),
        details: { grants: failed.map(({ grant, why }) => ({ ...summary(grant), finding: why })) },
        evidence: failed.map(({ grant }) => created(grant)),
        ...(heldFrom === undefined ? {} : { heldFrom: heldFrom(failed.map((f) => f.grant), settings) }),
      };
    },
  };
}

export const unconstrainedGrants = grantControl(
  {
    id: 'KT.GRANT.UNCONSTRAINED',
    title: 'Grants for cryptographic operations carry encryption-context constraints',
    references: ['AWS KMS grant constraints (EncryptionContextEquals, EncryptionContextSubset)'],
    scope: 'key',
    description: 'Every grant that allows a cryptographic operation limits it with an encryption-context constraint, so the grantee can use the key only for the data it was given it for.',
  },
  (g) => {
    const crypto = g.operations.filter((o) => ENCRYPTION_CONTEXT_OPERATIONS.has(o as GrantOperation));
    const constrained = g.constraints !== null && (g.constraints.encryptionContextEquals !== null || g.constraints.encryptionContextSubset !== null);
    return crypto.length > 0 && !constrained ? `allows ${crypto.join(', ')} without an encryption-context constraint` : undefined;
  },
  { pass: 'every grant for cryptographic operations is constrained', fail: (n) => `${n} grants allow cryptographic operations without an encryption-context constraint` },
);

/** The user or role a grantee names; undefined for accounts, services and anything not an IAM identity. */
function granteeIdentity(grantee: string): string | undefined {
  const named = classifyAwsPrincipal(grantee);
  if (named === undefined) return undefined;
  if (named.type === 'user' || named.type === 'role') return named.arn;
  if (named.type === 'assumedRole') return roleArnOfSession(named.arn);
  return undefined;
}

export const orphanedGrants = grantControl(
  {
    id: 'KT.GRANT.ORPHANED',
    title: 'Grants are to principals that exist',
    references: ['AWS KMS best practices: retire grants that are no longer needed'],
    scope: 'key',
    description: 'No grant names a user or role that no longer exists in its account (a principal created again under the same name would inherit it here).',
  },
  (g, view) => {
    const identity = granteeIdentity(g.granteePrincipal);
    if (identity === undefined) return undefined;
    return view.principalExists(identity) === false ? `is to ${identity}, which does not exist` : undefined;
  },
  { pass: 'every grantee exists', fail: (n) => `${n} grants are to principals that do not exist` },
  undefined,
  ['key', 'principals'],
);

export const oldGrants = grantControl(
  {
    id: 'KT.GRANT.AGE',
    title: 'Grants are younger than the grant age limit',
    references: ['AWS KMS best practices: grants are for temporary permissions'],
    scope: 'key',
    description: 'Every grant was created less than the grant age limit ago; grants are meant for temporary access.',
  },
  (g, view, settings) => (view.now >= plusDays(g.creationDate, settings.grantMaxAgeDays) ? `is ${daysBetween(g.creationDate, view.now)} days old (limit ${settings.grantMaxAgeDays})` : undefined),
  { pass: 'every grant is younger than the limit', fail: (n) => `${n} grants are older than the limit` },
  (failed, settings) => failed.map((g) => plusDays(g.creationDate, settings.grantMaxAgeDays)).sort()[0]!,
);

export const redelegatingGrants = grantControl(
  {
    id: 'KT.GRANT.REDELEGATION',
    title: 'Grants do not allow CreateGrant',
    references: ['AWS KMS grants: CreateGrant in a grant lets the grantee pass the grant on'],
    scope: 'key',
    description: 'No grant allows CreateGrant, with which its grantee could grant the key to others.',
  },
  (g) => (g.operations.includes('CreateGrant') ? `allows CreateGrant: ${g.granteePrincipal} can grant the key on` : undefined),
  { pass: 'no grant allows CreateGrant', fail: (n) => `${n} grants allow CreateGrant` },
);
