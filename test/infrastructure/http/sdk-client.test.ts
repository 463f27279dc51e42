import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateRandomCommand,
  ListKeysCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { KmsError } from '../../../src/domain/errors.js';
import { ALICE, ALICE_KEY, RETIRED_KEY } from './support/doubles.js';
import { REGION, SERVER_TIME, startServer, type RunningServer } from './support/server-fixture.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function errorOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; requestId?: string } }> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as Error,
  );
}

describe('the KMS wire layer with the real AWS SDK', () => {
  let running: RunningServer;

  beforeAll(async () => {
    running = await startServer();
  });
  afterAll(async () => {
    await running.server.close();
  });
  beforeEach(() => {
    running.operations.calls.length = 0;
    running.operations.rejected.length = 0;
    running.reports.length = 0;
  });

  it('passes a signed call through with its decoded input and the call context', async () => {
    const output = await running.client().send(
      new CreateKeyCommand({ Description: 'payroll', Tags: [{ TagKey: 'team', TagValue: 'finance' }] }),
    );

    expect(running.operations.calls).toHaveLength(1);
    const [{ operation, input, call }] = running.operations.calls as [(typeof running.operations.calls)[number]];
    expect(operation).toBe('CreateKey');
    expect(input).toEqual({ Description: 'payroll', Tags: [{ TagKey: 'team', TagValue: 'finance' }] });
    expect(call).toEqual({
      requestId: output.$metadata.requestId,
      eventId: expect.stringMatching(UUID),
      time: SERVER_TIME.toISOString(),
      caller: { ...ALICE, accessKeyId: ALICE_KEY.accessKeyId },
      sourceIp: '127.0.0.1',
      userAgent: expect.stringContaining('aws-sdk-js'),
      region: REGION,
      operation: 'CreateKey',
      eventType: 'AwsApiCall',
    });
    expect(call.requestId).toMatch(UUID);
    expect(call.eventId).not.toBe(call.requestId);
    // Timestamps travel as epoch seconds and come back to the SDK as the same instant.
    expect(output.KeyMetadata?.CreationDate?.toISOString()).toBe(SERVER_TIME.toISOString());
    expect(output.KeyMetadata?.Description).toBe('payroll');
  });

  it('carries blobs as base64 both ways', async () => {
    const client = running.client();
    const plaintext = new TextEncoder().encode('attack at dawn');
    const encrypted = await client.send(new EncryptCommand({ KeyId: 'alias/payroll', Plaintext: plaintext }));
    const sent = running.operations.calls[0]!.input['Plaintext'];
    expect(sent).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(sent as Uint8Array).toString()).toBe('attack at dawn');
    expect(Buffer.from(encrypted.CiphertextBlob!).toString()).toBe('nwad ta kcatta');

    const decrypted = await client.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }));
    expect(new TextDecoder().decode(decrypted.Plaintext)).toBe('attack at dawn');
    expect(decrypted.KeyId).toMatch(new RegExp(`^arn:aws:kms:${REGION}:${ALICE.accountId}:key/`));
    expect(running.operations.calls[1]!.input).toEqual({ CiphertextBlob: encrypted.CiphertextBlob });
  });

  it('passes numbers and paginated list input through', async () => {
    const random = await running.client().send(new GenerateRandomCommand({ NumberOfBytes: 48 }));
    expect(random.Plaintext).toHaveLength(48);
    const keys = await running.client().send(new ListKeysCommand({ Limit: 5 }));
    expect(running.operations.calls.map((c) => c.input)).toEqual([{ NumberOfBytes: 48 }, { Limit: 5 }]);
    expect(keys.Truncated).toBe(false);
  });

  it('answers a wrong secret with InvalidSignatureException', async () => {
    const error = await errorOf(running.client({ secretAccessKey: 'not-the-secret' }).send(new ListKeysCommand({})));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(running.operations.calls).toHaveLength(0);
  });

  it('answers an unknown or inactive access key with UnrecognizedClientException', async () => {
    for (const accessKeyId of ['AKIAUNKNOWNEXAMPLE01', RETIRED_KEY.accessKeyId]) {
      const error = await errorOf(
        running.client({ accessKeyId, secretAccessKey: RETIRED_KEY.secretAccessKey }).send(new ListKeysCommand({})),
      );
      expect(error.name).toBe('UnrecognizedClientException');
      expect(error.message).toBe('The security token included in the request is invalid.');
      expect(error.$metadata?.httpStatusCode).toBe(400);
    }
    expect(running.operations.calls).toHaveLength(0);
  });

  it('refuses a signature more than 15 minutes off the server clock', async () => {
    const late = await errorOf(running.client({ skewMs: -20 * 60_000 }).send(new ListKeysCommand({})));
    expect(late.name).toBe('InvalidSignatureException');
    expect(late.message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than 20310504T114500Z \(20310504T120000Z - 15 min\.\)$/,
    );
    const early = await errorOf(running.client({ skewMs: 20 * 60_000 }).send(new ListKeysCommand({})));
    expect(early.name).toBe('InvalidSignatureException');
    expect(early.message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than 20310504T121500Z/);
    expect(running.operations.calls).toHaveLength(0);
  });

  it('lets the SDK correct its clock from the Date header, as with AWS', async () => {
    const output = await running.client({ skewMs: -20 * 60_000, maxAttempts: 2 }).send(new ListKeysCommand({}));
    expect(output.Keys).toHaveLength(1);
    expect(running.operations.calls).toHaveLength(1);
  });

  it('accepts a signature within 15 minutes of the server clock', async () => {
    await running.client({ skewMs: -14 * 60_000 }).send(new ListKeysCommand({}));
    await running.client({ skewMs: 14 * 60_000 }).send(new ListKeysCommand({}));
    expect(running.operations.calls).toHaveLength(2);
  });

  it("maps the operation's KmsError to its type and status", async () => {
    running.operations.failWith('DescribeKey', () => {
      throw new KmsError('NotFoundException', "Key 'arn:aws:kms:eu-west-3:111122223333:key/nope' does not exist");
    });
    const error = await errorOf(running.client().send(new DescribeKeyCommand({ KeyId: 'nope' })));
    expect(error.name).toBe('NotFoundException');
    expect(error.message).toBe("Key 'arn:aws:kms:eu-west-3:111122223333:key/nope' does not exist");
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.$metadata?.requestId).toMatch(UUID);
  });

  it('turns an unexpected failure into KMSInternalException 500 and reports it', async () => {
    running.operations.failWith('TagResource', () => {
      throw new TypeError('cannot read properties of undefined');
    });
    const error = await errorOf(
      running.client().send(new TagResourceCommand({ KeyId: 'k', Tags: [{ TagKey: 'a', TagValue: 'b' }] })),
    );
    expect(error.name).toBe('KMSInternalException');
    expect(error.message).not.toContain('undefined');
    expect(error.$metadata?.httpStatusCode).toBe(500);
    expect(running.reports).toHaveLength(1);
    expect(running.reports[0]).toMatchObject({ operation: 'TagResource', requestId: error.$metadata?.requestId });
    expect((running.reports[0]!.error as Error).message).toBe('cannot read properties of undefined');
  });

  it('rejects input that breaks the model with a ValidationException naming the member', async () => {
    const error = await errorOf(running.client().send(new GenerateRandomCommand({ NumberOfBytes: 2048 })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      "1 validation error detected: Value '2048' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
    expect(running.operations.calls).toHaveLength(0);
    // Refused before the operation, yet authenticated: it still leaves its audit record.
    expect(running.operations.rejected).toHaveLength(1);
    expect(running.operations.rejected[0]).toMatchObject({
      operation: 'GenerateRandom',
      input: { NumberOfBytes: 2048 },
      call: { requestId: error.$metadata?.requestId, operation: 'GenerateRandom' },
      error: { code: 'ValidationException' },
    });
  });
});
