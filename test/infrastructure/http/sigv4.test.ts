import { describe, expect, it } from 'vitest';
import { KmsError } from '../../../src/domain/errors.js';
import { formatAmzDate, parseAmzDate } from '../../../src/infrastructure/http/sigv4/amz-date.js';
import { parseAuthorization } from '../../../src/infrastructure/http/sigv4/authorization-header.js';
import { SigV4Authenticator, type SignedRequest } from '../../../src/infrastructure/http/sigv4/sigv4-authenticator.js';
import { ALICE, ALICE_KEY, directoryWithAlice, FixedClock } from './support/doubles.js';
import { signedHeaders } from './support/raw-http.js';
import { SERVER_TIME } from './support/server-fixture.js';

const PORT = 4000;

async function signed(body: string, extraHeaders: Record<string, string> = {}): Promise<SignedRequest> {
  const headers = await signedHeaders(PORT, body, { target: 'TrentService.ListKeys', extraHeaders });
  return {
    method: 'POST',
    path: '/',
    query: {},
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
    body: new TextEncoder().encode(body),
  };
}

function codeOf(promise: Promise<unknown>): Promise<[string, string]> {
  return promise.then(
    () => ['none', ''],
    (error: unknown) => (error instanceof KmsError ? [error.code, error.message] : ['not a KmsError', String(error)]),
  );
}

describe('SigV4 authentication', () => {
  const authenticator = new SigV4Authenticator(directoryWithAlice(), new FixedClock(SERVER_TIME));

  it('names the caller, the access key and the region of a valid signature', async () => {
    await expect(authenticator.authenticate(await signed('{"Limit":3}'))).resolves.toEqual({
      caller: { ...ALICE, accessKeyId: ALICE_KEY.accessKeyId },
      accessKeyId: ALICE_KEY.accessKeyId,
      region: 'eu-west-3',
    });
  });

  it('accepts a signed x-amz-content-sha256 that names the body, as SDKs send it', async () => {
    const request = await signed('{}', { 'x-amz-content-sha256': '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' });
    await expect(authenticator.authenticate(request)).resolves.toMatchObject({ accessKeyId: ALICE_KEY.accessKeyId });
  });

  it('treats a signed header named like an Object member as absent', async () => {
    const request = await signed('{}');
    const authorization = request.headers['authorization']!.replace('SignedHeaders=', 'SignedHeaders=constructor;');
    await expect(codeOf(authenticator.authenticate({ ...request, headers: { ...request.headers, authorization } }))).resolves.toEqual([
      'IncompleteSignatureException',
      "'constructor' is named as a SignedHeader, but it does not exist in the HTTP request.",
    ]);
  });

  it('refuses a signed header whose value changed', async () => {
    const request = await signed('{}');
    const tampered = { ...request, headers: { ...request.headers, 'x-amz-target': 'TrentService.ScheduleKeyDeletion' } };
    await expect(codeOf(authenticator.authenticate(tampered))).resolves.toEqual(['InvalidSignatureException', expect.stringMatching(/^The request signature we calculated/)]);
  });

  it('refuses a malformed X-Amz-Date', async () => {
    const request = await signed('{}');
    for (const date of ['2031-05-04T12:00:00Z', '20310230T120000Z', 'yesterday']) {
      const [code] = await codeOf(authenticator.authenticate({ ...request, headers: { ...request.headers, 'x-amz-date': date } }));
      expect(code).toBe('IncompleteSignatureException');
    }
  });
});

describe('the parts of a signature', () => {
  it('parses the Authorization header', () => {
    expect(
      parseAuthorization(
        'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20310504/us-east-1/kms/aws4_request, SignedHeaders=Host;X-Amz-Date, Signature=abc123',
      ),
    ).toEqual({
      credential: { accessKeyId: 'AKIAEXAMPLE', date: '20310504', region: 'us-east-1', service: 'kms', terminator: 'aws4_request' },
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'abc123',
    });
    expect(() => parseAuthorization('AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20310504/kms, SignedHeaders=host, Signature=a')).toThrow(
      /Credential 'AKIAEXAMPLE\/20310504\/kms' is malformed/,
    );
    expect(() => parseAuthorization('AWS4-ECDSA-P256-SHA256 Credential=a')).toThrow("Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'.");
  });

  it('reads only real instants in the basic ISO-8601 format', () => {
    expect(parseAmzDate('20310504T120000Z')?.toISOString()).toBe('2031-05-04T12:00:00.000Z');
    expect(parseAmzDate('20310229T120000Z')).toBeNull();
    expect(parseAmzDate('20310504T250000Z')).toBeNull();
    expect(formatAmzDate(new Date('2031-05-04T12:00:00.999Z'))).toBe('20310504T120000Z');
  });
});
