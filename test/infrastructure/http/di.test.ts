import { afterAll, describe, expect, it } from 'vitest';
import { Container } from 'inversify';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { AccessKeyDirectory } from '../../../src/application/ports/access-key-directory.js';
import { Clock } from '../../../src/application/ports/clock.js';
import { KmsOperations } from '../../../src/application/ports/kms-operations.js';
import { KmsHttpServer } from '../../../src/infrastructure/http/kms-http-server.js';
import { DEFAULT_KMS_HTTP_SETTINGS, KmsHttpSettings } from '../../../src/infrastructure/http/kms-http-settings.js';
import { ALICE_KEY, directoryWithAlice, FixedClock, RecordingOperations } from './support/doubles.js';
import { SERVER_TIME } from './support/server-fixture.js';

describe('KmsHttpServer from a container', () => {
  const container = new Container();
  const operations = new RecordingOperations();
  container.bind<KmsOperations>(KmsOperations).toConstantValue(operations);
  container.bind<AccessKeyDirectory>(AccessKeyDirectory).toConstantValue(directoryWithAlice());
  container.bind<Clock>(Clock).toConstantValue(new FixedClock(SERVER_TIME));
  container.bind<KmsHttpSettings>(KmsHttpSettings).toConstantValue(DEFAULT_KMS_HTTP_SETTINGS);
  container.bind(KmsHttpServer).toSelf().inSingletonScope();
  const server = container.get(KmsHttpServer);

  afterAll(async () => {
    await server.close();
  });

  it('is wired by its tokens and serves on the port it reports', async () => {
    const port = await server.listen(0, '127.0.0.1');
    expect(port).toBeGreaterThan(0);
    const client = new KMSClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-west-2',
      maxAttempts: 1,
      systemClockOffset: SERVER_TIME.getTime() - Date.now(),
      credentials: ALICE_KEY,
    });
    await client.send(new ListKeysCommand({}));
    expect(operations.calls.map((c) => c.operation)).toEqual(['ListKeys']);
    await expect(server.listen(0, '127.0.0.1')).rejects.toThrow(/already listening/);
  });
});
