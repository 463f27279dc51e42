import { randomBytes } from 'node:crypto';
import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHandler, CommandHandlerSettings } from '../../../src/application/command-handler.js';
import { backingKeyLedger, materialStream } from '../../../src/application/material/backing-key-ledger.js';
import { BackingKeyUnavailableError, MaterialService, MaterialSettings } from '../../../src/application/material/material-service.js';
import { RootKey, RootKeyMismatchError } from '../../../src/application/material/root-key.js';
import { EventStore } from '../../../src/application/ports/event-store.js';
import type { CallContext } from '../../../src/domain/call-context.js';
import { isKmsError } from '../../../src/domain/errors.js';
import { AesGcmRootKey } from '../../../src/infrastructure/crypto/aes-gcm-root-key.js';
import { openCiphertext, parseCiphertextHeader, sealCiphertext } from '../../../src/infrastructure/crypto/ciphertext-blob.js';
import { SqliteEventStore } from '../../../src/infrastructure/eventstore/sqlite/sqlite-event-store.js';
import { deciderSpec } from '../../support/decider-spec.js';
import { testCallContext } from '../../support/call-context.js';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const context: CallContext = testCallContext('CreateKey');

let store: SqliteEventStore;
let rootBytes: Buffer;

function service(options: { cacheEntries?: number; rootKey?: Buffer } = {}): MaterialService {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind<EventStore>(EventStore).toConstantValue(store);
  container.bind<CommandHandlerSettings>(CommandHandlerSettings).toConstantValue({ maxAttempts: 10 });
  container.bind(CommandHandler).toSelf();
  container.bind<RootKey>(RootKey).toConstantValue(new AesGcmRootKey(options.rootKey ?? rootBytes));
  if (options.cacheEntries !== undefined) container.bind<MaterialSettings>(MaterialSettings).toConstantValue({ cacheEntries: options.cacheEntries });
  container.bind(MaterialService).toSelf();
  return container.get(MaterialService);
}

async function events(stream: string) {
  const out = [];
  for await (const e of store.readStream(stream)) out.push(e);
  return out;
}

beforeEach(() => {
  store = SqliteEventStore.open(':memory:');
  rootBytes = randomBytes(32);
});
afterEach(async () => {
  await store.close();
});

describe('backing-key ledger', () => {
  const generated = (version: number) => ({
    type: 'BackingKeyGenerated' as const,
    data: { keyId: KEY_ID, version, backingKeyId: `${version}`.repeat(64).slice(0, 64), wrappedMaterial: 'AQ==' },
  });
  const generate = (version: number) => ({ type: 'GenerateBackingKey' as const, ...generated(version).data });
  const spec = deciderSpec(backingKeyLedger);

  it('records versions in order', () => {
    spec.given([]).when(generate(1)).then([generated(1)]);
    spec.given([generated(1)]).when(generate(2)).then([generated(2)]);
  });

  it('changes nothing for a version that exists', () => {
    spec.given([generated(1)]).when(generate(1)).thenNothing();
  });

  it('refuses a gap', () => {
    spec.given([generated(1)]).when(generate(3)).thenFails('KMSInternalException');
  });

  it('lives in the kmsmaterial category', () => {
    expect(materialStream(KEY_ID)).toBe(`kmsmaterial-${KEY_ID}`);
  });
});

describe('MaterialService', () => {
  it('generates 256-bit material, stores it only wrapped, and gives it back', async () => {
    const materials = service();
    const { backingKeyId } = await materials.generate(KEY_ID, 1, context);
    expect(backingKeyId).toMatch(/^[0-9a-f]{64}$/);
    const material = await materials.get(KEY_ID, 1);
    expect(material).toHaveLength(32);
    const [event] = await events(materialStream(KEY_ID));
    expect(event?.type).toBe('BackingKeyGenerated');
    expect(event?.data).toMatchObject({ keyId: KEY_ID, version: 1, backingKeyId });
    expect(event?.metadata).toMatchObject({ schemaVersion: 1, requestId: 'req-1' });
    const serialized = JSON.stringify({ data: event?.data, metadata: event?.metadata });
    for (const form of [material.toString('hex'), material.toString('base64'), material.toString('base64url')]) {
      expect(serialized).not.toContain(form);
    }
  });

  it('reads the same material after a restart, uncached', async () => {
    const first = service();
    await first.generate(KEY_ID, 1, context);
    const material = await first.get(KEY_ID, 1);
    expect(await service({ cacheEntries: 0 }).get(KEY_ID, 1)).toEqual(material);
  });

  it('makes different material per version and per key', async () => {
    const materials = service();
    await materials.generate(KEY_ID, 1, context);
    await materials.generate(KEY_ID, 2, context);
    await materials.generate('other-key', 1, context);
    const one = await materials.get(KEY_ID, 1);
    const two = await materials.get(KEY_ID, 2);
    const other = await materials.get('other-key', 1);
    expect(one.equals(two)).toBe(false);
    expect(one.equals(other)).toBe(false);
  });

  it('returns the existing version when asked to generate it again, and writes nothing', async () => {
    const materials = service();
    const first = await materials.generate(KEY_ID, 1, context);
    const material = await materials.get(KEY_ID, 1);
    const again = await materials.generate(KEY_ID, 1, context);
    expect(again.backingKeyId).toBe(first.backingKeyId);
    expect(await materials.get(KEY_ID, 1)).toEqual(material);
    expect(await events(materialStream(KEY_ID))).toHaveLength(1);
  });

  it('hands out copies: zeroing one does not disturb the cache', async () => {
    const materials = service();
    await materials.generate(KEY_ID, 1, context);
    const a = await materials.get(KEY_ID, 1);
    const keep = Buffer.from(a);
    a.fill(0);
    expect(await materials.get(KEY_ID, 1)).toEqual(keep);
  });

  it('keeps working past its cache size', async () => {
    const materials = service({ cacheEntries: 1 });
    await materials.generate(KEY_ID, 1, context);
    await materials.generate(KEY_ID, 2, context);
    const one = await materials.get(KEY_ID, 1);
    const two = await materials.get(KEY_ID, 2);
    expect(await materials.get(KEY_ID, 1)).toEqual(one);
    expect(await materials.get(KEY_ID, 2)).toEqual(two);
  });

  it('reports an unknown version', async () => {
    const materials = service();
    await materials.generate(KEY_ID, 1, context);
    await expect(materials.get(KEY_ID, 2)).rejects.toMatchObject({ name: 'BackingKeyUnavailableError', reason: 'unknown-version' });
    await expect(materials.get('never-made', 1)).rejects.toBeInstanceOf(BackingKeyUnavailableError);
  });

  it('crypto-shreds: the stream is gone, the material with it, ciphertexts stay unreadable forever', async () => {
    const materials = service();
    await materials.generate(KEY_ID, 1, context);
    const material = await materials.get(KEY_ID, 1);
    const blob = sealCiphertext({ keyId: KEY_ID, backingKeyVersion: 1, material, plaintext: Buffer.from('secret'), encryptionContext: {} });
    await store.append('kmskey-audit-survives', [{ type: 'KeyDeleted', data: { keyId: KEY_ID } }]);

    await materials.shred(KEY_ID);
    await materials.shred(KEY_ID);

    await expect(materials.get(KEY_ID, 1)).rejects.toMatchObject({ reason: 'shredded' });
    await expect(service().get(KEY_ID, 1)).rejects.toMatchObject({ reason: 'shredded' });
    const everything = [];
    for await (const e of store.readAll()) everything.push(e);
    expect(everything.map((e) => e.stream)).toEqual(['kmskey-audit-survives']);
    // Only the material that is gone could open the blob; any other fails.
    expect(parseCiphertextHeader(blob).keyId).toBe(KEY_ID);
    let thrown: unknown;
    try {
      openCiphertext(blob, randomBytes(32));
    } catch (e) {
      thrown = e;
    }
    expect(isKmsError(thrown, 'InvalidCiphertextException')).toBe(true);
  });

  it('names a wrong root key instead of failing obscurely', async () => {
    await service().generate(KEY_ID, 1, context);
    await expect(service({ rootKey: randomBytes(32), cacheEntries: 0 }).get(KEY_ID, 1)).rejects.toBeInstanceOf(RootKeyMismatchError);
  });
});
