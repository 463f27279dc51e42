import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyMaterial } from '../../../../src/application/kms/key-material.js';
import { materialStream } from '../../../../src/application/material/backing-key-ledger.js';
import { MaterialService } from '../../../../src/application/material/material-service.js';
import { keyStream } from '../../../../src/domain/key/index.js';
import { kmsServiceEventContext } from '../../../../src/application/kms/maintenance/service-event-context.js';
import { ACCOUNT_A, REGION, ROOT_A, START_TIME } from '../support/kms-fixture.js';
import { MaintenanceFixture, plusDays, plusMs } from './support/maintenance-fixture.js';

const PLAINTEXT = new Uint8Array([7, 7, 7, 1]);

describe('automatic key rotation when due', () => {
  let kms: MaintenanceFixture;
  beforeEach(() => {
    kms = new MaintenanceFixture();
  });
  afterEach(async () => {
    await kms.close();
  });

  async function rotatingKey(periodInDays: number): Promise<{ keyId: string; arn: string; due: Date }> {
    const key = await kms.createKey();
    await kms.invoke(ROOT_A, 'EnableKeyRotation', { KeyId: key.keyId, RotationPeriodInDays: periodInDays });
    return { ...key, due: plusDays(START_TIME, periodInDays) };
  }

  it('rotates exactly when due, with a new backing key version, and old ciphertexts still decrypt', async () => {
    const { keyId, due } = await rotatingKey(90);
    const old = (await kms.invoke(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: PLAINTEXT }))['CiphertextBlob'] as Uint8Array;

    expect(await kms.maintenance.runDue(plusMs(due.toISOString(), -1))).toEqual({ rotated: [], deleted: [] });
    expect(await kms.streamTypes(keyStream(keyId))).not.toContain('KeyRotated');

    expect(await kms.maintenance.runDue(due)).toEqual({ rotated: [keyId], deleted: [] });

    kms.time = plusDays(due.toISOString(), 1).toISOString();
    const rotations = await kms.invoke(ROOT_A, 'ListKeyRotations', { KeyId: keyId });
    expect(rotations['Rotations']).toEqual([{ KeyId: keyId, RotationDate: due, RotationType: 'AUTOMATIC' }]);
    const material = kms.container.get(KeyMaterial);
    const fresh = (await kms.invoke(ROOT_A, 'Encrypt', { KeyId: keyId, Plaintext: PLAINTEXT }))['CiphertextBlob'] as Uint8Array;
    expect(material.header(old).backingKeyVersion).toBe(1);
    expect(material.header(fresh).backingKeyVersion).toBe(2);
    expect(await kms.streamTypes(materialStream(keyId))).toEqual(['BackingKeyGenerated', 'BackingKeyGenerated']);
    for (const blob of [old, fresh]) {
      expect(new Uint8Array((await kms.invoke(ROOT_A, 'Decrypt', { CiphertextBlob: blob }))['Plaintext'] as Uint8Array)).toEqual(PLAINTEXT);
    }

    const next = plusDays(due.toISOString(), 90);
    expect((await kms.invoke(ROOT_A, 'GetKeyRotationStatus', { KeyId: keyId }))['NextRotationDate']).toEqual(next);
    await kms.schedule.catchUp();
    expect(kms.schedule.scheduleOf(keyId)?.nextRotationDate).toBe(next.toISOString());
  });

  it('records the rotation as a KMS service event in the key owner\'s account', async () => {
    const { keyId, due } = await rotatingKey(180);
    await kms.maintenance.runDue(due);
    const [rotated] = await kms.events((e) => e.type === 'KeyRotated');
    expect(rotated!.stream).toBe(keyStream(keyId));
    expect(rotated!.data).toMatchObject({ keyId, rotationType: 'AUTOMATIC', backingKeyVersion: 2, rotationDate: due.toISOString() });
    expect(rotated!.metadata).toMatchObject({
      eventType: 'AwsServiceEvent',
      operation: 'RotateKey',
      time: due.toISOString(),
      region: REGION,
      caller: { type: 'AWSService', accountId: ACCOUNT_A, invokedBy: 'kms.amazonaws.com' },
    });
    // The backing key version was made within the same service event.
    const [generated] = await kms.events((e) => e.stream === materialStream(keyId) && e.revision === 1n);
    expect(generated!.metadata['requestId']).toBe(rotated!.metadata['requestId']);
  });

  it('moves the next rotation by the period each time, and a second run at the same time does nothing', async () => {
    const { keyId, due } = await rotatingKey(90);
    expect((await kms.maintenance.runDue(due)).rotated).toEqual([keyId]);
    const eventsAfterFirst = (await kms.events()).length;
    expect(await kms.maintenance.runDue(due)).toEqual({ rotated: [], deleted: [] });
    expect((await kms.events()).length).toBe(eventsAfterFirst);

    const second = plusDays(due.toISOString(), 90);
    expect((await kms.maintenance.runDue(plusMs(second.toISOString(), -1))).rotated).toEqual([]);
    expect((await kms.maintenance.runDue(second)).rotated).toEqual([keyId]);
    await kms.schedule.catchUp();
    expect(kms.schedule.scheduleOf(keyId)?.nextRotationDate).toBe(plusDays(second.toISOString(), 90).toISOString());
  });

  it('two runs at once (two nodes) rotate each key once', async () => {
    const keys = await Promise.all([1, 2, 3].map(() => rotatingKey(90)));
    const due = keys[0]!.due;
    const runs = await Promise.all([kms.maintenance.runDue(due), kms.maintenance.runDue(due)]);
    expect(runs.flatMap((r) => r.rotated).sort()).toEqual(keys.map((k) => k.keyId).sort());
    for (const { keyId } of keys) {
      expect((await kms.streamTypes(keyStream(keyId))).filter((t) => t === 'KeyRotated')).toHaveLength(1);
      expect(await kms.streamTypes(materialStream(keyId))).toHaveLength(2);
    }
  });

  it('rotates neither a key with rotation off nor a disabled key; a key enabled again after its date rotates at the next run', async () => {
    const off = await rotatingKey(90);
    await kms.invoke(ROOT_A, 'DisableKeyRotation', { KeyId: off.keyId });
    const disabled = await rotatingKey(90);
    await kms.invoke(ROOT_A, 'DisableKey', { KeyId: disabled.keyId });

    const later = plusDays(START_TIME, 100);
    expect(await kms.maintenance.runDue(later)).toEqual({ rotated: [], deleted: [] });
    await kms.invoke(ROOT_A, 'EnableKey', { KeyId: disabled.keyId });
    expect(await kms.maintenance.runDue(later)).toEqual({ rotated: [disabled.keyId], deleted: [] });
    expect(await kms.streamTypes(keyStream(off.keyId))).not.toContain('KeyRotated');
  });

  it('leaves one outcome when DisableKeyRotation lands between the rotation\'s read and its write', async () => {
    const { keyId, due } = await rotatingKey(90);
    let raced = false;
    kms.beforeAppend(async (stream, events) => {
      if (raced || stream !== keyStream(keyId) || !events.some((e) => e.type === 'KeyRotated')) return;
      raced = true;
      await kms.invoke(ROOT_A, 'DisableKeyRotation', { KeyId: keyId });
    });
    expect(await kms.maintenance.runDue(due)).toEqual({ rotated: [], deleted: [] });
    expect(raced).toBe(true);
    expect(await kms.streamTypes(keyStream(keyId))).toEqual(['KeyCreated', 'PolicyPut', 'KeyRotationEnabled', 'KeyRotationDisabled']);
    expect((await kms.invoke(ROOT_A, 'GetKeyRotationStatus', { KeyId: keyId }))['KeyRotationEnabled']).toBe(false);
    // The version made for the lost rotation is not orphaned: the next rotation takes it.
    const [made] = await kms.events((e) => e.stream === materialStream(keyId) && e.revision === 1n);
    await kms.invoke(ROOT_A, 'RotateKeyOnDemand', { KeyId: keyId });
    const [rotated] = await kms.events((e) => e.type === 'KeyRotated');
    expect(rotated!.data).toMatchObject({ rotationType: 'ON_DEMAND', backingKeyVersion: 2, backingKeyId: (made!.data as { backingKeyId: string }).backingKeyId });
  });

  it('finishes a rotation whose run died after making the material, with that material', async () => {
    const { keyId, due } = await rotatingKey(90);
    const { backingKeyId } = await kms.container.get(MaterialService).generate(keyId, 2, kmsServiceEventContext('RotateKey', { accountId: ACCOUNT_A, region: REGION }, due));
    expect(await kms.maintenance.runDue(due)).toEqual({ rotated: [keyId], deleted: [] });
    const [rotated] = await kms.events((e) => e.type === 'KeyRotated');
    expect(rotated!.data).toMatchObject({ backingKeyVersion: 2, backingKeyId });
    expect(await kms.streamTypes(materialStream(keyId))).toHaveLength(2);
  });
});

describe('a run with more due keys than one page of the schedule', () => {
  it('works through every page: deletions, then rotations', async () => {
    const kms = new MaintenanceFixture({ batchSize: 2 });
    try {
      const rotating: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { keyId } = await kms.createKey();
        await kms.invoke(ROOT_A, 'EnableKeyRotation', { KeyId: keyId, RotationPeriodInDays: 90 + i });
        rotating.push(keyId);
      }
      const doomed: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { keyId } = await kms.createKey();
        await kms.invoke(ROOT_A, 'ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 + i });
        doomed.push(keyId);
      }
      expect(await kms.maintenance.runDue(plusDays(START_TIME, 100))).toEqual({ rotated: rotating, deleted: doomed });
      expect(await kms.maintenance.runDue(plusDays(START_TIME, 100))).toEqual({ rotated: [], deleted: [] });
    } finally {
      await kms.close();
    }
  });
});
