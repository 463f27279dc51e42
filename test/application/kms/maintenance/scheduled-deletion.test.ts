import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandHandler } from '../../../../src/application/command-handler.js';
import { KeyMaintenanceError } from '../../../../src/application/kms/maintenance/maintenance-report.js';
import { kmsServiceEventContext } from '../../../../src/application/kms/maintenance/service-event-context.js';
import { shredStream } from '../../../../src/application/kms/maintenance/shredding-ledger.js';
import { materialStream } from '../../../../src/application/material/backing-key-ledger.js';
import { MaterialService } from '../../../../src/application/material/material-service.js';
import { StreamDeletedError } from '../../../../src/application/ports/event-store-errors.js';
import { aliasRegistryStream } from '../../../../src/domain/alias/alias-stream.js';
import { keyDecider, keyStream } from '../../../../src/domain/key/index.js';
import { ACCOUNT_A, REGION, ROOT_A, START_TIME } from '../support/kms-fixture.js';
import { MaintenanceFixture, plusDays, plusMs } from './support/maintenance-fixture.js';

const PLAINTEXT = new Uint8Array([4, 2]);
const NOTHING = { rotated: [], deleted: [] };

describe('key deletion when the waiting period ends', () => {
  let kms: MaintenanceFixture;
  beforeEach(() => {
    kms = new MaintenanceFixture();
  });
  afterEach(async () => {
    await kms.close();
  });

  /** A key with aliases and a ciphertext, scheduled for deletion `days` from START_TIME. */
  async function doomedKey(days = 7, aliases = ['alias/doomed']): Promise<{ keyId: string; arn: string; blob: Uint8Array; deletionDate: Date }> {
    const key = await kms.createKey();
    for (const alias of aliases) await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: alias, TargetKeyId: key.keyId });
    const blob = (await kms.invoke(ROOT_A, 'Encrypt', { KeyId: key.keyId, Plaintext: PLAINTEXT }))['CiphertextBlob'] as Uint8Array;
    const scheduled = await kms.invoke(ROOT_A, 'ScheduleKeyDeletion', { KeyId: key.keyId, PendingWindowInDays: days });
    const deletionDate = scheduled['DeletionDate'] as Date;
    expect(deletionDate).toEqual(plusDays(START_TIME, days));
    return { ...key, blob, deletionDate };
  }

  async function materialIsShredded(keyId: string): Promise<boolean> {
    try {
      await kms.streamTypes(materialStream(keyId));
      return false;
    } catch (e) {
      if (e instanceof StreamDeletedError) return true;
      throw e;
    }
  }

  async function aliasNames(): Promise<string[]> {
    const out = await kms.invoke(ROOT_A, 'ListAliases');
    return (out['Aliases'] as { AliasName: string }[]).map((a) => a.AliasName);
  }

  it('deletes the key exactly when the window ends: aliases gone, material shredded, history kept, old ciphertexts undecryptable', async () => {
    const kept = await kms.createKey();
    await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/kept', TargetKeyId: kept.keyId });
    const { keyId, arn, blob, deletionDate } = await doomedKey(7, ['alias/doomed', 'alias/doomed-too']);

    expect(await kms.maintenance.runDue(plusMs(deletionDate.toISOString(), -1))).toEqual(NOTHING);
    expect(((await kms.invoke(ROOT_A, 'DescribeKey', { KeyId: keyId }))['KeyMetadata'] as { KeyState: string }).KeyState).toBe('PendingDeletion');

    expect(await kms.maintenance.runDue(deletionDate)).toEqual({ rotated: [], deleted: [keyId] });

    kms.time = plusDays(deletionDate.toISOString(), 1).toISOString();
    expect(await aliasNames()).toEqual(['alias/kept']);
    expect(await materialIsShredded(keyId)).toBe(true);
    expect(await materialIsShredded(kept.keyId)).toBe(false);
    await expect(kms.streamTypes(materialStream(keyId))).rejects.toBeInstanceOf(StreamDeletedError);
    expect(await kms.streamTypes(keyStream(keyId))).toEqual(['KeyCreated', 'PolicyPut', 'KeyDeletionScheduled', 'KeyDeleted']);
    expect(await kms.errorOf(ROOT_A, 'Decrypt', { CiphertextBlob: blob })).toEqual({ code: 'NotFoundException', message: `Key '${arn}' does not exist` });
    expect((await kms.errorOf(ROOT_A, 'DescribeKey', { KeyId: keyId })).code).toBe('NotFoundException');
    await kms.schedule.catchUp();
    expect(kms.schedule.scheduleOf(keyId)).toBeNull();
  });

  it('records every step as one DeleteKey service event in the key owner\'s account', async () => {
    const { keyId, deletionDate } = await doomedKey(30, ['alias/a', 'alias/b']);
    await kms.maintenance.runDue(plusDays(deletionDate.toISOString(), 2));
    const [deleted] = await kms.events((e) => e.type === 'KeyDeleted');
    expect(deleted!.data).toEqual({ keyId, deletionDate: plusDays(deletionDate.toISOString(), 2).toISOString() });
    expect(deleted!.metadata).toMatchObject({
      eventType: 'AwsServiceEvent',
      operation: 'DeleteKey',
      region: REGION,
      caller: { type: 'AWSService', accountId: ACCOUNT_A, invokedBy: 'kms.amazonaws.com' },
    });
    const sameEvent = await kms.eventsOfRequest(deleted!.metadata['requestId'] as string);
    expect(sameEvent.map((e) => [e.stream, e.type])).toEqual([
      [keyStream(keyId), 'KeyDeleted'],
      [aliasRegistryStream(ACCOUNT_A, REGION), 'AliasDeleted'],
      [aliasRegistryStream(ACCOUNT_A, REGION), 'AliasDeleted'],
      [shredStream(keyId), 'KeyMaterialShredded'],
    ]);
    expect(sameEvent.every((e) => e.metadata['eventId'] === deleted!.metadata['eventId'])).toBe(true);
    expect(sameEvent[1]!.data).toMatchObject({ aliasName: 'alias/a', reason: 'KeyDeleted' });
  });

  it('does nothing the second time it runs', async () => {
    const { keyId, deletionDate } = await doomedKey();
    expect((await kms.maintenance.runDue(deletionDate)).deleted).toEqual([keyId]);
    const before = (await kms.events()).length;
    expect(await kms.maintenance.runDue(deletionDate)).toEqual(NOTHING);
    expect(await kms.maintenance.runDue(plusDays(deletionDate.toISOString(), 400))).toEqual(NOTHING);
    expect((await kms.events()).length).toBe(before);
  });

  it('two runs at once (two nodes) finish each deletion once', async () => {
    const keys = await Promise.all([1, 2, 3].map(() => doomedKey(7, [])));
    const runs = await Promise.all([kms.maintenance.runDue(keys[0]!.deletionDate), kms.maintenance.runDue(keys[0]!.deletionDate)]);
    expect(runs.flatMap((r) => r.deleted).sort()).toEqual(keys.map((k) => k.keyId).sort());
    for (const { keyId } of keys) {
      expect(await kms.streamTypes(keyStream(keyId))).toEqual(['KeyCreated', 'PolicyPut', 'KeyDeletionScheduled', 'KeyDeleted']);
      expect(await kms.streamTypes(shredStream(keyId))).toEqual(['KeyMaterialShredded']);
    }
  });

  it('finishes at the next run a deletion that crashed between DeleteKey and the shredding, without holding up other keys', async () => {
    const crashing = await doomedKey(7, ['alias/crashing']);
    const other = await doomedKey(7, ['alias/other']);
    const material = kms.container.get(MaterialService);
    const shred = material.shred.bind(material);
    vi.spyOn(material, 'shred').mockImplementation(async (keyId) => {
      if (keyId === crashing.keyId) throw new Error('the process died here');
      return shred(keyId);
    });

    const error = await kms.maintenance.runDue(crashing.deletionDate).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KeyMaintenanceError);
    const failed = error as KeyMaintenanceError;
    expect(failed.failures.map((f) => [f.keyId, f.action])).toEqual([[crashing.keyId, 'deletion']]);
    expect(failed.outcome).toEqual({ rotated: [], deleted: [other.keyId] });

    expect((await kms.errorOf(ROOT_A, 'DescribeKey', { KeyId: crashing.keyId })).code).toBe('NotFoundException');
    expect(await aliasNames()).toEqual([]);
    expect(await materialIsShredded(crashing.keyId)).toBe(false);
    await kms.schedule.catchUp();
    expect(kms.schedule.scheduleOf(crashing.keyId)?.keyState).toBe('Deleted');

    vi.mocked(material.shred).mockRestore();
    expect(await kms.maintenance.runDue(crashing.deletionDate)).toEqual({ rotated: [], deleted: [crashing.keyId] });
    expect(await materialIsShredded(crashing.keyId)).toBe(true);
    const [deleted] = await kms.events((e) => e.type === 'KeyDeleted' && e.stream === keyStream(crashing.keyId));
    const [shredded] = await kms.events((e) => e.stream === shredStream(crashing.keyId));
    expect(shredded!.metadata['requestId']).toBe(deleted!.metadata['requestId']);
    expect(await kms.maintenance.runDue(crashing.deletionDate)).toEqual(NOTHING);
  });

  it('finishes, as the same service event, a deletion whose run died right after DeleteKey', async () => {
    const { keyId, deletionDate } = await doomedKey(7, ['alias/left-behind']);
    const context = kmsServiceEventContext('DeleteKey', { accountId: ACCOUNT_A, region: REGION }, deletionDate);
    await kms.container.get(CommandHandler).handle(keyDecider, keyStream(keyId), { type: 'DeleteKey', keyId, now: context.time }, context);

    kms.time = plusDays(deletionDate.toISOString(), 1).toISOString();
    expect(await aliasNames()).toEqual(['alias/left-behind']);
    expect(await kms.maintenance.runDue(plusDays(deletionDate.toISOString(), 1))).toEqual({ rotated: [], deleted: [keyId] });
    expect(await aliasNames()).toEqual([]);
    expect(await materialIsShredded(keyId)).toBe(true);
    const finishing = await kms.eventsOfRequest(context.requestId);
    expect(finishing.map((e) => e.type)).toEqual(['KeyDeleted', 'AliasDeleted', 'KeyMaterialShredded']);
  });

  it('is done by the timer at the clock\'s time, once the window has ended', async () => {
    const { keyId, deletionDate } = await doomedKey();
    kms.clock.time = plusMs(deletionDate.toISOString(), -1);
    const runs = vi.spyOn(kms.maintenance, 'runDue');
    kms.maintenance.start(5);
    // Runs keep coming and find nothing before the date.
    await vi.waitFor(() => expect(runs.mock.settledResults.filter((r) => r.type === 'fulfilled').length).toBeGreaterThanOrEqual(2));
    expect(runs.mock.settledResults.map((r) => r.value)).toContainEqual(NOTHING);
    expect(await materialIsShredded(keyId)).toBe(false);
    kms.clock.time = deletionDate;
    await vi.waitFor(async () => expect(await materialIsShredded(keyId)).toBe(true), { timeout: 5_000 });
    await kms.maintenance.stop();
    const [deleted] = await kms.events((e) => e.type === 'KeyDeleted');
    expect(deleted!.metadata['time']).toBe(deletionDate.toISOString());
  });

  describe('racing a CancelKeyDeletion', () => {
    it('the cancel that lands between the deletion\'s read and its write wins: the key stays, disabled, with its material', async () => {
      const { keyId, blob, deletionDate } = await doomedKey();
      let raced = false;
      kms.beforeAppend(async (stream, events) => {
        if (raced || stream !== keyStream(keyId) || !events.some((e) => e.type === 'KeyDeleted')) return;
        raced = true;
        await kms.invoke(ROOT_A, 'CancelKeyDeletion', { KeyId: keyId });
      });
      expect(await kms.maintenance.runDue(deletionDate)).toEqual(NOTHING);
      expect(raced).toBe(true);
      expect(await kms.streamTypes(keyStream(keyId))).toEqual(['KeyCreated', 'PolicyPut', 'KeyDeletionScheduled', 'KeyDeletionCanceled']);
      expect(await aliasNames()).toEqual(['alias/doomed']);
      await kms.invoke(ROOT_A, 'EnableKey', { KeyId: keyId });
      expect(new Uint8Array((await kms.invoke(ROOT_A, 'Decrypt', { CiphertextBlob: blob }))['Plaintext'] as Uint8Array)).toEqual(PLAINTEXT);
      expect(await kms.maintenance.runDue(plusDays(deletionDate.toISOString(), 60))).toEqual(NOTHING);
    });

    it('the deletion that lands between the cancel\'s read and its write wins: the cancel fails with NotFoundException', async () => {
      const { keyId, deletionDate } = await doomedKey();
      let outcome: unknown = null;
      kms.beforeAppend(async (stream, events) => {
        if (outcome !== null || stream !== keyStream(keyId) || !events.some((e) => e.type === 'KeyDeletionCanceled')) return;
        outcome = await kms.maintenance.runDue(deletionDate);
      });
      kms.time = deletionDate.toISOString();
      expect(await kms.errorOf(ROOT_A, 'CancelKeyDeletion', { KeyId: keyId })).toMatchObject({ code: 'NotFoundException' });
      expect(outcome).toEqual({ rotated: [], deleted: [keyId] });
      expect(await kms.streamTypes(keyStream(keyId))).toEqual(['KeyCreated', 'PolicyPut', 'KeyDeletionScheduled', 'KeyDeleted']);
      expect(await materialIsShredded(keyId)).toBe(true);
    });

    it('run at the same moment, exactly one of them happens', async () => {
      const keys = await Promise.all([1, 2, 3, 4].map(() => doomedKey(7, [])));
      const deletionDate = keys[0]!.deletionDate;
      kms.time = deletionDate.toISOString();
      const [run, ...cancels] = await Promise.allSettled([
        kms.maintenance.runDue(deletionDate),
        ...keys.map((k) => kms.invoke(ROOT_A, 'CancelKeyDeletion', { KeyId: k.keyId })),
      ]);
      expect(run!.status).toBe('fulfilled');
      const deleted = (run as PromiseFulfilledResult<{ deleted: string[] }>).value.deleted;
      for (const [i, key] of keys.entries()) {
        const canceled = cancels[i]!.status === 'fulfilled';
        expect(deleted.includes(key.keyId)).toBe(!canceled);
        const types = await kms.streamTypes(keyStream(key.keyId));
        expect(types.filter((t) => t === 'KeyDeleted' || t === 'KeyDeletionCanceled')).toEqual([canceled ? 'KeyDeletionCanceled' : 'KeyDeleted']);
        expect(await materialIsShredded(key.keyId)).toBe(!canceled);
      }
    });
  });
});
