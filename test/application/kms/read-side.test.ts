import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KMS_READ_SQL } from '../../../projections/kms-read-side/kms-read-queries.js';
import { KMS_READ_MODELS } from '../../../projections/kms-read-side/sqlite-kms-read-side.js';
import { SqliteTemporalReadSide } from '../../../projections/temporal/temporal-read-side.js';
import { CommandHandler } from '../../../src/application/command-handler.js';
import { KmsReadSide } from '../../../src/application/kms/kms-read-side.js';
import { encodeMarker } from '../../../src/application/kms/pagination.js';
import type { GlobalPosition } from '../../../src/application/ports/event-store.js';
import { keyDecider, keyStream } from '../../../src/domain/key/index.js';
import { ACCOUNT_A, ALICE, KmsFixture, REGION, ROOT_A } from './support/kms-fixture.js';

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
    for (const runner of kms.container.get(SqliteTemporalReadSide).projectionRunners) await runner.rebuild();
    const after = [await kms.invoke(ROOT_A, 'ListKeys'), await kms.invoke(ROOT_A, 'ListAliases'), await kms.invoke(ROOT_A, 'ListGrants', { KeyId: keyId })];
    expect(after).toEqual(before);
    expect((before[1] as { Aliases: unknown[] }).Aliases).toHaveLength(1);
    expect((before[2] as { Grants: unknown[] }).Grants).toHaveLength(1);
  });
});

describe('the KMS read side reads the temporal read models', () => {
  let kms: KmsFixture;
  beforeEach(() => {
    kms = new KmsFixture();
  });
  afterEach(async () => {
    await kms.close();
  });

  const headPosition = async (): Promise<GlobalPosition> => (await kms.store.headPosition())!;

  it('answers Describe*, Get* and List* on a key from its open versions, with what was just written', async () => {
    const { keyId } = await kms.createKey(ROOT_A, { Tags: [{ TagKey: 'team', TagValue: 'payroll' }] });
    await kms.invoke(ROOT_A, 'UpdateKeyDescription', { KeyId: keyId, Description: 'written just now' });
    await kms.invoke(ROOT_A, 'EnableKeyRotation', { KeyId: keyId, RotationPeriodInDays: 90 });
    await kms.invoke(ROOT_A, 'RotateKeyOnDemand', { KeyId: keyId });
    // Read-your-writes: each answer already holds the call before it.
    expect(((await kms.invoke(ROOT_A, 'DescribeKey', { KeyId: keyId })) as { KeyMetadata: { Description: string } }).KeyMetadata.Description).toBe('written just now');
    expect(await kms.invoke(ROOT_A, 'GetKeyRotationStatus', { KeyId: keyId })).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 90 });
    expect(((await kms.invoke(ROOT_A, 'ListKeyRotations', { KeyId: keyId })) as { Rotations: unknown[] }).Rotations).toHaveLength(1);

    // What the read models hold is what is answered: change the open versions behind the operations' back.
    const open = `key_id = '${keyId}' AND to_commit IS NULL`;
    kms.db.exec(`UPDATE tt_keys SET description = 'from the read model', tags = '[["team","audit"]]', rotation_period_days = 365 WHERE ${open};
      UPDATE tt_key_policies SET policy = '{"read":"model"}' WHERE ${open};
      UPDATE tt_backing_keys SET created_at = '2040-01-01T00:00:00.000Z' WHERE ${open} AND version = 2;`);
    expect(await kms.invoke(ROOT_A, 'DescribeKey', { KeyId: keyId })).toMatchObject({ KeyMetadata: { Description: 'from the read model' } });
    expect(await kms.invoke(ROOT_A, 'GetKeyPolicy', { KeyId: keyId })).toEqual({ Policy: '{"read":"model"}', PolicyName: 'default' });
    expect(await kms.invoke(ROOT_A, 'ListResourceTags', { KeyId: keyId })).toEqual({ Tags: [{ TagKey: 'team', TagValue: 'audit' }], Truncated: false });
    expect(await kms.invoke(ROOT_A, 'GetKeyRotationStatus', { KeyId: keyId })).toMatchObject({ RotationPeriodInDays: 365 });
    expect(await kms.invoke(ROOT_A, 'ListKeyRotations', { KeyId: keyId })).toMatchObject({ Rotations: [{ RotationDate: new Date('2040-01-01T00:00:00.000Z') }] });
  });

  it('answers every list and look-up as of an earlier position too', async () => {
    const readSide = kms.container.get<KmsReadSide>(KmsReadSide);
    const first = await kms.createKey();
    await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/moving', TargetKeyId: first.keyId });
    const { GrantId: grantId } = (await kms.invoke(ROOT_A, 'CreateGrant', {
      KeyId: first.keyId, GranteePrincipal: ALICE.arn, RetiringPrincipal: ALICE.arn, Operations: ['Decrypt'],
    })) as { GrantId: string };
    const before = { position: await headPosition() };

    const second = await kms.createKey();
    await kms.invoke(ROOT_A, 'UpdateAlias', { AliasName: 'alias/moving', TargetKeyId: second.keyId });
    await kms.invoke(ROOT_A, 'RetireGrant', { KeyId: first.keyId, GrantId: grantId });
    await readSide.catchUp();

    const page = { limit: 10, after: null };
    expect(readSide.listKeys(ACCOUNT_A, REGION, page, before).items.map((k) => k.keyId)).toEqual([first.keyId]);
    expect(readSide.listKeys(ACCOUNT_A, REGION, page).items.map((k) => k.keyId)).toEqual([first.keyId, second.keyId]);
    expect(readSide.findAlias(ACCOUNT_A, REGION, 'alias/moving', before)?.targetKeyId).toBe(first.keyId);
    expect(readSide.findAlias(ACCOUNT_A, REGION, 'alias/moving')?.targetKeyId).toBe(second.keyId);
    expect(readSide.aliasesOfKey(first.keyId, before)).toEqual(['alias/moving']);
    expect(readSide.aliasesOfKey(first.keyId)).toEqual([]);
    expect(readSide.listAliases(ACCOUNT_A, REGION, first.keyId, page, before).items.map((a) => a.aliasName)).toEqual(['alias/moving']);
    expect(readSide.listAliases(ACCOUNT_A, REGION, null, page, before).items.map((a) => a.targetKeyId)).toEqual([first.keyId]);
    expect(readSide.listAliases(ACCOUNT_A, REGION, null, page).items.map((a) => a.targetKeyId)).toEqual([second.keyId]);
    expect(readSide.listGrants(first.keyId, {}, page, before).items.map((g) => g.grantId)).toEqual([grantId]);
    expect(readSide.listGrants(first.keyId, {}, page).items).toEqual([]);
    expect(readSide.listRetirableGrants(REGION, ALICE.arn, page, before).items.map((g) => g.keyArn)).toEqual([first.arn]);
    expect(readSide.listRetirableGrants(REGION, ALICE.arn, page).items).toEqual([]);
    expect(readSide.findGrant(grantId, before)?.granteePrincipal).toBe(ALICE.arn);
    expect(readSide.findGrant(grantId)).toBeNull();
  });

  it('pages keys and grants in creation order by the position that created them, and refuses a cursor it did not make', async () => {
    const keys = [await kms.createKey(), await kms.createKey(), await kms.createKey()];
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const out = (await kms.invoke(ROOT_A, 'ListKeys', { Limit: 1, ...(marker === undefined ? {} : { Marker: marker }) })) as { Keys: { KeyId: string }[]; NextMarker?: string };
      seen.push(...out.Keys.map((k) => k.KeyId));
      marker = out.NextMarker;
    } while (marker !== undefined);
    expect(seen).toEqual(keys.map((k) => k.keyId));
    const madeUp = encodeMarker('ListKeys', 'seq 7');
    expect((await kms.errorOf(ROOT_A, 'ListKeys', { Marker: madeUp })).code).toBe('InvalidMarkerException');
    expect((await kms.errorOf(ROOT_A, 'ListGrants', { KeyId: keys[0]!.keyId, Marker: encodeMarker('ListGrants', '1.x') })).code).toBe('InvalidMarkerException');
  });
});

describe('the KMS queries as of now', () => {
  it('page through the partial indexes of open versions, not through history', async () => {
    const kms = new KmsFixture();
    try {
      await kms.createKey();
      await kms.invoke(ROOT_A, 'ListKeys');
      for (const runner of kms.container.get(SqliteTemporalReadSide).projectionRunners) {
        if (KMS_READ_MODELS.includes(runner.projection)) await runner.whenLive();
      }
      const params = {
        account: ACCOUNT_A, region: REGION, name: 'alias/x', after: '', target: 'k', id: 'x', key: 'k', grantId: null, grantee: null,
        principal: ALICE.arn, afterCommit: 0, afterPrepare: 0, limit: 10,
      };
      const plan = (sql: string) =>
        (kms.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join('\n');
      expect(plan(KMS_READ_SQL.keys('now'))).toContain('USING INDEX tt_keys_c1');
      expect(plan(KMS_READ_SQL.aliases('now'))).toContain('USING INDEX tt_aliases_c1');
      expect(plan(KMS_READ_SQL.aliasesOfTarget('now'))).toContain('USING INDEX tt_aliases_c2');
      expect(plan(KMS_READ_SQL.aliasNamesOfKey('now'))).toContain('USING INDEX tt_aliases_c2');
      expect(plan(KMS_READ_SQL.grants('now'))).toContain('USING INDEX tt_grants_c1');
      expect(plan(KMS_READ_SQL.retirableGrants('now'))).toContain('USING INDEX tt_grants_c2');
    } finally {
      await kms.close();
    }
  });
});
