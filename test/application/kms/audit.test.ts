import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCallRecord, callRecordStream, loggedRequestParameters, loggedResponseElements } from '../../../src/application/kms/call-record.js';
import { KmsCall } from '../../../src/application/kms/kms-call.js';
import { KmsOperationsService } from '../../../src/application/kms/kms-operations-service.js';
import { KmsError } from '../../../src/domain/errors.js';
import { ACCOUNT_A, CAROL, KmsFixture, REGION, ROOT_A } from './support/kms-fixture.js';

const text = (s: string) => new Uint8Array(Buffer.from(s));

describe('the audit record of every call', () => {
  let kms: KmsFixture;
  beforeEach(() => {
    kms = new KmsFixture();
  });
  afterEach(async () => {
    await kms.close();
  });

  /** A call's record: its domain events (one append) or one call record, never both, never none. */
  async function expectOneRecord(): Promise<'events' | 'callRecord'> {
    const events = await kms.eventsOfLastCall();
    const callRecords = events.filter((e) => e.type === 'KmsCallRecorded');
    const domain = events.filter((e) => e.type !== 'KmsCallRecorded');
    expect(events.length).toBeGreaterThan(0);
    if (callRecords.length > 0) {
      expect(callRecords).toHaveLength(1);
      expect(domain).toHaveLength(0);
      return 'callRecord';
    }
    expect(new Set(domain.map((e) => e.stream)).size).toBe(1);
    for (const event of domain) expect(event.metadata['eventId']).toBe(kms.lastCall!.eventId);
    return 'events';
  }

  it('is the domain events for a change, one call record for anything else', async () => {
    await kms.identity(CAROL);
    const { keyId } = await kms.createKey();
    expect(await expectOneRecord()).toBe('events');
    const script: [string, Record<string, unknown>, 'events' | 'callRecord', typeof ROOT_A?][] = [
      ['DescribeKey', { KeyId: keyId }, 'callRecord'],
      ['DisableKey', { KeyId: keyId }, 'events'],
      ['DisableKey', { KeyId: keyId }, 'callRecord'],
      ['EnableKey', { KeyId: keyId }, 'events'],
      ['Encrypt', { KeyId: keyId, Plaintext: text('x') }, 'callRecord'],
      ['Encrypt', { KeyId: keyId, Plaintext: text('x') }, 'callRecord', CAROL],
      ['CreateAlias', { AliasName: 'alias/a', TargetKeyId: keyId }, 'events'],
      ['CreateAlias', { AliasName: 'alias/a', TargetKeyId: keyId }, 'callRecord'],
      ['TagResource', { KeyId: keyId, Tags: [{ TagKey: 't', TagValue: 'v' }] }, 'events'],
      ['ListKeys', {}, 'callRecord'],
      ['GenerateRandom', { NumberOfBytes: 8 }, 'callRecord'],
      ['ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 }, 'events'],
      ['DisableKey', { KeyId: keyId }, 'callRecord'],
      ['NoSuchOperation', {}, 'callRecord'],
      ['DisableKey', { KeyId: keyId, DryRun: true }, 'callRecord'],
    ];
    for (const [operation, input, expected, caller] of script) {
      await kms.invoke(caller ?? ROOT_A, operation, input).catch(() => undefined);
      expect([operation, await expectOneRecord()]).toEqual([operation, expected]);
    }
  });

  it('records a call the wire layer refused, without the secrets of its raw input', async () => {
    const service = kms.container.get(KmsOperationsService);
    const context = kms.context(ROOT_A, 'Encrypt');
    const raw = { KeyId: 'alias/x', Plaintext: 'c2VjcmV0', GrantTokens: ['token-text'] };
    await service.recordRejected('Encrypt', raw, context, new KmsError('ValidationException', 'bad input'));
    const records = await kms.eventsOfRequest(context.requestId);
    expect(records.map((e) => e.data)).toEqual([
      expect.objectContaining({ operation: 'Encrypt', requestParameters: { keyId: 'alias/x' }, errorCode: 'ValidationException', errorMessage: 'bad input' }),
    ]);
  });

  it('writes call records to one stream per caller account, Region and day', () => {
    expect(callRecordStream(ACCOUNT_A, REGION, '2031-05-04T23:59:59.999Z')).toBe(`kmscall-${ACCOUNT_A}_${REGION}_20310504`);
  });

  it('logs request parameters in CloudTrail casing, never a secret, and response elements of changes only', () => {
    const input = {
      KeyId: 'k',
      Plaintext: text('secret'),
      EncryptionContext: { CamelKey: 'v' },
      GrantTokens: ['token'],
      Constraints: { EncryptionContextSubset: { Dept: 'hr' } },
    };
    expect(loggedRequestParameters(input)).toEqual({ keyId: 'k', encryptionContext: { CamelKey: 'v' }, constraints: { encryptionContextSubset: { Dept: 'hr' } } });
    expect(loggedRequestParameters({})).toBeNull();
    expect(loggedResponseElements('Encrypt', { CiphertextBlob: text('c'), KeyId: 'k' })).toBeNull();
    expect(loggedResponseElements('CreateGrant', { GrantToken: 'token', GrantId: 'g' })).toEqual({ grantId: 'g' });
    expect(loggedResponseElements('ScheduleKeyDeletion', { KeyId: 'arn', DeletionDate: new Date('2031-05-11T12:00:00.000Z') })).toEqual({
      keyId: 'arn',
      deletionDate: '2031-05-11T12:00:00.000Z',
    });
    const call = new KmsCall(kms.context(ROOT_A, 'Decrypt'), 'Decrypt', { CiphertextBlob: text('c') });
    const internal = buildCallRecord(call, { kind: 'failed', error: new Error('disk on fire') });
    expect(internal.event.data).toMatchObject({ errorCode: 'KMSInternalException', errorMessage: 'An internal error occurred.', requestParameters: null });
    const refused = buildCallRecord(call, { kind: 'failed', error: new KmsError('DisabledException', 'k is disabled.') });
    expect(refused.event.data).toMatchObject({ errorCode: 'DisabledException', errorMessage: 'k is disabled.' });
  });
});
