import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListGrantsCommand,
  ListKeyPoliciesCommand,
  ListResourceTagsCommand,
  ListRetirableGrantsCommand,
  PutKeyPolicyCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  paginateListAliases,
  paginateListKeys,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_A, ACCOUNT_B, ALICE, ALL_KMS, BOB, CAROL, REGION } from '../application/kms/support/kms-fixture.js';
import { KmsServer, sdkError } from './support/kms-server.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('access control, aliases, grants, tags and lists through the AWS SDK', () => {
  let server: KmsServer;
  let alice: KMSClient;
  let carol: KMSClient;
  let bob: KMSClient;

  beforeAll(async () => {
    server = await new KmsServer().start();
    await server.kms.identity(ALICE, { admin: ALL_KMS });
    await server.kms.identity(CAROL);
    await server.kms.identity(BOB, { 'use-a-keys': ALL_KMS });
    alice = server.client(ALICE);
    carol = server.client(CAROL);
    bob = server.client(BOB);
  });
  afterAll(async () => {
    await server.close();
  });

  it('names keys by alias name and alias ARN, and moves aliases', async () => {
    const first = (await alice.send(new CreateKeyCommand({}))).KeyMetadata!;
    const second = (await alice.send(new CreateKeyCommand({}))).KeyMetadata!;
    await alice.send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: first.KeyId }));
    // Read-your-writes: the alias is usable by the very next call.
    const encrypted = await alice.send(new EncryptCommand({ KeyId: 'alias/orders', Plaintext: text('hello') }));
    expect(encrypted.KeyId).toBe(first.Arn);
    const byAliasArn = await alice.send(new DescribeKeyCommand({ KeyId: `arn:aws:kms:${REGION}:${ACCOUNT_A}:alias/orders` }));
    expect(byAliasArn.KeyMetadata?.KeyId).toBe(first.KeyId);
    await alice.send(new UpdateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: second.Arn }));
    expect((await alice.send(new DescribeKeyCommand({ KeyId: 'alias/orders' }))).KeyMetadata?.KeyId).toBe(second.KeyId);
    expect(new TextDecoder().decode((await alice.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }))).Plaintext)).toBe('hello');
    const listed = await alice.send(new ListAliasesCommand({ KeyId: second.KeyId }));
    expect(listed.Aliases?.map((a) => [a.AliasName, a.TargetKeyId, a.AliasArn])).toEqual([
      ['alias/orders', second.KeyId, `arn:aws:kms:${REGION}:${ACCOUNT_A}:alias/orders`],
    ]);
    await alice.send(new DeleteAliasCommand({ AliasName: 'alias/orders' }));
    expect((await sdkError(alice.send(new EncryptCommand({ KeyId: 'alias/orders', Plaintext: text('x') })))).name).toBe('NotFoundException');
    expect((await sdkError(alice.send(new CreateAliasCommand({ AliasName: 'alias/aws/x', TargetKeyId: first.KeyId })))).name).toBe('NotAuthorizedException');
  });

  it('denies by policy with AccessDeniedException and AWS’s message', async () => {
    const key = (await alice.send(new CreateKeyCommand({}))).KeyMetadata!;
    const denied = await sdkError(carol.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('x') })));
    expect(denied).toEqual({
      name: 'AccessDeniedException',
      status: 400,
      message: `User: ${CAROL.arn} is not authorized to perform: kms:Encrypt on resource: ${key.Arn} because no identity-based policy allows the kms:Encrypt action`,
    });
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: CAROL.arn }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_B}:root` }, Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: '*' },
        { Effect: 'Deny', Principal: { AWS: ALICE.arn }, Action: 'kms:Decrypt', Resource: '*' },
      ],
    });
    await alice.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: policy }));
    expect((await alice.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default' }))).Policy).toBe(policy);
    expect((await alice.send(new ListKeyPoliciesCommand({ KeyId: key.KeyId }))).PolicyNames).toEqual(['default']);
    const blob = (await carol.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('for carol') }))).CiphertextBlob;
    expect(new TextDecoder().decode((await carol.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext)).toBe('for carol');
    const explicit = await sdkError(alice.send(new DecryptCommand({ CiphertextBlob: blob })));
    expect(explicit.name).toBe('AccessDeniedException');
    expect(explicit.message).toContain('with an explicit deny in a resource-based policy');

    // Cross-account: by key ARN, allowed by the key policy and Bob's own identity policy.
    expect((await bob.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: text('from b') }))).KeyId).toBe(key.Arn);
    expect((await sdkError(bob.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('x') })))).name).toBe('NotFoundException');
    expect((await sdkError(bob.send(new DecryptCommand({ CiphertextBlob: blob })))).name).toBe('AccessDeniedException');
  });

  it('leaves exactly one audit record per call, denied calls included, durable before the answer', async () => {
    const created = await alice.send(new CreateKeyCommand({ Description: 'audited' }));
    const createEvents = await server.kms.eventsOfRequest(created.$metadata.requestId!);
    expect(createEvents.map((e) => e.type)).toEqual(['KeyCreated', 'PolicyPut']);
    expect(createEvents[0]!.metadata).toMatchObject({ caller: { arn: ALICE.arn }, sourceIp: '127.0.0.1', operation: 'CreateKey' });

    const denied = await sdkError(carol.send(new EncryptCommand({ KeyId: created.KeyMetadata!.KeyId, Plaintext: text('secret words') })));
    const records = await server.kms.eventsOfRequest((denied as { requestId?: string }).requestId!);
    expect(records.map((e) => [e.type, (e.data as { errorCode: string }).errorCode])).toEqual([['KmsCallRecorded', 'AccessDeniedException']]);
    expect(JSON.stringify(records.map((e) => e.data))).not.toContain(Buffer.from('secret words').toString('base64'));
  });

  it('creates, lists, uses, retires and revokes grants', async () => {
    const key = (await alice.send(new CreateKeyCommand({}))).KeyMetadata!;
    const grant = await alice.send(
      new CreateGrantCommand({
        KeyId: key.Arn,
        GranteePrincipal: CAROL.arn,
        RetiringPrincipal: ALICE.arn,
        Operations: ['Encrypt', 'Decrypt'],
        Constraints: { EncryptionContextEquals: { case: '42' } },
        Name: 'case-42',
      }),
    );
    expect(grant.GrantId).toMatch(/^[0-9a-f]{64}$/);
    const blob = (
      await carol.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('evidence'), EncryptionContext: { case: '42' }, GrantTokens: [grant.GrantToken!] }))
    ).CiphertextBlob;
    expect((await sdkError(carol.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: text('x'), EncryptionContext: { case: '43' } })))).name).toBe(
      'AccessDeniedException',
    );
    const listed = await alice.send(new ListGrantsCommand({ KeyId: key.KeyId }));
    expect(listed.Grants).toEqual([
      {
        KeyId: key.Arn,
        GrantId: grant.GrantId,
        Name: 'case-42',
        CreationDate: expect.any(Date),
        GranteePrincipal: CAROL.arn,
        RetiringPrincipal: ALICE.arn,
        IssuingAccount: `arn:aws:iam::${ACCOUNT_A}:root`,
        Operations: ['Encrypt', 'Decrypt'],
        Constraints: { EncryptionContextEquals: { case: '42' } },
      },
    ]);
    expect((await alice.send(new ListRetirableGrantsCommand({ RetiringPrincipal: ALICE.arn }))).Grants?.map((g) => g.GrantId)).toContain(grant.GrantId);
    await alice.send(new RetireGrantCommand({ GrantToken: grant.GrantToken }));
    expect((await sdkError(carol.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { case: '42' } })))).name).toBe('AccessDeniedException');

    const second = await alice.send(new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: CAROL.arn, Operations: ['DescribeKey'] }));
    await carol.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
    await alice.send(new RevokeGrantCommand({ KeyId: key.KeyId, GrantId: second.GrantId }));
    expect((await sdkError(carol.send(new DescribeKeyCommand({ KeyId: key.KeyId })))).name).toBe('AccessDeniedException');
    expect((await sdkError(alice.send(new ListGrantsCommand({ KeyId: key.KeyId, Marker: 'garbage' })))).name).toBe('InvalidMarkerException');
  });

  it('tags and untags keys', async () => {
    const key = (await alice.send(new CreateKeyCommand({ Tags: [{ TagKey: 'env', TagValue: 'prod' }] }))).KeyMetadata!;
    await alice.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'owner', TagValue: 'alice' }, { TagKey: 'env', TagValue: 'test' }] }));
    expect((await alice.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags).toEqual([
      { TagKey: 'env', TagValue: 'test' },
      { TagKey: 'owner', TagValue: 'alice' },
    ]);
    await alice.send(new UntagResourceCommand({ KeyId: key.Arn, TagKeys: ['env'] }));
    expect((await alice.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags).toEqual([{ TagKey: 'owner', TagValue: 'alice' }]);
    expect((await sdkError(alice.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'aws:x', TagValue: 'y' }] })))).name).toBe('TagException');
  });

  it('paginates ListKeys and ListAliases with the SDK paginators', async () => {
    const fresh = server.client(BOB);
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      const key = (await fresh.send(new CreateKeyCommand({}))).KeyMetadata!;
      created.push(key.KeyId!);
      await fresh.send(new CreateAliasCommand({ AliasName: `alias/page-${i}`, TargetKeyId: key.KeyId }));
    }
    const keys: string[] = [];
    let pages = 0;
    for await (const page of paginateListKeys({ client: fresh, pageSize: 3 }, {})) {
      pages++;
      keys.push(...(page.Keys ?? []).map((k) => k.KeyId!));
    }
    expect(keys).toEqual(created);
    expect(pages).toBe(3);
    const aliases: string[] = [];
    for await (const page of paginateListAliases({ client: fresh, pageSize: 4 }, {})) aliases.push(...(page.Aliases ?? []).map((a) => a.AliasName!));
    expect(aliases).toEqual(created.map((_, i) => `alias/page-${i}`));
  });
});
