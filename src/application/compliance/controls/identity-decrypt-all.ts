import type { Statement } from '../../../domain/policy/index.js';
import { globMatch } from '../../../domain/policy/pattern.js';
import { statementCoversAction } from '../../../domain/policy/statement-match.js';
import type { AccountControl, Proof } from '../control.js';
import type { AccountView } from '../snapshot.js';

const DECRYPT_ACTIONS = ['kms:Decrypt', 'kms:ReEncryptFrom'];

/** A key id no key has: a resource pattern that matches it matches keys nobody chose. */
const probeKeyArn = (accountId: string) => `arn:aws:kms:keytrail-probe-1:${accountId}:key/00000000-0000-4000-8000-keytrailprobe`;

/** Whether the statement's resources take in every key of the account ("*", key/*, NotResource of a few). */
export function coversEveryKey(s: Statement, accountId: string): boolean {
  const probe = probeKeyArn(accountId);
  const matches = (p: string) => p === '*' || globMatch(p, probe, false);
  if (s.resource !== undefined) return s.resource.some(matches);
  if (s.notResource !== undefined) return !s.notResource.some(matches);
  return false;
}

interface Finding {
  readonly principal: string;
  readonly policyName: string;
  readonly statement: string;
  readonly actions: readonly string[];
  readonly conditions: readonly string[];
}

export const identityDecryptOnAllKeys: AccountControl = {
  definition: {
    id: 'KMS.2',
    title: 'Identity policies do not allow decryption with every key',
    references: ['AWS Security Hub KMS.2', 'AWS Security Hub KMS.1 (KeyTrail has inline identity policies only)'],
    scope: 'account',
    description: 'No identity policy of a user or role allows kms:Decrypt or kms:ReEncryptFrom (directly or through a wildcard) on all keys: decryption is granted key by key.',
  },
  evaluate(account: AccountView) {
    const findings: Finding[] = [];
    const proofs: Proof[] = [];
    for (const principal of account.principals) {
      if (principal.principalType === 'Root') continue;
      for (const version of account.identityPolicies(principal.arn)) {
        const hits = account.identityDocument(version.document).statements.filter(
          (s) => s.effect === 'Allow' && DECRYPT_ACTIONS.some((a) => statementCoversAction(s, a)) && coversEveryKey(s, account.accountId),
        );
        if (hits.length === 0) continue;
        proofs.push({ what: `identity policy "${version.policyName}" of ${principal.arn} put`, citation: version.validity.from, byWhom: true });
        for (const s of hits) {
          findings.push({
            principal: principal.arn,
            policyName: version.policyName,
            statement: s.sid === undefined ? `#${s.index}` : `${s.sid} (#${s.index})`,
            actions: DECRYPT_ACTIONS.filter((a) => statementCoversAction(s, a)),
            conditions: s.conditions.map((c) => `${c.operator.name} ${c.key}`),
          });
        }
      }
    }
    const principals = account.principals.filter((p) => p.principalType !== 'Root').length;
    if (findings.length === 0) {
      return { status: 'PASS', reason: `none of the account's ${principals} users and roles has an identity policy that allows decryption with every key`, details: { findings: [] }, evidence: [] };
    }
    const who = [...new Set(findings.map((f) => f.principal))];
    return {
      status: 'FAIL',
      reason: `${who.length === 1 ? `${who[0]} has an identity policy` : `${who.length} principals have identity policies`} that ${who.length === 1 ? 'allows' : 'allow'} ${[...new Set(findings.flatMap((f) => f.actions))].join(' and ')} on all keys`,
      details: { findings },
      evidence: proofs,
    };
  },
};
