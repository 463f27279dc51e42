import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src/application/cloudtrail/cloudtrail-record.js';
import { RecordJson } from '../../src/application/cloudtrail/record-json.js';
import { userIdentityOf } from '../../src/application/cloudtrail/user-identity.js';
import { RecordBatchBuilder } from '../../src/application/cloudtrail/record-batch-builder.js';
import { FsTrailFolder } from '../../src/infrastructure/cloudtrail/fs-trail-folder.js';
import { tempDir } from './support/trail-fixture.js';

function record_(account: string, region: string, description: string): CloudTrailRecord {
  return {
    eventVersion: '1.11',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${account}:user/alice`, accountId: account, userName: 'alice' },
    eventTime: '2031-05-04T10:00:00Z',
    eventSource: 'kms.amazonaws.com',
    eventName: 'UpdateKeyDescription',
    awsRegion: region,
    sourceIPAddress: '192.0.2.1',
    userAgent: 'test',
    requestParameters: { description },
    responseElements: null,
    eventID: 'e',
    readOnly: false,
    resources: [],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
  };
}

describe('record JSON', () => {
  // Few distinct values, so that cached parts are hit as often as missed.
  const text = fc.oneof(fc.constantFrom('alice', 'eu-west-3', 'Encrypt', 'a"b\\c', 'é🔑', ''), fc.string({ maxLength: 12 }));
  const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const json = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<never>;
  const caller = fc.record({
    type: fc.constantFrom('IAMUser', 'AssumedRole', 'Root', 'AWSAccount', 'AWSService'),
    principalId: text,
    arn: fc.oneof(text, fc.constant('arn:aws:sts::111122223333:assumed-role/admin/alice')),
    accountId: fc.constantFrom('111122223333', '444455556666'),
    accessKeyId: optional(text),
    userName: optional(text),
    invokedBy: optional(text),
  });
  const record = fc.record({
    caller,
    serviceEvent: fc.boolean(),
    eventTime: text,
    eventName: text,
    awsRegion: text,
    sourceIPAddress: text,
    userAgent: text,
    error: optional(fc.tuple(text, text)),
    requestParameters: fc.oneof(fc.constant(null), fc.dictionary(text, json, { maxKeys: 3 })),
    responseElements: fc.oneof(fc.constant(null), fc.dictionary(text, json, { maxKeys: 3 })),
    additionalEventData: optional(fc.dictionary(text, json, { maxKeys: 2 })),
    requestID: optional(text),
    eventID: text,
    readOnly: fc.boolean(),
    resources: fc.array(fc.record({ accountId: text, ARN: text }), { maxLength: 2 }),
    serviceEventDetails: optional(fc.dictionary(text, json, { maxKeys: 2 })),
  });

  it('is what JSON.stringify writes, record after record', () => {
    const json = new RecordJson();
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), (list) => {
        for (const g of list) {
          const eventType = g.serviceEvent ? 'AwsServiceEvent' : 'AwsApiCall';
          const built: Record<string, unknown> = {
            eventVersion: '1.11',
            userIdentity: userIdentityOf(g.caller as never, eventType),
            eventTime: g.eventTime,
            eventSource: 'kms.amazonaws.com',
            eventName: g.eventName,
            awsRegion: g.awsRegion,
            sourceIPAddress: g.sourceIPAddress,
            userAgent: g.userAgent,
          };
          if (g.error) [built['errorCode'], built['errorMessage']] = g.error;
          built['requestParameters'] = g.requestParameters;
          built['responseElements'] = g.responseElements;
          if (g.additionalEventData) built['additionalEventData'] = g.additionalEventData;
          if (g.requestID !== undefined) built['requestID'] = g.requestID;
          Object.assign(built, {
            eventID: g.eventID,
            readOnly: g.readOnly,
            resources: g.resources.map((r) => ({ accountId: r.accountId, type: 'AWS::KMS::Key', ARN: r.ARN })),
            eventType,
            managementEvent: true,
            recipientAccountId: g.caller.accountId,
          });
          if (g.serviceEventDetails) built['serviceEventDetails'] = g.serviceEventDetails;
          built['eventCategory'] = 'Management';
          const r = built as unknown as CloudTrailRecord;
          expect(json.stringify(r)).toBe(JSON.stringify(r));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('falls back to JSON.stringify for a record missing a field it always has', () => {
    const r = { ...record_('111122223333', 'eu-west-3', 'x'), eventID: undefined } as unknown as CloudTrailRecord;
    expect(new RecordJson().stringify(r)).toBe(JSON.stringify(r));
  });
});

describe('record batches', () => {
  it('hold each record as its JSON in UTF-8, with its channel and time', () => {
    const builder = new RecordBatchBuilder();
    const records = [
      record_('111122223333', 'eu-west-3', 'plain'),
      record_('444455556666', 'eu-west-3', 'Gehaltsabrechnung für März – 給与 🔑'),
      record_('111122223333', 'eu-west-3', 'x'.repeat(3 << 20)),
      record_('111122223333', 'us-east-1', 'again'),
    ];
    records.forEach((r, i) => builder.add(r, 1000 * i));
    const batch = builder.take(0.5);
    expect(batch.count).toBe(4);
    expect(batch.fraction).toBe(0.5);
    expect(batch.channels).toEqual([
      { account: '111122223333', region: 'eu-west-3' },
      { account: '444455556666', region: 'eu-west-3' },
      { account: '111122223333', region: 'us-east-1' },
    ]);
    expect([...batch.channelOf]).toEqual([0, 1, 0, 2]);
    expect([...batch.timeMs]).toEqual([0, 1000, 2000, 3000]);
    let start = 0;
    records.forEach((r, i) => {
      const end = batch.ends[i]!;
      expect(Buffer.from(batch.text.subarray(start, end)).toString('utf8')).toBe(JSON.stringify(r));
      start = end;
    });
    expect(builder.take(1).count).toBe(0);
  });
});

describe('an export folder object', () => {
  let dir: { path: string; remove(): void } | undefined;
  afterEach(() => dir?.remove());

  // Small objects are compressed in one call, large ones stream through gzip: both must
  // hold exactly what was written and report its SHA-256.
  it.each([
    ['small', 10],
    ['larger than one chunk', 4000],
  ])('holds what was written, text and bytes alike (%s)', async (_name, parts) => {
    dir = tempDir();
    const folder = new FsTrailFolder(dir.path);
    const writer = folder.createObject('AWSLogs/111122223333/CloudTrail/eu-west-3/2031/05/04/object.json.gz');
    const expected: Buffer[] = [];
    for (let i = 0; i < parts; i++) {
      const text = `{"n":${i},"note":"é ${'z'.repeat(i % 300)}"}`;
      const asBytes = i % 2 === 0;
      await writer.write(asBytes ? new Uint8Array(Buffer.from(text)) : text);
      expected.push(Buffer.from(text));
    }
    const { sha256, written } = writer.close();
    await written;
    const content = Buffer.concat(expected);
    expect(await sha256).toBe(createHash('sha256').update(content).digest('hex'));
    const stored = gunzipSync(readFileSync(join(dir.path, 'AWSLogs/111122223333/CloudTrail/eu-west-3/2031/05/04/object.json.gz')));
    expect(stored.equals(content)).toBe(true);
  });
});
