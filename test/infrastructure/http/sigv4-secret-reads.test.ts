import { describe, expect, it } from 'vitest';
import type { AccessKeyDirectory, AccessKeyRecord } from '../../../src/application/ports/access-key-directory.js';
import { KmsError } from '../../../src/domain/errors.js';
import { SigV4Authenticator, type SignedRequest } from '../../../src/infrastructure/http/sigv4/sigv4-authenticator.js';
import { ALICE, ALICE_KEY, FixedClock } from './support/doubles.js';
import { signedHeaders } from './support/raw-http.js';
import { SERVER_TIME } from './support/server-fixture.js';

async function signedWith(secretAccessKey: string): Promise<SignedRequest> {
  const body = '{}';
  const headers = await signedHeaders(4000, body, { target: 'TrentService.ListKeys', secretAccessKey });
  return {
    method: 'POST',
    path: '/',
    query: {},
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
    body: new TextEncoder().encode(body),
  };
}

/** A directory whose record reveals its secret on demand and counts the reveals; `replace` stands for a changed key. */
class RevealingDirectory implements AccessKeyDirectory {
  reveals = 0;
  private record: AccessKeyRecord;

  constructor(secret: string) {
    this.record = this.recordFor(secret);
  }

  replace(secret: string): void {
    this.record = this.recordFor(secret);
  }

  async find(accessKeyId: string): Promise<AccessKeyRecord | null> {
    return accessKeyId === ALICE_KEY.accessKeyId ? this.record : null;
  }

  private recordFor(secret: string): AccessKeyRecord {
    const directory = this;
    return {
      get secretAccessKey(): string {
        directory.reveals++;
        return secret;
      },
      active: true,
      caller: ALICE,
    };
  }
}

describe('SigV4 authentication: reading the secret', () => {
  it('derives the signing key once for a record and then leaves its secret unread', async () => {
    const directory = new RevealingDirectory(ALICE_KEY.secretAccessKey);
    const authenticator = new SigV4Authenticator(directory, new FixedClock(SERVER_TIME));
    for (let i = 0; i < 3; i++) await expect(authenticator.authenticate(await signedWith(ALICE_KEY.secretAccessKey))).resolves.toMatchObject({ accessKeyId: ALICE_KEY.accessKeyId });
    expect(directory.reveals).toBe(1);
  });

  it('follows a new record for the same access key: the old secret stops working, the new one works', async () => {
    const directory = new RevealingDirectory(ALICE_KEY.secretAccessKey);
    const authenticator = new SigV4Authenticator(directory, new FixedClock(SERVER_TIME));
    await authenticator.authenticate(await signedWith(ALICE_KEY.secretAccessKey));
    directory.replace('another/secret/0123456789abcdefghijklmn');
    await expect(authenticator.authenticate(await signedWith(ALICE_KEY.secretAccessKey))).rejects.toEqual(expect.any(KmsError));
    await expect(authenticator.authenticate(await signedWith('another/secret/0123456789abcdefghijklmn'))).resolves.toMatchObject({ accessKeyId: ALICE_KEY.accessKeyId });
  });
});
