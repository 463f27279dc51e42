import { createHash } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmzDate } from '../../../src/infrastructure/http/sigv4/amz-date.js';
import { parseAuthorization } from '../../../src/infrastructure/http/sigv4/authorization-header.js';
import { requestSignature, SigningKeyCache } from '../../../src/infrastructure/http/sigv4/request-signature.js';

const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
const headerValue = fc.stringMatching(/^[ \t]{0,2}[ -~]{0,20}[ \t]{0,2}$/);
const pathSegment = fc.oneof(fc.constantFrom('.', '..', '', 'a b', 'x%2Fy', "it's", '*'), fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%-]{1,8}$/));
const queryValue = fc.stringMatching(/^[ -~]{0,10}$/);

const request = fc.record({
  method: fc.constantFrom('POST', 'GET', 'PUT'),
  path: fc.array(pathSegment, { maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
  query: fc.dictionary(fc.stringMatching(/^[A-Za-z0-9 _.-]{1,6}$/), fc.oneof(queryValue, fc.array(queryValue, { maxLength: 3 })), { maxKeys: 3 }),
  headers: fc.dictionary(token, headerValue, { maxKeys: 5 }),
  body: fc.uint8Array({ maxLength: 64 }),
  declaresPayloadHash: fc.boolean(),
  time: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }),
  region: fc.constantFrom('us-east-1', 'eu-central-1', 'ap-southeast-2'),
});

describe('the SigV4 signature of a received request', () => {
  it('is the one the SDK signer makes, for any method, path, query, headers and body', async () => {
    const keys = new SigningKeyCache(4);
    const sdk = new SignatureV4({ service: 'kms', region: 'us-east-1', credentials: CREDENTIALS, sha256: Hash.bind(null, 'sha256'), uriEscapePath: true, applyChecksum: false });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { host: 'localhost:4599', 'x-amz-target': 'TrentService.Encrypt', ...r.headers };
        if (r.declaresPayloadHash) headers['x-amz-content-sha256'] = createHash('sha256').update(r.body).digest('hex');
        const signed = await sdk.sign(
          new HttpRequest({ method: r.method, protocol: 'http:', hostname: 'localhost', path: r.path, query: r.query, headers, body: r.body }),
          { signingDate: r.time, signingRegion: r.region, signingService: 'kms' },
        );
        const authorization = parseAuthorization(String(signed.headers['authorization']));
        const received = new Map(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
        const signedHeaderValues = new Map(authorization.signedHeaders.map((name) => [name, received.get(name) ?? '']));
        const ours = requestSignature(
          { method: r.method, path: r.path, query: r.query, signedHeaderValues, body: r.body },
          { ...CREDENTIALS, longDate: formatAmzDate(r.time), region: r.region, service: 'kms' },
          keys,
        );
        expect(ours).toBe(authorization.signature);
      }),
      { numRuns: 300 },
    );
  });

  it('derives the signing key again when the secret behind an access key is another one', () => {
    const keys = new SigningKeyCache();
    const scope = { accessKeyId: CREDENTIALS.accessKeyId, shortDate: '20310504', region: 'us-east-1', service: 'kms' };
    const first = keys.signingKey({ ...scope, secretAccessKey: 'one' });
    expect(keys.signingKey({ ...scope, secretAccessKey: 'one' })).toBe(first);
    expect(keys.signingKey({ ...scope, secretAccessKey: 'two' }).equals(first)).toBe(false);
  });

  it('matches the AWS documentation example signing key', () => {
    // Signature Version 4 documentation: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215, us-east-1, iam.
    const key = new SigningKeyCache().signingKey({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      shortDate: '20120215',
      region: 'us-east-1',
      service: 'iam',
    });
    expect(key.toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });
});
