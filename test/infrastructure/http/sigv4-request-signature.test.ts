import { createHash } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAuthorization } from '../../../src/infrastructure/http/sigv4/authorization-header.js';
import { RequestSigner } from '../../../src/infrastructure/http/sigv4/request-signature.js';

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
  it('is the one the client signed, rebuilt from its signed headers alone, for any method, path, query, headers and body', async () => {
    const client = new SignatureV4({ service: 'kms', region: 'us-east-1', credentials: CREDENTIALS, sha256: Hash.bind(null, 'sha256'), uriEscapePath: true, applyChecksum: false });
    const server = new RequestSigner(() => CREDENTIALS, 'kms');
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { host: 'localhost:4599', 'x-amz-target': 'TrentService.Encrypt', ...r.headers };
        if (r.declaresPayloadHash) headers['x-amz-content-sha256'] = createHash('sha256').update(r.body).digest('hex');
        const signed = await client.sign(
          new HttpRequest({ method: r.method, protocol: 'http:', hostname: 'localhost', path: r.path, query: r.query, headers, body: r.body }),
          { signingDate: r.time, signingRegion: r.region, signingService: 'kms' },
        );
        const authorization = parseAuthorization(String(signed.headers['authorization']));
        const received = new Map(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
        const signedHeaderValues = new Map(authorization.signedHeaders.map((name) => [name, received.get(name) ?? '']));
        const ours = await server.signature({ method: r.method, path: r.path, query: r.query, signedHeaderValues, body: r.body }, r.time, r.region);
        expect(ours).toBe(authorization.signature);
      }),
      { numRuns: 300 },
    );
  });

  it('differs for another secret, another body, another Region or another time', async () => {
    const request = { method: 'POST', path: '/', query: {}, signedHeaderValues: new Map([['host', 'localhost'], ['x-amz-date', '20310504T120000Z']]), body: new Uint8Array([1]) };
    const time = new Date('2031-05-04T12:00:00Z');
    const reference = await new RequestSigner(() => CREDENTIALS, 'kms').signature(request, time, 'us-east-1');
    const variants = await Promise.all([
      new RequestSigner(() => ({ ...CREDENTIALS, secretAccessKey: 'another' }), 'kms').signature(request, time, 'us-east-1'),
      new RequestSigner(() => CREDENTIALS, 'kms').signature({ ...request, body: new Uint8Array([2]) }, time, 'us-east-1'),
      new RequestSigner(() => CREDENTIALS, 'kms').signature(request, time, 'eu-west-3'),
      new RequestSigner(() => CREDENTIALS, 'kms').signature(request, new Date(time.getTime() + 1000), 'us-east-1'),
    ]);
    for (const variant of variants) expect(variant).not.toBe(reference);
  });

  it('reads the secret once for a day and Region, again for another', async () => {
    let reads = 0;
    const signer = new RequestSigner(() => {
      reads++;
      return CREDENTIALS;
    }, 'kms');
    const request = { method: 'POST', path: '/', query: {}, signedHeaderValues: new Map([['host', 'localhost']]), body: new Uint8Array() };
    const time = new Date('2031-05-04T12:00:00Z');
    const first = await signer.signature(request, time, 'us-east-1');
    expect(await signer.signature(request, new Date(time.getTime() + 1000), 'us-east-1')).not.toBe(first);
    expect(reads).toBe(1);
    await signer.signature(request, time, 'eu-west-3');
    await signer.signature(request, new Date('2031-05-05T00:00:01Z'), 'eu-west-3');
    expect(reads).toBe(3);
  });
});
