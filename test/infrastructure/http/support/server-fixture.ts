import { KMSClient } from '@aws-sdk/client-kms';
import { KmsHttpServer } from '../../../../src/infrastructure/http/kms-http-server.js';
import type { InternalErrorReport, KmsHttpSettings } from '../../../../src/infrastructure/http/kms-http-settings.js';
import { ALICE_KEY, directoryWithAlice, FixedClock, RecordingOperations, type InMemoryAccessKeyDirectory } from './doubles.js';

/** Fixed, and far from the wall clock on purpose: nothing may depend on the real time. */
export const SERVER_TIME = new Date('2031-05-04T12:00:00.000Z');
export const REGION = 'eu-west-3';

export interface ClientOptions {
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly maxAttempts?: number;
  /** How far the SDK's signing clock stands from the server's clock. */
  readonly skewMs?: number;
}

export interface RunningServer {
  readonly server: KmsHttpServer;
  readonly port: number;
  readonly endpoint: string;
  readonly clock: FixedClock;
  readonly directory: InMemoryAccessKeyDirectory;
  readonly operations: RecordingOperations;
  readonly reports: InternalErrorReport[];
  client(options?: ClientOptions): KMSClient;
}

export async function startServer(settings: Partial<KmsHttpSettings> = {}): Promise<RunningServer> {
  const clock = new FixedClock(SERVER_TIME);
  const directory = directoryWithAlice();
  const operations = new RecordingOperations();
  const reports: InternalErrorReport[] = [];
  const server = new KmsHttpServer(operations, directory, clock, {
    maxBodyBytes: 1024 * 1024,
    reportInternalError: (report) => reports.push(report),
    ...settings,
  });
  const port = await server.listen(0, '127.0.0.1');
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    server,
    port,
    endpoint,
    clock,
    directory,
    operations,
    reports,
    client: (options = {}) =>
      new KMSClient({
        endpoint,
        region: REGION,
        maxAttempts: options.maxAttempts ?? 1,
        // The SDK signs with the wall clock plus this offset: aligned with the server's fixed clock.
        systemClockOffset: SERVER_TIME.getTime() - Date.now() + (options.skewMs ?? 0),
        credentials: {
          accessKeyId: options.accessKeyId ?? ALICE_KEY.accessKeyId,
          secretAccessKey: options.secretAccessKey ?? ALICE_KEY.secretAccessKey,
        },
      }),
  };
}
