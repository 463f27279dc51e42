import { KMSClient } from '@aws-sdk/client-kms';
import type { AccessKeyDirectory, AccessKeyRecord } from '../../../src/application/ports/access-key-directory.js';
import { AccessKeyDirectory as AccessKeyDirectoryToken } from '../../../src/application/ports/access-key-directory.js';
import { Clock } from '../../../src/application/ports/clock.js';
import type { CallerIdentity } from '../../../src/domain/call-context.js';
import { KmsHttpServer } from '../../../src/infrastructure/http/kms-http-server.js';
import { KmsHttpSettings } from '../../../src/infrastructure/http/kms-http-settings.js';
import { KmsFixture, REGION } from '../../application/kms/support/kms-fixture.js';

/** Fixed, and far from the wall clock on purpose: nothing may depend on the real time. */
export const SERVER_TIME = new Date('2031-05-04T12:00:00.000Z');

class FixedClock implements Clock {
  constructor(public current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
}

/** Access keys of the test callers; the identity policies themselves live in the event store. */
class TestAccessKeys implements AccessKeyDirectory {
  private readonly keys = new Map<string, AccessKeyRecord>();

  add(caller: CallerIdentity): { accessKeyId: string; secretAccessKey: string } {
    const accessKeyId = `AKIA${caller.principalId.replace(/[^A-Z0-9]/g, '').padEnd(16, '0').slice(-16)}`;
    const secretAccessKey = `secret/${caller.arn}`;
    this.keys.set(accessKeyId, { secretAccessKey, active: true, caller: { ...caller, accessKeyId } });
    return { accessKeyId, secretAccessKey };
  }

  async find(accessKeyId: string): Promise<AccessKeyRecord | null> {
    return this.keys.get(accessKeyId) ?? null;
  }
}

/** The real KmsHttpServer on 127.0.0.1:0 in front of the real KMS operations, for the real AWS SDK. */
export class KmsServer {
  readonly kms = new KmsFixture();
  readonly clock = new FixedClock(SERVER_TIME);
  private readonly accessKeys = new TestAccessKeys();
  private server: KmsHttpServer | null = null;
  endpoint = '';

  async start(): Promise<this> {
    const c = this.kms.container;
    c.bind<AccessKeyDirectory>(AccessKeyDirectoryToken).toConstantValue(this.accessKeys);
    c.bind<Clock>(Clock).toConstantValue(this.clock);
    c.bind<KmsHttpSettings>(KmsHttpSettings).toConstantValue({ maxBodyBytes: 1024 * 1024 });
    c.bind(KmsHttpServer).toSelf();
    this.server = c.get(KmsHttpServer);
    const port = await this.server.listen(0, '127.0.0.1');
    this.endpoint = `http://127.0.0.1:${port}`;
    return this;
  }

  /** An access key for `caller`, for requests signed by hand. */
  credentials(caller: CallerIdentity): { accessKeyId: string; secretAccessKey: string } {
    return this.accessKeys.add(caller);
  }

  /** A KMS SDK client signing as `caller`, in the fixture's Region. */
  client(caller: CallerIdentity): KMSClient {
    const credentials = this.accessKeys.add(caller);
    return new KMSClient({
      endpoint: this.endpoint,
      region: REGION,
      maxAttempts: 1,
      // The SDK signs with the wall clock plus this offset: aligned with the server's fixed clock.
      systemClockOffset: this.clock.current.getTime() - Date.now(),
      credentials,
    });
  }

  async close(): Promise<void> {
    await this.server?.close();
    await this.kms.close();
  }
}

/** The error an SDK call fails with: its name is the KMS error code. */
export async function sdkError(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (e) {
    const error = e as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
    const failure = { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
    // Not enumerable: tests compare the failure with toEqual, the request id is for audit look-ups.
    Object.defineProperty(failure, 'requestId', { value: error.$metadata?.requestId, enumerable: false });
    return failure;
  }
  throw new Error('expected the call to fail');
}
