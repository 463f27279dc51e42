import { afterAll, describe, expect, it } from 'vitest';
import { CloudTrailReplay } from '../../src/application/cloudtrail/cloudtrail-replay.js';
import { KeyLocator } from '../../src/application/cloudtrail/key-location.js';
import { CommandHandler } from '../../src/application/command-handler.js';
import { kmsServiceEventContext } from '../../src/application/kms/maintenance/service-event-context.js';
import { keyDecider, keyStream } from '../../src/domain/key/index.js';
import { ACCOUNT_A, ALICE, ALL_KMS, KmsFixture, REGION } from '../application/kms/support/kms-fixture.js';
import { replayAll } from './support/trail-fixture.js';

describe('service events and live records', () => {
  const kms = new KmsFixture();
  afterAll(() => kms.close());

  it('records the end of a deletion window as an AwsServiceEvent by KMS itself', async () => {
    await kms.identity(ALICE, { admin: ALL_KMS });
    const { keyId, arn } = await kms.createKey(ALICE);
    await kms.invoke(ALICE, 'ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 });
    const context = kmsServiceEventContext('DeleteKey', { accountId: ACCOUNT_A, region: REGION }, new Date('2031-05-12T00:00:00Z'));
    await kms.container.get(CommandHandler).handle(keyDecider, keyStream(keyId), { type: 'DeleteKey', keyId, now: context.time }, context);

    const deleted = (await replayAll(kms.store)).filter((r) => r.eventName === 'DeleteKey');
    expect(deleted).toEqual([
      {
        eventVersion: '1.11',
        userIdentity: { accountId: ACCOUNT_A, invokedBy: 'AWS Internal' },
        eventTime: '2031-05-12T00:00:00Z',
        eventSource: 'kms.amazonaws.com',
        eventName: 'DeleteKey',
        awsRegion: REGION,
        sourceIPAddress: 'AWS Internal',
        userAgent: 'AWS Internal',
        requestParameters: null,
        responseElements: { keyId: arn },
        eventID: context.eventId,
        readOnly: false,
        resources: [{ accountId: ACCOUNT_A, type: 'AWS::KMS::Key', ARN: arn }],
        eventType: 'AwsServiceEvent',
        managementEvent: true,
        recipientAccountId: ACCOUNT_A,
        eventCategory: 'Management',
      },
    ]);
  });

  it('streams the record of a call as soon as the call is durable', async () => {
    const replay = new CloudTrailReplay(kms.store, new KeyLocator(kms.store));
    const live = replay.live();
    const iterator = live[Symbol.asyncIterator]();
    const next = iterator.next();
    await kms.invoke(ALICE, 'GenerateRandom', { NumberOfBytes: 16 });
    const { value } = await next;
    expect(value!.record).toMatchObject({ eventName: 'GenerateRandom', requestID: kms.lastCall!.requestId, requestParameters: { numberOfBytes: 16 } });
    await live.stop();
  });
});
