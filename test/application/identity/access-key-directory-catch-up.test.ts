import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHandler } from '../../../src/application/command-handler.js';
import { AccessKeySecrets } from '../../../src/application/identity/access-key-secrets.js';
import { EventSourcedAccessKeyDirectory } from '../../../src/application/identity/event-sourced-access-key-directory.js';
import { IdentityService } from '../../../src/application/identity/identity-service.js';
import { AesGcmRootKey } from '../../../src/infrastructure/crypto/aes-gcm-root-key.js';
import { SqliteEventStore } from '../../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { testCallContext } from '../../support/call-context.js';

const ACCOUNT = '111122223333';
const context = testCallContext('CreateAccessKey', { account: ACCOUNT });

describe('the access key directory catching up with the log', () => {
  let store: SqliteEventStore;
  let identity: IdentityService;
  let directory: EventSourcedAccessKeyDirectory;
  beforeEach(async () => {
    store = SqliteEventStore.open(':memory:');
    const commands = new CommandHandler(store, { maxAttempts: 5 });
    const secrets = new AccessKeySecrets(new AesGcmRootKey(randomBytes(32)));
    identity = new IdentityService(commands, secrets);
    directory = new EventSourcedAccessKeyDirectory(store, secrets);
    await identity.createAccount(ACCOUNT, context);
  });
  afterEach(async () => {
    await store.close();
  });

  it('finds a key created after many other events, past the head it last read', async () => {
    expect(await directory.find('AKIAUNKNOWN000000000')).toBeNull();
    for (let i = 0; i < 50; i++) await store.append(`kmscall-${ACCOUNT}_eu-west-1_20310504`, [{ type: 'KmsCallRecorded', data: { i } }]);
    expect(await directory.find('AKIAUNKNOWN000000000')).toBeNull();
    const key = await identity.createAccessKey(ACCOUNT, null, context);
    expect((await directory.find(key.accessKeyId))?.secretAccessKey).toBe(key.secretAccessKey);
  });

  it('answers concurrent lookups with one read, each seeing what was written before it asked', async () => {
    const first = await identity.createAccessKey(ACCOUNT, null, context);
    const lookups = Array.from({ length: 20 }, () => directory.find(first.accessKeyId));
    const second = await identity.createAccessKey(ACCOUNT, null, context);
    const late = directory.find(second.accessKeyId);
    expect((await Promise.all(lookups)).every((record) => record?.active === true)).toBe(true);
    expect((await late)?.secretAccessKey).toBe(second.secretAccessKey);
  });
});
