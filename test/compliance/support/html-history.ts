import { bindCompliance } from '../../../src/application/compliance/bind-compliance.js';
import { ComplianceReports } from '../../../src/application/compliance/compliance-reports.js';
import { ACCOUNT_A, BOB, DELETED_AT, policy, ROOT_A, ROOT_STATEMENT, scriptedHistory, type ScriptedHistory } from '../../application/audit/support/scripted-history.js';

/** Markup a policy statement's Sid can carry into the report's details; the page must show it as text. */
export const HOSTILE_SID = `<img src=x onerror="globalThis.pwned=1">`;

/** The instant `minutes` after the end of the audit script (K1's deletion). */
export function after(minutes: number): string {
  return new Date(Date.parse(DELETED_AT) + minutes * 60_000).toISOString();
}

export interface HtmlHistory {
  readonly history: ScriptedHistory;
  readonly reports: ComplianceReports;
  readonly k3: { keyId: string; arn: string };
  close(): Promise<void>;
}

/**
 * The time-travel script (test/application/audit), then, so that several controls fail
 * through real calls:
 *  +10  K3 created, with a description that carries markup
 *  +20  K3's policy made public: a statement with Principal "*" and no condition, its Sid markup
 *  +30  grant on K2 to bob (another account): Decrypt and CreateGrant, without constraints
 */
export async function htmlHistory(): Promise<HtmlHistory> {
  const history = await scriptedHistory();
  const { kms } = history;
  kms.time = after(10);
  const k3 = await kms.createKey(ROOT_A, { Description: `<script>globalThis.pwned=1</script> shared key` });
  kms.time = after(20);
  const open = { Sid: HOSTILE_SID, Effect: 'Allow', Principal: '*', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' };
  await kms.invoke(ROOT_A, 'PutKeyPolicy', { KeyId: k3.keyId, PolicyName: 'default', Policy: policy([ROOT_STATEMENT, open]) });
  kms.time = after(30);
  await kms.invoke(ROOT_A, 'CreateGrant', { KeyId: history.k2.keyId, GranteePrincipal: BOB.arn, Operations: ['Decrypt', 'CreateGrant'] });
  bindCompliance(kms.container);
  return {
    history,
    reports: kms.container.get(ComplianceReports),
    k3,
    close: () => history.close(),
  };
}

export { ACCOUNT_A };
