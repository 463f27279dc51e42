import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteKmsReadSide } from '../../../projections/kms-read-side/sqlite-kms-read-side.js';
import { CommandHandler } from '../../../src/application/command-handler.js';
import { keyDecider, keyStream } from '../../../src/domain/key/index.js';
import { ALICE, KmsFixture, ROOT_A } from './support/kms-fixture.js';

describe('the KMS read side', () => {
  let kms: KmsFixture;
  beforeEach(() => {
    kms = new KmsFixture();
  });
  afterEach(async () => {
    await kms.close();
  });

  it('forgets a key, its grants and its listing once the key is deleted', async () => {
    const { keyId, arn } = await kms.createKey();
    const kept = await kms.createKey();
    await kms.invoke(ROOT_A, 'CreateGrant', { KeyId: keyId, GranteePrincipal: ALICE.arn, RetiringPrincipal: ALICE.arn, Operations: ['Decrypt'] });
    const blob = (await kms.invoke(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: new Uint8Array([1]) }))['CiphertextBlob'];
    await kms.invoke(ROOT_A, 'ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 });
    // The service's own timed action at the end of the waiting period.
    await kms.container.get(CommandHandler).handle(keyDecider, keyStream(keyId), { type: 'DeleteKey', keyId, now: '2031-05-12T00:00:00.000Z' }, {
      ...kms.context(ROOT_A, 'KeyDeletion'),
      eventType: 'AwsServiceEvent',
    });

    expect(await kms.invoke(ROOT_A, 'ListKeys')).toEqual({ Keys: [{ KeyId: kept.keyId, KeyArn: kept.arn }], Truncated: false });
    expect(await kms.invoke(ROOT_A, 'ListRetirableGrants', { RetiringPrincipal: ALICE.arn })).toEqual({ Grants: [], Truncated: false });
    expect((await kms.errorOf(ROOT_A, 'DescribeKey', { KeyId: keyId })).code).toBe('NotFoundException');
    expect(await kms.errorOf(ROOT_A, 'Decrypt', { CiphertextBlob: blob })).toEqual({ code: 'NotFoundException', message: `Key '${arn}' does not exist` });
  });

  it('rebuilds the same read models from the log', async () => {
    const { keyId } = await kms.createKey();
    await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/r', TargetKeyId: keyId });
    await kms.invoke(ROOT_A, 'CreateGrant', { KeyId: keyId, GranteePrincipal: ALICE.arn, Operations: ['Decrypt'] });
    const before = [await kms.invoke(ROOT_A, 'ListKeys'), await kms.invoke(ROOT_A, 'ListAliases'), await kms.invoke(ROOT_A, 'ListGrants', { KeyId: keyId })];
    for (const runner of kms.container.get(SqliteKmsReadSide).projectionRunners) await runner.rebuild();
    const after = [await kms.invoke(ROOT_A, 'ListKeys'), await kms.invoke(ROOT_A, 'ListAliases'), await kms.invoke(ROOT_A, 'ListGrants', { KeyId: keyId })];
    expect(after).toEqual(before);
    expect((before[1] as { Aliases: unknown[] }).Aliases).toHaveLength(1);
    expect((before[2] as { Grants: unknown[] }).Grants).toHaveLength(1);
  });
});
