import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHandler, CommandHandlerSettings } from '../../../src/application/command-handler.js';
import { AccessKeySecrets } from '../../../src/application/identity/access-key-secrets.js';
import { IdentityService } from '../../../src/application/identity/identity-service.js';
import { GrantTokens } from '../../../src/application/material/grant-tokens.js';
import { MaterialService } from '../../../src/application/material/material-service.js';
import { RootKey } from '../../../src/application/material/root-key.js';
import { EventStore } from '../../../src/application/ports/event-store.js';
import { aliasRegistry } from '../../../src/domain/alias/alias-registry.js';
import { aliasRegistryStream } from '../../../src/domain/alias/alias-stream.js';
import type { CallContext } from '../../../src/domain/call-context.js';
import { AesGcmRootKey } from '../../../src/infrastructure/crypto/aes-gcm-root-key.js';
import { HmacGrantTokens } from '../../../src/infrastructure/crypto/grant-token.js';
import { SqliteEventStore } from '../../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { testCallContext } from '../../support/call-context.js';

const ACCOUNT = '111122223333';
const context: CallContext = testCallContext('Setup', { account: ACCOUNT });

/** Every way a secret's bytes could be spelled in JSON or a database page. */
function spellings(secret: Buffer): string[] {
  return [secret.toString('hex'), secret.toString('hex').toUpperCase(), secret.toString('base64'), secret.toString('base64url'), secret.toString('latin1')];
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keytrail-at-rest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('secrets at rest', () => {
  it('no event and no byte of the database file holds key material, a secret access key, a grant token or the root key', async () => {
    const dbFile = join(dir, 'keytrail.db');
    const store = SqliteEventStore.open(dbFile);
    const rootBytes = randomBytes(32);
    const container = new Container({ defaultScope: 'Singleton' });
    container.bind<EventStore>(EventStore).toConstantValue(store);
    container.bind<CommandHandlerSettings>(CommandHandlerSettings).toConstantValue({ maxAttempts: 10 });
    container.bind(CommandHandler).toSelf();
    container.bind<RootKey>(RootKey).toConstantValue(new AesGcmRootKey(rootBytes));
    container.bind(MaterialService).toSelf();
    container.bind(AccessKeySecrets).toSelf();
    container.bind(IdentityService).toSelf();
    container.bind<GrantTokens>(GrantTokens).to(HmacGrantTokens);

    const identity = container.get(IdentityService);
    await identity.createAccount(ACCOUNT, context);
    await identity.createPrincipal(ACCOUNT, 'User', 'alice', '/', context);
    const secrets = [
      (await identity.createAccessKey(ACCOUNT, 'alice', context)).secretAccessKey,
      (await identity.createAccessKey(ACCOUNT, 'alice', context)).secretAccessKey,
      (await identity.createAccessKey(ACCOUNT, null, context)).secretAccessKey,
    ];

    const materials = container.get(MaterialService);
    const keyIds = ['1234abcd-12ab-34cd-56ef-1234567890ab', '0987dcba-09fe-87dc-65ba-ab0987654321'];
    const material: Buffer[] = [];
    for (const keyId of keyIds) {
      for (const version of [1, 2, 3]) {
        await materials.generate(keyId, version, context);
        material.push(await materials.get(keyId, version));
      }
    }
    const tokens = container.get<GrantTokens>(GrantTokens);
    const grantTokens = [tokens.grantTokenFor('a'.repeat(64)), tokens.grantTokenFor('b'.repeat(64))];
    await container.get(CommandHandler).handle(
      aliasRegistry,
      aliasRegistryStream(ACCOUNT, 'eu-west-1'),
      {
        type: 'CreateAlias',
        accountId: ACCOUNT,
        region: 'eu-west-1',
        aliasName: 'alias/app',
        targetKeyId: keyIds[0]!,
        targetKey: { keyId: keyIds[0]!, accountId: ACCOUNT, region: 'eu-west-1', keyState: 'Enabled', keyManager: 'CUSTOMER', keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT' },
      },
      context,
    );

    const serialized: string[] = [];
    for await (const event of store.readAll()) serialized.push(JSON.stringify({ stream: event.stream, type: event.type, data: event.data, metadata: event.metadata }));
    expect(serialized.length).toBe(1 + 1 + 3 + keyIds.length * 3 + 1);
    expect(serialized.filter((e) => e.includes('"AccessKeyCreated"'))).toHaveLength(3);
    expect(serialized.filter((e) => e.includes('"BackingKeyGenerated"'))).toHaveLength(6);
    const log = serialized.join('\n');

    const forbidden: string[] = [
      ...material.flatMap(spellings),
      ...secrets.flatMap((s) => [s, ...spellings(Buffer.from(s, 'utf8'))]),
      ...grantTokens,
      ...spellings(rootBytes),
    ];
    for (const needle of forbidden) expect(log.includes(needle), `event log contains ${needle.slice(0, 12)}…`).toBe(false);

    await store.close();
    const files = readdirSync(dir).map((name) => readFileSync(join(dir, name)));
    const rawNeedles = [...material, ...secrets.map((s) => Buffer.from(s, 'utf8')), rootBytes, ...forbidden.map((s) => Buffer.from(s, 'utf8'))];
    for (const file of files) {
      for (const needle of rawNeedles) expect(file.includes(needle)).toBe(false);
    }
    // The scan looks in the right place: what the events do hold is found in the file.
    expect(files.some((file) => file.includes(Buffer.from('alias/app')))).toBe(true);
  });
});
