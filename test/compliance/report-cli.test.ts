import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceReport, ReportDiff } from '../../src/application/compliance/report-model.js';
import { KmsOperations } from '../../src/application/ports/kms-operations.js';
import type { CallerIdentity } from '../../src/domain/call-context.js';
import { reportCommand } from '../../src/cli/report-command.js';
import { ConfigError, loadConfig } from '../../src/infrastructure/config/config.js';
import { closeContainer, createContainer } from '../../src/infrastructure/container.js';

const ACCOUNT = '123456789012';
const ROOT: CallerIdentity = { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };
const at = (days: number) => new Date(Date.parse('2031-01-01T00:00:00.000Z') + days * 86_400_000).toISOString();

let dir: string;
let keyId: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keytrail-report-'));
  const container = await createContainer(loadConfig({}, { dataDir: dir, region: 'eu-west-1' }));
  const operations = container.get<KmsOperations>(KmsOperations);
  const call = (operation: string, time: string) => ({
    requestId: randomUUID(), eventId: randomUUID(), time, caller: ROOT, sourceIp: '192.0.2.1', userAgent: 'report-cli-test', region: 'eu-west-1', operation, eventType: 'AwsApiCall' as const,
  });
  const created = (await operations.invoke('CreateKey', { Description: 'ledger, "2031"' }, call('CreateKey', at(1)))) as { KeyMetadata: { KeyId: string } };
  keyId = created.KeyMetadata.KeyId;
  await operations.invoke('EnableKeyRotation', { KeyId: keyId }, call('EnableKeyRotation', at(2)));
  await closeContainer(container);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `keytrail report ...` in this process, under a program set up as main.ts sets it up; a usage error throws instead of exiting. */
async function keytrail(...args: string[]): Promise<void> {
  const report = reportCommand();
  const program = new Command('keytrail').enablePositionalOptions().addCommand(report);
  for (const c of [program, report, ...report.commands]) c.exitOverride().configureOutput({ writeErr: () => {} });
  await program.parseAsync(['report', ...args, '--data-dir', dir], { from: 'user' });
}

describe('keytrail report', () => {
  it('writes the report as of an instant, in the format asked for, with the limits given', async () => {
    const out = join(dir, 'report.json');
    await keytrail('--at', at(1.5), '--out', out, '--unused-key-days', '30');
    const report = JSON.parse(readFileSync(out, 'utf8')) as ComplianceReport;
    expect(report.asOf).toEqual({ time: at(1.5) });
    expect(report.settings).toEqual({ cryptoperiodDays: 365, grantMaxAgeDays: 90, unusedKeyDays: 30 });
    expect(report.results.find((r) => r.controlId === 'KMS.4')).toMatchObject({ status: 'FAIL', since: at(1) });

    const csv = join(dir, 'report.csv');
    await keytrail('--at', at(3), '--format', 'csv', '--out', csv, '--account', ACCOUNT);
    const rows = readFileSync(csv, 'utf8').split('\r\n');
    expect(rows[0]).toBe('control,resource_arn,account,status,since,reason,evidence_positions');
    expect(rows.find((r) => r.startsWith('KMS.4,'))).toMatch(new RegExp(`^KMS\\.4,arn:aws:kms:eu-west-1:${ACCOUNT}:key/${keyId},${ACCOUNT},PASS,${at(2).replace(/\./g, '\\.')},`));
  });

  it('writes a diff, and refuses a format it has not', async () => {
    const out = join(dir, 'diff.json');
    await keytrail('diff', '--from', at(1.5), '--to', at(3), '--out', out);
    const diff = JSON.parse(readFileSync(out, 'utf8')) as ReportDiff;
    expect(diff.controlChanges.map((c) => [c.controlId, c.before, c.after])).toEqual([['KMS.4', 'FAIL', 'PASS']]);
    const csv = join(dir, 'diff.csv');
    await keytrail('diff', '--from', at(1.5), '--to', at(3), '--format', 'csv', '--out', csv);
    expect(readFileSync(csv, 'utf8').split('\r\n').slice(0, 2)).toEqual([
      'kind,subject,resource_arn,account,before,after,reason_before,reason_after,evidence_positions',
      expect.stringMatching(/^control,KMS\.4,.*,FAIL,PASS,automatic rotation is disabled,"automatic rotation is enabled, every 365 days",\d+\/\d+$/),
    ]);
    await expect(keytrail('diff', '--from', at(1), '--to', at(3), '--format', 'pdf')).rejects.toThrow(/not one of json, csv, html/);
  });

  it('takes its default limits from KEYTRAIL_REPORT_* and refuses nonsense', () => {
    expect(loadConfig({ KEYTRAIL_REPORT_CRYPTOPERIOD_DAYS: '180', KEYTRAIL_REPORT_GRANT_MAX_AGE_DAYS: '30', KEYTRAIL_REPORT_UNUSED_KEY_DAYS: '60' }).report).toEqual({
      cryptoperiodDays: 180,
      grantMaxAgeDays: 30,
      unusedKeyDays: 60,
    });
    expect(loadConfig({}).report).toEqual({ cryptoperiodDays: 365, grantMaxAgeDays: 90, unusedKeyDays: 90 });
    expect(() => loadConfig({ KEYTRAIL_REPORT_UNUSED_KEY_DAYS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ KEYTRAIL_REPORT_GRANT_MAX_AGE_DAYS: 'ninety' })).toThrow(/KEYTRAIL_REPORT_GRANT_MAX_AGE_DAYS/);
  });
});
