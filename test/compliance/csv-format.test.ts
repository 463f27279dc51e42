import { describe, expect, it } from 'vitest';
import { csvField, renderCsv } from '../../src/application/compliance/format/csv.js';
import type { ComplianceReport, ControlResult } from '../../src/application/compliance/report-model.js';

/** RFC 4180 read back: quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
        else if (text[i] === '"') break;
        else field += text[i++];
      }
      i++;
    } else if (text[i] === ',') {
      record.push(field), (field = ''), i++;
    } else if (text.startsWith('\r\n', i)) {
      record.push(field), records.push(record), (record = []), (field = ''), (i += 2);
    } else field += text[i++];
  }
  return records;
}

const key = { type: 'AWS::KMS::Key' as const, id: 'k1', arn: 'arn:aws:kms:us-east-1:111122223333:key/k1', accountId: '111122223333', region: 'us-east-1' };
const cite = (position: string) => ({ what: 'x', citation: { stream: 'kmskey-k1', revision: 0, time: '2031-01-01T00:00:00.000Z', type: 'KeyCreated', position } });

function reportWith(results: ControlResult[]): ComplianceReport {
  return {
    reportVersion: 1,
    asOf: { time: '2031-01-02T00:00:00.000Z' },
    accountId: null,
    settings: { cryptoperiodDays: 365, grantMaxAgeDays: 90, unusedKeyDays: 90 },
    controls: [],
    summary: [],
    totals: { pass: 0, fail: 0, notApplicable: 0 },
    results,
    timeline: [],
  };
}

describe('the CSV report', () => {
  it('quotes a field only when it holds a comma, a double quote or a line break, doubling its quotes', () => {
    expect(['plain', 'a,b', 'say "no"', 'two\nlines', 'cr\rhere', '', null].map(csvField)).toEqual(['plain', '"a,b"', '"say ""no"""', '"two\nlines"', '"cr\rhere"', '', '']);
  });

  it('has one record per result that reads back field for field', () => {
    const awkward = 'grant "g1", to alias/a,b\r\nand more';
    const csv = renderCsv(
      reportWith([
        { controlId: 'KMS.4', resource: key, status: 'FAIL', since: '2031-01-01T00:00:00.000Z', reason: awkward, details: {}, evidence: [cite('5/5'), cite('7/7')] },
        { controlId: 'KMS.3', resource: key, status: 'NOT_APPLICABLE', since: null, reason: 'the key is deleted', details: {}, evidence: [] },
      ]),
    );
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parseCsv(csv)).toEqual([
      ['control', 'resource_arn', 'account', 'status', 'since', 'reason', 'evidence_positions'],
      ['KMS.4', key.arn, '111122223333', 'FAIL', '2031-01-01T00:00:00.000Z', awkward, '5/5 7/7'],
      ['KMS.3', key.arn, '111122223333', 'NOT_APPLICABLE', '', 'the key is deleted', ''],
    ]);
  });
});
