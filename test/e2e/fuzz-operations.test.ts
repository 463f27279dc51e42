/**
 * Model-shaped nonsense against the real KMS operations (the wire-layer fuzz test in
 * test/infrastructure/http stops at an operations double): members of the right names
 * with random values, wrong types and omissions, for every operation. Every answer is an
 * AWS error with its status or a success, never a 5xx, and every call leaves exactly one
 * audit record: its call record, or the domain events of the change it made.
 */
import { Agent } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/infrastructure/http/error-status.js';
import { KMS_SHAPES } from '../../src/infrastructure/http/model/kms-shapes.generated.js';
import type { Shape } from '../../src/infrastructure/http/model/shape.js';
import { ROOT_A } from '../application/kms/support/kms-fixture.js';
import { sendRaw, sendSigned, signedHeaders } from '../infrastructure/http/support/raw-http.js';
import { KmsServer, SERVER_TIME } from './support/kms-server.js';

const CALL_RECORD = 'KmsCallRecorded';
let server: KmsServer;
let port = 0;
let credentials: { accessKeyId: string; secretAccessKey: string };
let keyId = '';
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  server = await new KmsServer().start();
  port = Number(new URL(server.endpoint).port);
  credentials = server.credentials(ROOT_A);
  keyId = (await server.kms.createKey(ROOT_A, { Description: 'fuzz' })).keyId;
});
afterAll(async () => {
  agent.destroy();
  await server.close();
});

/** A value for a shape: usually of its type (sometimes a real key id or alias), now and then of another. */
function valueOf(shapeName: string, depth: number): fc.Arbitrary<unknown> {
  const shape: Shape | undefined = KMS_SHAPES.shapes[shapeName];
  const wrong = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 8 }), fc.constant([]), fc.constant({}));
  if (shape === undefined || depth > 3) return wrong;
  const right = ((): fc.Arbitrary<unknown> => {
    switch (shape.type) {
      case 'structure':
        return fc.record(Object.fromEntries(Object.entries(shape.members).map(([member, memberShape]) => [member, valueOf(memberShape, depth + 1)])), { requiredKeys: [] });
      case 'list':
        return fc.array(valueOf(shape.member, depth + 1), { maxLength: 3 });
      case 'map':
        return fc.dictionary(fc.string({ minLength: 0, maxLength: 6 }), valueOf(shape.value, depth + 1), { maxKeys: 3 });
      case 'string':
        return fc.oneof(
          ...(shape.enum ? [fc.constantFrom(...shape.enum)] : []),
          fc.constantFrom(keyId, `alias/fuzz`, `arn:aws:kms:eu-west-3:111122223333:key/${keyId}`, 'arn:aws:iam::111122223333:root'),
          fc.string({ maxLength: 24 }),
          fc.string({ minLength: 300, maxLength: 400 }),
        );
      case 'blob':
        return fc.oneof(fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b).toString('base64')), fc.string({ maxLength: 12 }));
      case 'integer':
      case 'long':
        return fc.integer({ min: -3, max: 5000 });
      case 'boolean':
        return fc.boolean();
      case 'timestamp':
        return fc.integer({ min: 0, max: 2_000_000_000 });
      default:
        return wrong;
    }
  })();
  return fc.oneof({ weight: 9, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

const call = fc.constantFrom(...Object.keys(KMS_SHAPES.operations)).chain((operation) => valueOf(KMS_SHAPES.operations[operation]!, 0).map((input) => ({ operation, input })));

describe('the real KMS operations under model-shaped nonsense', () => {
  it('answer with AWS errors or successes only, and record every call exactly once', async () => {
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(call, async ({ operation, input }) => {
        const response = await sendSigned(port, `TrentService.${operation}`, JSON.stringify(input), { ...credentials, signingDate: SERVER_TIME, agent });
        expect(response.status).toBeLessThan(500);
        if (response.status !== 200) {
          expect(response.status).toBe(ERROR_STATUS[response.json?.__type as keyof typeof ERROR_STATUS]);
          expect(typeof response.json?.message).toBe('string');
        }
        outcomes.add(response.status === 200 ? `${operation} ok` : String(response.json?.__type));
        const requestId = String(response.headers['x-amzn-requestid']);
        const records = await server.kms.eventsOfRequest(requestId);
        const callRecords = records.filter((e) => e.type === CALL_RECORD).length;
        // A call record alone, or the change's domain events alone.
        expect([callRecords, records.length > callRecords ? 'changes' : 'none']).toEqual(callRecords === 1 ? [1, 'none'] : [0, 'changes']);
      }),
      { numRuns: 1500 },
    );
    // The input got past validation to the operations, and through them to successes and domain errors.
    expect([...outcomes].filter((o) => o.endsWith(' ok')).length).toBeGreaterThan(5);
    expect([...outcomes]).toEqual(expect.arrayContaining(['ValidationException', 'NotFoundException']));
  }, 120_000);
});

describe('an authenticated call to no KMS operation', () => {
  it('is refused and recorded once, under the operation it named, or UnknownOperation', async () => {
    const named = await sendSigned(port, 'TrentService.Sign', '{}', { ...credentials, signingDate: SERVER_TIME });
    const headers = await signedHeaders(port, '{}', { ...credentials, signingDate: SERVER_TIME });
    const unnamed = await sendRaw({ port, method: 'POST', path: '/', headers, body: '{}' });
    for (const [response, operation] of [
      [named, 'Sign'],
      [unnamed, 'UnknownOperation'],
    ] as const) {
      expect([response.status, response.json?.__type]).toEqual([400, 'UnknownOperationException']);
      const records = await server.kms.eventsOfRequest(String(response.headers['x-amzn-requestid']));
      expect(records.map((e) => [e.type, (e.data as { operation: string }).operation, (e.data as { errorCode: string }).errorCode])).toEqual([
        [CALL_RECORD, operation, 'UnknownOperationException'],
      ]);
    }
  });
});
