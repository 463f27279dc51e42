import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRecordText } from '../../src/application/cloudtrail/call-record-text.js';
import { CloudTrailReplay } from '../../src/application/cloudtrail/cloudtrail-replay.js';
import { InProcessRecordSource } from '../../src/application/cloudtrail/in-process-record-source.js';
import { KeyLocator } from '../../src/application/cloudtrail/key-location.js';
import { buildCloudTrailRecord } from '../../src/application/cloudtrail/record-builder.js';
import { RecordJson } from '../../src/application/cloudtrail/record-json.js';
import type { TrailRecordBatch } from '../../src/application/cloudtrail/trail-record-source.js';
import type { EventToAppend, JsonObject, JsonValue, RecordedEvent } from '../../src/application/ports/event-store.js';
import { SqliteEventStore } from '../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { SqliteEventTextLog } from '../../src/infrastructure/eventstore/sqlite/sqlite-event-text-log.js';

/** What the parsed path makes of a call record: its JSON, or the error it throws. */
function parsedPath(data: JsonValue, metadata: JsonObject): { json: string; account: string; region: string } | { error: unknown } {
  const event: RecordedEvent = {
    id: 'e', type: 'KmsCallRecorded', stream: 'kmscall-111122223333_eu-west-3_20310504', revision: 0n,
    position: { commit: 1n, prepare: 1n }, created: new Date(0), data, metadata,
  };
  try {
    const record = buildCloudTrailRecord(event, null);
    return { json: new RecordJson().stringify(record), account: record.recipientAccountId, region: record.awsRegion };
  } catch (error) {
    return { error };
  }
}

const usualCaller = { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', accessKeyId: 'AKIAEXAMPLE', userName: 'alice' };
const keyArn = 'arn:aws:kms:eu-west-3:111122223333:key/1f217c90-2e91-4ff3-88e1-48e03b36bd52';

function usualMetadata(operation: string): JsonObject {
  return {
    schemaVersion: 1, requestId: randomUUID(), eventId: randomUUID(), time: '2031-05-04T10:00:01.250Z', caller: usualCaller,
    sourceIp: '192.0.2.10', userAgent: 'aws-cli/2.15.0 "quoted" \\ é🔑', region: 'eu-west-3', operation, eventType: 'AwsApiCall',
  };
}

function usualData(operation: string, overrides: JsonObject = {}): JsonObject {
  return {
    operation, readOnly: true, requestParameters: { keyId: 'alias/app', encryptionContext: { tenant: 't-"1"', '10': 'ten', 'a\\b': '\u0001' } },
    responseElements: null, errorCode: null, errorMessage: null, resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: keyArn }], ...overrides,
  };
}

describe('call records made from stored JSON text', () => {
  it('makes the usual call records from the text, the same bytes as the parsed path', () => {
    const text = new CallRecordText();
    const cases: Array<[string, JsonObject]> = [
      ['Encrypt', usualData('Encrypt')],
      ['Decrypt', usualData('Decrypt', { requestParameters: { encryptionContext: { a: 'b' } } })],
      ['Decrypt', usualData('Decrypt', { requestParameters: null })],
      ['Decrypt', usualData('Decrypt', { requestParameters: {}, errorCode: 'AccessDeniedException', errorMessage: 'no "way"' })],
      ['Encrypt', usualData('Encrypt', { requestParameters: { keyId: 'k', encryptionAlgorithm: 'SYMMETRIC_DEFAULT' } })],
      ['GenerateDataKey', usualData('GenerateDataKey', { requestParameters: { keyId: 'k', keySpec: 'AES_256' } })],
      ['DescribeKey', usualData('DescribeKey', { requestParameters: { keyId: 'k' }, resources: [] })],
      ['CreateGrant', usualData('CreateGrant', { readOnly: false, errorCode: 'DisabledException', errorMessage: null })],
    ];
    for (const [operation, data] of cases) {
      const metadata = usualMetadata(operation);
      const expected = parsedPath(data, metadata);
      expect(text.render(JSON.stringify(data), JSON.stringify(metadata)), operation).toBe(true);
      expect(expected).not.toHaveProperty('error');
      const made = expected as { json: string; account: string; region: string };
      expect(text.json).toBe(made.json);
      expect(JSON.parse(text.json)).toEqual(JSON.parse(made.json));
      expect(text.account).toBe(made.account);
      expect(text.region).toBe(made.region);
      expect(text.timeMs).toBe(Date.parse(metadata['time'] as string));
    }
  });

  it('leaves unusual records to the parsed path rather than guess', () => {
    const text = new CallRecordText();
    const declined: Array<[JsonValue, JsonObject]> = [
      [usualData('Encrypt'), { ...usualMetadata('Encrypt'), eventType: 'AwsServiceEvent' }],
      [usualData('Encrypt'), { ...usualMetadata('Encrypt'), time: 'yesterday' }],
      [usualData('Encrypt'), { ...usualMetadata('Encrypt'), caller: { ...usualCaller, accountId: 7 } }],
      [usualData('Encrypt'), { ...usualMetadata('Encrypt'), sourceIp: null }],
      [usualData('DisableKey', { readOnly: false }), usualMetadata('DisableKey')],
      [usualData('Encrypt', { requestParameters: ['k'] }), usualMetadata('Encrypt')],
      [usualData('Encrypt', { errorCode: 5 }), usualMetadata('Encrypt')],
      [usualData('Encrypt', { resources: 'all' }), usualMetadata('Encrypt')],
      [null, usualMetadata('Encrypt')],
    ];
    for (const [data, metadata] of declined) expect(text.render(JSON.stringify(data), JSON.stringify(metadata))).toBe(false);
  });

  it('never differs from the parsed path, whatever the stored record holds', () => {
    const text = new CallRecordText();
    const str = fc.oneof(fc.constantFrom('alice', 'eu-west-3', 'Encrypt', 'Decrypt', 'a"b\\c', 'é🔑', '', 'keyId', 'encryptionAlgorithm', '__proto__', '10'), fc.string({ maxLength: 10 }));
    const json = fc.jsonValue({ maxDepth: 3 });
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    // Mostly the usual shape, now and then anything: both paths get exercised.
    const mostly = <T>(usual: fc.Arbitrary<T>, other: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: usual, weight: 12 }, { arbitrary: other, weight: 1 });
    const caller = fc.record(
      {
        type: mostly(fc.constantFrom('IAMUser', 'AssumedRole', 'Root', 'AWSAccount', 'AWSService'), fc.constant('Unknown')),
        principalId: str,
        arn: fc.oneof(str, fc.constant('arn:aws:sts::111122223333:assumed-role/admin/alice')),
        accountId: mostly(fc.constantFrom('111122223333', '444455556666'), json),
        accessKeyId: maybe(str),
        userName: maybe(str),
        invokedBy: maybe(str),
      },
      { requiredKeys: ['type', 'principalId', 'arn'] },
    );
    const metadata = fc.record(
      {
        schemaVersion: fc.constant(1),
        requestId: mostly(str, json),
        eventId: str,
        time: mostly(fc.constantFrom('2031-05-04T10:00:01.250Z', '2031-05-04T10:00:01Z'), fc.oneof(fc.constantFrom('2031-05-04 10:00', 'x', '2031-05-04T10:00:01.2\\u0035Z'), json)),
        caller: mostly(caller, json),
        sourceIp: str,
        userAgent: str,
        region: mostly(str, json),
        operation: mostly(fc.constantFrom('Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey', 'CreateGrant'), fc.oneof(fc.constant('Enc\\rypt'), json)),
        eventType: mostly(fc.constant('AwsApiCall'), fc.oneof(fc.constant('AwsServiceEvent'), json)),
        extra: json,
      },
      { requiredKeys: ['eventId', 'sourceIp', 'userAgent', 'caller', 'time', 'region', 'operation', 'eventType'] },
    );
    const resource = mostly(fc.record({ accountId: mostly(str, json), type: fc.constant('AWS::KMS::Key'), ARN: mostly(str, json) }), json);
    const data = fc.record(
      {
        operation: str,
        readOnly: mostly(fc.boolean(), json),
        requestParameters: mostly(fc.oneof(fc.constant(null), fc.dictionary(str, json, { maxKeys: 4 })), json),
        responseElements: mostly(fc.oneof(fc.constant(null), fc.dictionary(str, json, { maxKeys: 3 })), json),
        errorCode: mostly(fc.oneof(fc.constant(null), str), json),
        errorMessage: mostly(fc.oneof(fc.constant(null), str), json),
        resources: mostly(fc.array(resource, { maxLength: 3 }), json),
      },
      { requiredKeys: ['readOnly', 'requestParameters', 'resources'] },
    );
    let rendered = 0;
    fc.assert(
      fc.property(data, metadata, (d, m) => {
        const expected = parsedPath(d as JsonValue, m as JsonObject);
        if (!text.render(JSON.stringify(d), JSON.stringify(m))) return;
        rendered++;
        expect(expected).not.toHaveProperty('error');
        const made = expected as { json: string; account: string; region: string };
        expect(text.json).toBe(made.json);
        expect(text.account).toBe(made.account);
        expect(text.region).toBe(made.region);
        expect(text.timeMs).toBe(Date.parse((m as { time: string }).time));
      }),
      { numRuns: 3000 },
    );
    // The generator reaches the text path, not only the parsed one.
    expect(rendered).toBeGreaterThan(300);
  });
});

describe('an export source reading stored text', () => {
  let store: SqliteEventStore;

  beforeAll(async () => {
    store = SqliteEventStore.open(':memory:');
    const events: EventToAppend[] = [];
    for (let i = 0; i < 600; i++) {
      const operation = ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey', 'CreateGrant'][i % 5]!;
      const failed = i % 7 === 0;
      const data = usualData(operation, {
        readOnly: operation !== 'CreateGrant',
        errorCode: failed || operation === 'CreateGrant' ? 'AccessDeniedException' : null,
        errorMessage: failed || operation === 'CreateGrant' ? `denied ${i}` : null,
        requestParameters: i % 11 === 0 ? null : { keyId: keyArn, n: i },
      });
      const metadata = { ...usualMetadata(operation), time: new Date(Date.parse('2031-05-04T10:00:00Z') + i * 1500).toISOString(), eventType: i % 13 === 0 ? 'AwsServiceEvent' : 'AwsApiCall' };
      events.push({ type: 'KmsCallRecorded', data, metadata });
    }
    await store.append('kmscall-111122223333_eu-west-3_20310504', events);
  });
  afterAll(() => store.close());

  async function batches(withText: boolean, range = {}): Promise<TrailRecordBatch[]> {
    const source = new InProcessRecordSource(store, new CloudTrailReplay(store, new KeyLocator(store)), withText ? new SqliteEventTextLog(store) : undefined);
    const out: TrailRecordBatch[] = [];
    for await (const batch of source.batches(range)) out.push(batch);
    return out;
  }

  it('gives the batches the parsed path gives, within any range', async () => {
    const ranges = [{}, { from: new Date('2031-05-04T10:05:00Z'), to: new Date('2031-05-04T10:10:00Z') }, { account: '444455556666' }, { account: '111122223333' }];
    for (const range of ranges) {
      const fromText = await batches(true, range);
      const parsed = await batches(false, range);
      expect(fromText.map((b) => Buffer.from(b.text).toString('utf8'))).toEqual(parsed.map((b) => Buffer.from(b.text).toString('utf8')));
      expect(fromText.map((b) => [...b.timeMs])).toEqual(parsed.map((b) => [...b.timeMs]));
      expect(fromText.map((b) => [...b.channelOf])).toEqual(parsed.map((b) => [...b.channelOf]));
      expect(fromText.map((b) => b.channels)).toEqual(parsed.map((b) => b.channels));
    }
    expect((await batches(true)).reduce((n, b) => n + b.count, 0)).toBe(600);
  });
});
