import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendRaw, sendSigned, signedHeaders } from './support/raw-http.js';
import { SERVER_TIME, startServer, type RunningServer } from './support/server-fixture.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the KMS wire layer, byte by byte', () => {
  let running: RunningServer;
  let port: number;

  beforeAll(async () => {
    running = await startServer({ maxBodyBytes: 64 * 1024 });
    port = running.port;
  });
  afterAll(async () => {
    await running.server.close();
  });
  beforeEach(() => {
    running.operations.calls.length = 0;
  });

  it('answers in AWS JSON 1.1 with a request id and the server clock', async () => {
    const response = await sendSigned(port, 'TrentService.ListKeys', '{}');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(response.headers['x-amzn-requestid']).toMatch(UUID);
    expect(response.headers['date']).toBe(SERVER_TIME.toUTCString());
    expect(response.json).toMatchObject({ Truncated: false });
    expect(running.operations.calls[0]!.call.requestId).toBe(response.headers['x-amzn-requestid']);
  });

  it('reads an empty body as an empty input', async () => {
    const response = await sendSigned(port, 'TrentService.ListKeys', '');
    expect(response.status).toBe(200);
    expect(running.operations.calls[0]!.input).toEqual({});
  });

  describe('authentication', () => {
    it('wants an Authorization header', async () => {
      const response = await sendRaw({
        port,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' },
        body: '{}',
      });
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' });
      expect(response.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    });

    it('names the parameters a malformed Authorization header lacks', async () => {
      const headers = { ...(await signedHeaders(port, '{}', { target: 'TrentService.ListKeys' })), authorization: 'Bearer abc' };
      const response = await sendRaw({ port, headers, body: '{}' });
      expect(response.status).toBe(400);
      expect(response.json?.__type).toBe('IncompleteSignatureException');
      expect(response.json?.message).toBe(
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
          "Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc",
      );
    });

    it('refuses a key=value pair without its equal sign', async () => {
      const signed = await signedHeaders(port, '{}', { target: 'TrentService.ListKeys' });
      const authorization = signed['authorization']!.replace('Credential=', 'Credential ');
      const response = await sendRaw({ port, headers: { ...signed, authorization }, body: '{}' });
      expect(response.json?.__type).toBe('IncompleteSignatureException');
      expect(response.json?.message).toMatch(/not a valid key=value pair \(missing equal-sign\) in Authorization header/);
    });

    it('wants X-Amz-Date and every signed header', async () => {
      const signed = await signedHeaders(port, '{}', { target: 'TrentService.ListKeys' });
      const { ['x-amz-date']: _date, ...withoutDate } = signed;
      const noDate = await sendRaw({ port, headers: withoutDate, body: '{}' });
      expect(noDate.status).toBe(400);
      expect(noDate.json?.__type).toBe('IncompleteSignatureException');
      expect(noDate.json?.message).toMatch(/^Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header/);

      const authorization = signed['authorization']!.replace('SignedHeaders=', 'SignedHeaders=x-custom;');
      const missing = await sendRaw({ port, headers: { ...signed, authorization }, body: '{}' });
      expect(missing.json).toEqual({
        __type: 'IncompleteSignatureException',
        message: "'x-custom' is named as a SignedHeader, but it does not exist in the HTTP request.",
      });
    });

    it('refuses a credential scoped to another service or day', async () => {
      const signed = await signedHeaders(port, '{}', { target: 'TrentService.ListKeys' });
      const otherService = signed['authorization']!.replace('/kms/', '/s3/');
      const service = await sendRaw({ port, headers: { ...signed, authorization: otherService }, body: '{}' });
      expect(service.json).toEqual({ __type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'kms'." });

      const otherDay = signed['authorization']!.replace('/20310504/', '/20310503/');
      const day = await sendRaw({ port, headers: { ...signed, authorization: otherDay }, body: '{}' });
      expect(day.json?.__type).toBe('InvalidSignatureException');
      expect(day.json?.message).toBe(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20310503' != '20310504', from '20310504T120000Z'.",
      );
    });

    it('refuses a body other than the one signed', async () => {
      const headers = await signedHeaders(port, '{"Limit":5}', { target: 'TrentService.ListKeys' });
      const response = await sendRaw({ port, headers, body: '{"Limit":6}' });
      expect(response.status).toBe(400);
      expect(response.json?.__type).toBe('InvalidSignatureException');
      expect(running.operations.calls).toHaveLength(0);
    });

    it('checks a signed x-amz-content-sha256 against the body', async () => {
      const sha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
      const headers = await signedHeaders(port, '{}', { target: 'TrentService.ListKeys', extraHeaders: { 'x-amz-content-sha256': sha } });
      // Signed over the declared hash of an empty body, sent with another body.
      const response = await sendRaw({ port, headers, body: '{"Limit":1}' });
      expect(response.json?.__type).toBe('InvalidSignatureException');
      expect(running.operations.calls).toHaveLength(0);
    });

    it('knows no session tokens', async () => {
      const response = await sendSigned(port, 'TrentService.ListKeys', '{}', { extraHeaders: { 'x-amz-security-token': 'FQoGZXIvYXdzEJr' } });
      expect(response.json).toEqual({ __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    });
  });

  describe('routing', () => {
    it('answers an unknown or missing target with UnknownOperationException', async () => {
      for (const target of ['TrentService.MineBitcoin', 'DynamoDB_20120810.ListTables', 'TrentService.constructor', 'TrentService.Sign']) {
        const response = await sendSigned(port, target, '{}');
        expect(response.status).toBe(400);
        expect(response.json?.__type).toBe('UnknownOperationException');
      }
      const headers = await signedHeaders(port, '{}');
      const untargeted = await sendRaw({ port, headers, body: '{}' });
      expect(untargeted.json?.__type).toBe('UnknownOperationException');
    });

    it('serves POST / only', async () => {
      const get = await sendRaw({ port, method: 'GET', path: '/' });
      expect(get.status).toBe(400);
      expect(get.json?.__type).toBe('UnknownOperationException');
      const elsewhere = await sendSigned(port, 'TrentService.ListKeys', '{}', { path: '/keys' });
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.json?.__type).toBe('UnknownOperationException');
      const odd = await sendRaw({ port, method: 'POST', path: '//?__proto__=1&a=1&a=2' });
      expect(odd.json?.__type).toBe('UnknownOperationException');
    });

    it('wants the AWS JSON 1.1 content type', async () => {
      const response = await sendSigned(port, 'TrentService.ListKeys', '{}', { contentType: 'application/json' });
      expect(response.status).toBe(400);
      expect(response.json?.__type).toBe('SerializationException');
      expect(response.json?.message).toMatch(/application\/x-amz-json-1\.1/);
      const withCharset = await sendSigned(port, 'TrentService.ListKeys', '{}', { contentType: 'application/x-amz-json-1.1; charset=utf-8' });
      expect(withCharset.status).toBe(200);
    });
  });

  describe('reading the input', () => {
    it('answers a body that is not JSON with SerializationException', async () => {
      for (const body of ['{"KeyId":', 'not json', '\u00ff{}', new Uint8Array([0x7b, 0xff, 0x7d])]) {
        const response = await sendSigned(port, 'TrentService.DescribeKey', body);
        expect(response.status).toBe(400);
        expect(response.json?.__type).toBe('SerializationException');
      }
    });

    it('answers a JSON value of the wrong type with SerializationException', async () => {
      const cases: [string, string, string][] = [
        ['TrentService.ListKeys', '{"Limit":"5"}', "STRING_VALUE can not be converted to an Integer (at 'limit')"],
        ['TrentService.ListKeys', '{"Limit":2.5}', "NUMBER_VALUE 2.5 can not be converted to an Integer (at 'limit')"],
        ['TrentService.DescribeKey', '{"KeyId":42}', "NUMBER_VALUE can not be converted to a String (at 'keyId')"],
        ['TrentService.DescribeKey', '{"KeyId":{"a":1}}', "Start of structure or map found where not expected. (at 'keyId')"],
        ['TrentService.DescribeKey', '[]', 'Start of list found where not expected.'],
        ['TrentService.DescribeKey', 'null', 'null can not be converted to a Structure'],
        ['TrentService.CreateKey', '{"Tags":{"TagKey":"a"}}', "Start of structure or map found where not expected. (at 'tags')"],
        ['TrentService.CreateKey', '{"MultiRegion":"yes"}', "STRING_VALUE can not be converted to a Boolean (at 'multiRegion')"],
        ['TrentService.Encrypt', '{"KeyId":"k","EncryptionContext":{"a":1}}', "NUMBER_VALUE can not be converted to a String (at 'encryptionContext.a')"],
        ['TrentService.CreateGrant', '{"KeyId":"k","GranteePrincipal":"p","Operations":["Decrypt",null]}', "null is not allowed as a list member (at 'operations.2.member')"],
      ];
      for (const [target, body, message] of cases) {
        const response = await sendSigned(port, target, body);
        expect({ body, status: response.status, json: response.json }).toEqual({
          body,
          status: 400,
          json: { __type: 'SerializationException', message },
        });
      }
      expect(running.operations.calls).toHaveLength(0);
    });

    it('answers bad base64 with SerializationException', async () => {
      for (const blob of ['not base64!', 'QUJD=A', 'QUJDR', 'QU JD', 'QUJD_-==']) {
        const response = await sendSigned(port, 'TrentService.Encrypt', JSON.stringify({ KeyId: 'k', Plaintext: blob }));
        expect(response.json).toEqual({ __type: 'SerializationException', message: "Blob value is not valid base64 (at 'plaintext')" });
      }
      const unpadded = await sendSigned(port, 'TrentService.Encrypt', JSON.stringify({ KeyId: 'k', Plaintext: 'QUJDRA' }));
      expect(unpadded.status).toBe(200);
      expect(Buffer.from(running.operations.calls[0]!.input['Plaintext'] as Uint8Array).toString()).toBe('ABCD');
    });

    it('ignores unknown members and treats null as absent', async () => {
      const response = await sendSigned(port, 'TrentService.ListKeys', '{"Limit":null,"Marker":null,"Flavour":"vanilla"}');
      expect(response.status).toBe(200);
      expect(running.operations.calls[0]!.input).toEqual({});
    });

    it('refuses a body over the limit with 413, declared or not', async () => {
      const huge = JSON.stringify({ KeyId: 'k', Plaintext: 'A'.repeat(100 * 1024) });
      const declared = await sendSigned(port, 'TrentService.Encrypt', huge);
      expect(declared.status).toBe(413);
      expect(declared.json?.__type).toBe('RequestEntityTooLargeException');

      const headers = { ...(await signedHeaders(port, huge, { target: 'TrentService.Encrypt' })), 'transfer-encoding': 'chunked' };
      const chunked = await sendRaw({ port, headers, body: huge });
      expect(chunked.status).toBe(413);
      expect(running.operations.calls).toHaveLength(0);

      const stillServing = await sendSigned(port, 'TrentService.ListKeys', '{}');
      expect(stillServing.status).toBe(200);
    });
  });

  describe('validation', () => {
    it('names a missing required member the way AWS does', async () => {
      const response = await sendSigned(port, 'TrentService.DescribeKey', '{}');
      expect(response.status).toBe(400);
      expect(response.json).toEqual({
        __type: 'ValidationException',
        message: "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
      });
    });

    it('lists every violation, with nested member paths', async () => {
      const body = JSON.stringify({
        KeyId: '',
        GranteePrincipal: 'arn:aws:iam::111122223333:user/bob',
        Operations: ['Decrypt', 'Teleport'],
        Name: 'bad name',
        GrantTokens: Array.from({ length: 11 }, () => 't'),
      });
      const response = await sendSigned(port, 'TrentService.CreateGrant', body);
      expect(response.json?.__type).toBe('ValidationException');
      expect(response.json?.message).toBe(
        '4 validation errors detected: ' +
          "Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
          "Value 'Teleport' at 'operations.2.member' failed to satisfy constraint: Member must satisfy enum value set: " +
          '[Decrypt, Encrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, ReEncryptFrom, ReEncryptTo, Sign, Verify, ' +
          'GetPublicKey, CreateGrant, RetireGrant, DescribeKey, GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext, ' +
          'GenerateMac, VerifyMac, DeriveSharedSecret]; ' +
          // Grant tokens are bearer credentials: never echoed (this message is also the call record's errorMessage).
          "Value '*** Sensitive Data Redacted ***' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10; " +
          "Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
      );
    });

    it('never echoes a grant token, alone or in its list', async () => {
      const token = 'g'.repeat(8193);
      const response = await sendSigned(port, 'TrentService.RetireGrant', JSON.stringify({ GrantToken: token }));
      expect(response.json?.message).toBe(
        "1 validation error detected: Value '*** Sensitive Data Redacted ***' at 'grantToken' failed to satisfy constraint: " +
          'Member must have length less than or equal to 8192',
      );
    });

    it('never echoes a sensitive value', async () => {
      const plaintext = Buffer.alloc(4097, 1).toString('base64');
      const response = await sendSigned(port, 'TrentService.Encrypt', JSON.stringify({ KeyId: 'k', Plaintext: plaintext }));
      expect(response.json?.message).toBe(
        "1 validation error detected: Value '*** Sensitive Data Redacted ***' at 'plaintext' failed to satisfy constraint: " +
          'Member must have length less than or equal to 4096',
      );
    });

    it('checks blob lengths after decoding', async () => {
      const ciphertext = Buffer.alloc(6145, 2).toString('base64');
      const response = await sendSigned(port, 'TrentService.Decrypt', JSON.stringify({ CiphertextBlob: ciphertext }));
      expect(response.json?.message).toBe(
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=6145 cap=6145]' at 'ciphertextBlob' " +
          'failed to satisfy constraint: Member must have length less than or equal to 6144',
      );
      const empty = await sendSigned(port, 'TrentService.Decrypt', JSON.stringify({ CiphertextBlob: '' }));
      expect(empty.json?.message).toMatch(/at 'ciphertextBlob' failed to satisfy constraint: Member must have length greater than or equal to 1$/);
    });

    it('checks list members and tag structures', async () => {
      const body = JSON.stringify({ KeyId: 'k', Tags: [{ TagKey: 'ok', TagValue: 'v' }, { TagKey: 'x'.repeat(129) }] });
      const response = await sendSigned(port, 'TrentService.TagResource', body);
      expect(response.json?.message).toBe(
        '2 validation errors detected: ' +
          `Value '${'x'.repeat(129)}' at 'tags.2.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128; ` +
          "Value null at 'tags.2.member.tagValue' failed to satisfy constraint: Member must not be null",
      );
    });
  });
});
