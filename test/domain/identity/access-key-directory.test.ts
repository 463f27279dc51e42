import { randomBytes } from 'node:crypto';
import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHandler, CommandHandlerSettings } from '../../../src/application/command-handler.js';
import { AccessKeySecrets } from '../../../src/application/identity/access-key-secrets.js';
import { generateAccessKeyId, generatePrincipalId, generateSecretAccessKey } from '../../../src/application/identity/credentials.js';
import { EventSourcedAccessKeyDirectory } from '../../../src/application/identity/event-sourced-access-key-directory.js';
import { IdentityService } from '../../../src/application/identity/identity-service.js';
import { RootKey } from '../../../src/application/material/root-key.js';
import { AccessKeyDirectory } from '../../../src/application/ports/access-key-directory.js';
import { EventStore } from '../../../src/application/ports/event-store.js';
import type { CallContext } from '../../../src/domain/call-context.js';
import { isKmsError } from '../../../src/domain/errors.js';
import { AesGcmRootKey } from '../../../src/infrastructure/crypto/aes-gcm-root-key.js';
import { SqliteEventStore } from '../../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { testCallContext } from '../../support/call-context.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const context: CallContext = testCallContext('CreateAccessKey', { account: ACCOUNT });

let store: SqliteEventStore;
let container: Container;
beforeEach(() => {
  store = SqliteEventStore.open(':memory:');
  container = new Container({ defaultScope: 'Singleton' });
  container.bind<EventStore>(EventStore).toConstantValue(store);
  container.bind<CommandHandlerSettings>(CommandHandlerSettings).toConstantValue({ maxAttempts: 10 });
  container.bind(CommandHandler).toSelf();
  container.bind<RootKey>(RootKey).toConstantValue(new AesGcmRootKey(randomBytes(32)));
  container.bind(AccessKeySecrets).toSelf();
  container.bind(IdentityService).toSelf();
  container.bind<AccessKeyDirectory>(AccessKeyDirectory).to(EventSourcedAccessKeyDirectory);
});
afterEach(async () => {
  await store.close();
});

describe('credentials', () => {
  it('have the shapes IAM gives them', () => {
    expect(generateAccessKeyId()).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(generateSecretAccessKey()).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(generatePrincipalId('User')).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(generatePrincipalId('Role')).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(new Set(Array.from({ length: 100 }, generateAccessKeyId)).size).toBe(100);
  });
});

describe('IdentityService and the event-sourced access key directory', () => {
  it('authenticates a user key with its secret, and follows deactivation and deletion', async () => {
    const identity = container.get(IdentityService);
    const directory = container.get<AccessKeyDirectory>(AccessKeyDirectory);
    await identity.createAccount(ACCOUNT, context);
    const alice = await identity.createPrincipal(ACCOUNT, 'User', 'alice', '/team/', context);
    expect(alice?.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/team/alice`);
    const key = await identity.createAccessKey(ACCOUNT, 'alice', context);

    expect(await directory.find(key.accessKeyId)).toEqual({
      secretAccessKey: key.secretAccessKey,
      active: true,
      caller: { type: 'IAMUser', principalId: alice?.principalId, arn: alice?.arn, accountId: ACCOUNT, accessKeyId: key.accessKeyId, userName: 'alice' },
    });

    await identity.updateAccessKey(ACCOUNT, 'alice', key.accessKeyId, 'Inactive', context);
    expect((await directory.find(key.accessKeyId))?.active).toBe(false);
    await identity.updateAccessKey(ACCOUNT, 'alice', key.accessKeyId, 'Active', context);
    expect((await directory.find(key.accessKeyId))?.active).toBe(true);
    await identity.deleteAccessKey(ACCOUNT, 'alice', key.accessKeyId, context);
    expect(await directory.find(key.accessKeyId)).toBeNull();
  });

  it('finds keys of every account, root keys included, and nothing unknown', async () => {
    const identity = container.get(IdentityService);
    const directory = container.get<AccessKeyDirectory>(AccessKeyDirectory);
    await identity.createAccount(ACCOUNT, context);
    await identity.createAccount(OTHER, context);
    const root = await identity.createAccessKey(OTHER, null, context);
    expect(await directory.find(root.accessKeyId)).toEqual({
      secretAccessKey: root.secretAccessKey,
      active: true,
      caller: { type: 'Root', principalId: OTHER, arn: `arn:aws:iam::${OTHER}:root`, accountId: OTHER, accessKeyId: root.accessKeyId },
    });
    expect(await directory.find('AKIAAAAAAAAAAAAAAAAA')).toBeNull();
  });

  it('answers concurrent lookups from one catch-up', async () => {
    const identity = container.get(IdentityService);
    const directory = container.get<AccessKeyDirectory>(AccessKeyDirectory);
    await identity.createAccount(ACCOUNT, context);
    const keys = [await identity.createAccessKey(ACCOUNT, null, context), await identity.createAccessKey(ACCOUNT, null, context)];
    const found = await Promise.all([...keys, ...keys].map((k) => directory.find(k.accessKeyId)));
    expect(found.map((f) => f?.secretAccessKey)).toEqual([...keys, ...keys].map((k) => k.secretAccessKey));
  });

  it('keeps IAM rules: a third key for one user is refused', async () => {
    const identity = container.get(IdentityService);
    await identity.createAccount(ACCOUNT, context);
    await identity.createPrincipal(ACCOUNT, 'User', 'alice', '/', context);
    await identity.createAccessKey(ACCOUNT, 'alice', context);
    await identity.createAccessKey(ACCOUNT, 'alice', context);
    const third = await identity.createAccessKey(ACCOUNT, 'alice', context).catch((e: unknown) => e);
    expect(isKmsError(third, 'LimitExceededException')).toBe(true);
  });

  it('keeps secrets bound to their access key id', () => {
    const secrets = container.get(AccessKeySecrets);
    const wrapped = secrets.seal('AKIAAAAAAAAAAAAAAAAA', 'secret');
    expect(secrets.reveal('AKIAAAAAAAAAAAAAAAAA', wrapped)).toBe('secret');
    expect(() => secrets.reveal('AKIABBBBBBBBBBBBBBBB', wrapped)).toThrow();
  });
});
