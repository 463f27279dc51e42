/**
 * The whole server, as `keytrail serve` composes it, on each event store engine: the
 * embedded SQLite file, EventStoreDB over the protocol double, and a live EventStoreDB
 * when KEYTRAIL_ESDB_URL is set. The same calls must give the same answers on all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import type { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteKmsReadSide } from '../../projections/kms-read-side/sqlite-kms-read-side.js';
import { InstallationSetup } from '../../src/application/identity/installation.js';
import { loadConfig } from '../../src/infrastructure/config/config.js';
import { closeContainer, createContainer } from '../../src/infrastructure/container.js';
import { KmsHttpServer } from '../../src/infrastructure/http/kms-http-server.js';
import { startEsdbProtocolDouble, type EsdbProtocolDouble } from '../eventstore/esdb/protocol-double/esdb-protocol-double.js';

interface Engine {
  readonly name: string;
  /** The KEYTRAIL_STORE value, or null to use the default SQLite file in the data folder. */
  store(): Promise<string | null>;
  close(): Promise<void>;
}

function doubleEngine(): Engine {
  let double: EsdbProtocolDouble | null = null;
  return {
    name: 'EventStoreDB (protocol double)',
    store: async () => (double = await startEsdbProtocolDouble()).connectionString,
    close: async () => void (await double?.close()),
  };
}

const liveUrl = process.env.KEYTRAIL_ESDB_URL;
const engines: Array<[Engine, boolean]> = [
  [{ name: 'SQLite (embedded default)', store: async () => null, close: async () => {} }, true],
  [doubleEngine(), true],
  [{ name: 'EventStoreDB (live, KEYTRAIL_ESDB_URL)', store: async () => liveUrl!, close: async () => {} }, liveUrl !== undefined],
];

for (const [engine, enabled] of engines) {
  describe.skipIf(!enabled)(`the server on ${enabled ? engine.name : `${engine.name}: skipped, set KEYTRAIL_ESDB_URL`}`, () => {
    let dataDir: string;
    let container: Container;
    let server: KmsHttpServer;
    let kms: KMSClient;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'keytrail-engine-'));
      const store = await engine.store();
      container = await createContainer(loadConfig({ KEYTRAIL_DATA_DIR: dataDir, ...(store ? { KEYTRAIL_STORE: store } : {}) }));
      const installation = await container.get(InstallationSetup).ensure('eu-central-1');
      container.get(SqliteKmsReadSide).start();
      server = container.get(KmsHttpServer);
      const port = await server.listen(0, '127.0.0.1');
      kms = new KMSClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'eu-central-1',
        maxAttempts: 1,
        credentials: { accessKeyId: installation.newAccessKey!.accessKeyId, secretAccessKey: installation.newAccessKey!.secretAccessKey },
      });
    });

    afterAll(async () => {
      kms?.destroy();
      await server?.close();
      if (container) await closeContainer(container);
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('creates, names, lists, encrypts, decrypts and schedules deletion', async () => {
      const created = await kms.send(new CreateKeyCommand({ Description: engine.name }));
      const keyId = created.KeyMetadata!.KeyId!;
      const aliasName = `alias/engine-${keyId.slice(0, 8)}`;
      await kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId }));

      const described = await kms.send(new DescribeKeyCommand({ KeyId: aliasName }));
      expect(described.KeyMetadata).toMatchObject({ KeyId: keyId, Description: engine.name, KeyState: 'Enabled' });

      // Read from the projections, which follow the engine's subscription: read-your-writes.
      const keys = await kms.send(new ListKeysCommand({}));
      expect(keys.Keys?.map((k) => k.KeyId)).toContain(keyId);
      const aliases = await kms.send(new ListAliasesCommand({ KeyId: keyId }));
      expect(aliases.Aliases?.map((a) => a.AliasName)).toEqual([aliasName]);

      const plaintext = new TextEncoder().encode('the same on every engine');
      const encrypted = await kms.send(new EncryptCommand({ KeyId: aliasName, Plaintext: plaintext, EncryptionContext: { engine: 'any' } }));
      const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { engine: 'any' } }));
      expect(new TextDecoder().decode(decrypted.Plaintext)).toBe('the same on every engine');
      expect(decrypted.KeyId).toBe(created.KeyMetadata!.Arn);

      const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
      expect(scheduled.KeyState).toBe('PendingDeletion');
      await expect(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext }))).rejects.toMatchObject({ name: 'KMSInvalidStateException' });
    });
  });
}
