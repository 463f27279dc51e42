import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_A, ALICE, CAROL, KmsFixture, REGION, ROOT_A, ROOT_B } from './support/kms-fixture.js';

type Page = { Truncated: boolean; NextMarker?: string };

describe('aliases and list operations', () => {
  let kms: KmsFixture;
  beforeEach(() => {
    kms = new KmsFixture();
  });
  afterEach(async () => {
    await kms.close();
  });

  it('creates, moves, lists and deletes aliases', async () => {
    const first = await kms.createKey();
    const second = await kms.createKey();
    await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/app', TargetKeyId: first.arn });
    expect((await kms.eventsOfLastCall()).map((e) => [e.type, e.stream])).toEqual([['AliasCreated', `kmsalias-${ACCOUNT_A}_${REGION}`]]);
    await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/other', TargetKeyId: second.keyId });
    expect(await kms.invoke(ROOT_A, 'ListAliases')).toEqual({
      Aliases: [
        { AliasName: 'alias/app', AliasArn: `arn:aws:kms:${REGION}:${ACCOUNT_A}:alias/app`, TargetKeyId: first.keyId, CreationDate: new Date(kms.time), LastUpdatedDate: new Date(kms.time) },
        { AliasName: 'alias/other', AliasArn: `arn:aws:kms:${REGION}:${ACCOUNT_A}:alias/other`, TargetKeyId: second.keyId, CreationDate: new Date(kms.time), LastUpdatedDate: new Date(kms.time) },
      ],
      Truncated: false,
    });

    kms.time = '2031-05-06T08:00:00.000Z';
    await kms.invoke(ROOT_A, 'UpdateAlias', { AliasName: 'alias/app', TargetKeyId: second.keyId });
    expect(((await kms.invoke(ROOT_A, 'DescribeKey', { KeyId: 'alias/app' }))['KeyMetadata'] as { KeyId: string }).KeyId).toBe(second.keyId);
    const forSecond = await kms.invoke(ROOT_A, 'ListAliases', { KeyId: second.keyId });
    expect((forSecond['Aliases'] as { AliasName: string; LastUpdatedDate: Date }[]).map((a) => [a.AliasName, a.LastUpdatedDate.toISOString()])).toEqual([
      ['alias/app', '2031-05-06T08:00:00.000Z'],
      ['alias/other', '2031-05-04T12:00:00.000Z'],
    ]);
    expect(await kms.invoke(ROOT_A, 'ListAliases', { KeyId: first.arn })).toEqual({ Aliases: [], Truncated: false });

    await kms.invoke(ROOT_A, 'DeleteAlias', { AliasName: 'alias/app' });
    expect((await kms.errorOf(ROOT_A, 'DescribeKey', { KeyId: 'alias/app' })).code).toBe('NotFoundException');
    expect((await kms.errorOf(ROOT_A, 'DeleteAlias', { AliasName: 'alias/app' })).code).toBe('NotFoundException');
  });

  it('refuses what the alias registry refuses', async () => {
    const { keyId } = await kms.createKey();
    await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/taken', TargetKeyId: keyId });
    expect((await kms.errorOf(ROOT_A, 'CreateAlias', { AliasName: 'alias/taken', TargetKeyId: keyId })).code).toBe('AlreadyExistsException');
    expect((await kms.errorOf(ROOT_A, 'CreateAlias', { AliasName: 'alias/aws/mine', TargetKeyId: keyId })).code).toBe('NotAuthorizedException');
    expect((await kms.errorOf(ROOT_A, 'CreateAlias', { AliasName: 'alias/x', TargetKeyId: 'alias/taken' })).code).toBe('ValidationException');
    expect((await kms.errorOf(ROOT_A, 'CreateAlias', { AliasName: 'alias/x', TargetKeyId: '0b7e2f1c-1111-4222-8333-944455556666' })).code).toBe('NotFoundException');
    expect((await kms.errorOf(ROOT_A, 'UpdateAlias', { AliasName: 'alias/none', TargetKeyId: keyId })).code).toBe('NotFoundException');
    // Another account's key cannot carry this account's alias.
    const { arn: foreign } = await kms.createKey(ROOT_B);
    expect((await kms.errorOf(ROOT_A, 'CreateAlias', { AliasName: 'alias/foreign', TargetKeyId: foreign })).code).toBe('NotFoundException');
    await kms.invoke(ROOT_A, 'ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 });
    expect((await kms.errorOf(ROOT_A, 'CreateAlias', { AliasName: 'alias/late', TargetKeyId: keyId })).code).toBe('KMSInvalidStateException');
  });

  it('needs the key policy to allow alias changes on the key', async () => {
    await kms.identity(CAROL);
    const { keyId } = await kms.createKey();
    expect((await kms.errorOf(CAROL, 'CreateAlias', { AliasName: 'alias/c', TargetKeyId: keyId })).code).toBe('AccessDeniedException');
    await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/c', TargetKeyId: keyId });
    expect((await kms.errorOf(CAROL, 'DeleteAlias', { AliasName: 'alias/c' })).code).toBe('AccessDeniedException');
    expect((await kms.errorOf(CAROL, 'ListAliases')).code).toBe('AccessDeniedException');
  });

  it('paginates ListKeys per account and Region, with read-your-writes', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await kms.createKey()).keyId);
    await kms.createKey(ROOT_B);
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = (await kms.invoke(ROOT_A, 'ListKeys', { Limit: 2, ...(marker === undefined ? {} : { Marker: marker }) })) as Page & {
        Keys: { KeyId: string; KeyArn: string }[];
      };
      pages++;
      for (const key of page.Keys) {
        expect(key.KeyArn).toBe(`arn:aws:kms:${REGION}:${ACCOUNT_A}:key/${key.KeyId}`);
        seen.push(key.KeyId);
      }
      expect(page.Keys.length).toBeLessThanOrEqual(2);
      marker = page.Truncated ? page.NextMarker : undefined;
    } while (marker !== undefined);
    expect(seen).toEqual(created);
    expect(pages).toBe(3);
    expect(((await kms.invoke(ROOT_B, 'ListKeys')) as { Keys: unknown[] }).Keys).toHaveLength(1);
    expect((await kms.errorOf(ROOT_A, 'ListKeys', { Marker: 'not-a-marker' })).code).toBe('InvalidMarkerException');
    const aliasMarker = Buffer.from('ListAliases\nalias/a').toString('base64url');
    expect((await kms.errorOf(ROOT_A, 'ListKeys', { Marker: aliasMarker })).code).toBe('InvalidMarkerException');
  });

  it('paginates ListAliases and ListGrants, and filters grants', async () => {
    const { keyId } = await kms.createKey();
    for (const name of ['alias/c', 'alias/a', 'alias/b']) await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: name, TargetKeyId: keyId });
    const first = (await kms.invoke(ROOT_A, 'ListAliases', { Limit: 2 })) as Page & { Aliases: { AliasName: string }[] };
    expect(first.Aliases.map((a) => a.AliasName)).toEqual(['alias/a', 'alias/b']);
    expect(first.Truncated).toBe(true);
    const second = (await kms.invoke(ROOT_A, 'ListAliases', { Limit: 2, Marker: first.NextMarker })) as Page & { Aliases: { AliasName: string }[] };
    expect(second.Aliases.map((a) => a.AliasName)).toEqual(['alias/c']);
    expect(second.Truncated).toBe(false);

    const grantIds: string[] = [];
    for (const grantee of [ALICE.arn, CAROL.arn, ALICE.arn]) {
      grantIds.push(((await kms.invoke(ROOT_A, 'CreateGrant', { KeyId: keyId, GranteePrincipal: grantee, Operations: ['Encrypt'] })) as { GrantId: string }).GrantId);
    }
    const page1 = (await kms.invoke(ROOT_A, 'ListGrants', { KeyId: keyId, Limit: 2 })) as Page & { Grants: { GrantId: string }[] };
    const page2 = (await kms.invoke(ROOT_A, 'ListGrants', { KeyId: keyId, Limit: 2, Marker: page1.NextMarker })) as Page & { Grants: { GrantId: string }[] };
    expect([...page1.Grants, ...page2.Grants].map((g) => g.GrantId)).toEqual(grantIds);
    expect([page1.Truncated, page2.Truncated]).toEqual([true, false]);
    const alices = (await kms.invoke(ROOT_A, 'ListGrants', { KeyId: keyId, GranteePrincipal: ALICE.arn })) as { Grants: { GrantId: string }[] };
    expect(alices.Grants.map((g) => g.GrantId)).toEqual([grantIds[0], grantIds[2]]);
    const one = (await kms.invoke(ROOT_A, 'ListGrants', { KeyId: keyId, GrantId: grantIds[1] })) as { Grants: { GrantId: string }[] };
    expect(one.Grants.map((g) => g.GrantId)).toEqual([grantIds[1]]);
  });

  it('ListRetirableGrants lists the grants a principal of the caller\'s account may retire, on keys of any account in the Region', async () => {
    const own = await kms.createKey();
    const foreign = await kms.createKey(ROOT_B);
    await kms.invoke(ROOT_A, 'CreateGrant', { KeyId: own.keyId, GranteePrincipal: CAROL.arn, RetiringPrincipal: ALICE.arn, Operations: ['Decrypt'] });
    await kms.invoke(ROOT_A, 'CreateGrant', { KeyId: own.keyId, GranteePrincipal: CAROL.arn, Operations: ['Decrypt'] });
    await kms.invoke(ROOT_B, 'CreateGrant', { KeyId: foreign.keyId, GranteePrincipal: CAROL.arn, RetiringPrincipal: ALICE.arn, Operations: ['Decrypt'] });
    const listed = (await kms.invoke(ROOT_A, 'ListRetirableGrants', { RetiringPrincipal: ALICE.arn })) as { Grants: { KeyId: string; RetiringPrincipal: string }[] };
    expect(listed.Grants.map((g) => [g.KeyId, g.RetiringPrincipal])).toEqual([[own.arn, ALICE.arn], [foreign.arn, ALICE.arn]]);
    // Account B cannot list what account A's principals may retire.
    expect(await kms.errorOf(ROOT_B, 'ListRetirableGrants', { RetiringPrincipal: ALICE.arn })).toEqual({
      code: 'AccessDeniedException',
      message: `User: ${ROOT_B.arn} is not authorized to perform: kms:ListRetirableGrants on resource: ${ALICE.arn} because it is not a principal of account ${ROOT_B.accountId}`,
    });
    expect(await kms.invoke(ROOT_B, 'ListRetirableGrants', { RetiringPrincipal: ROOT_B.arn })).toEqual({ Grants: [], Truncated: false });
  });
});
