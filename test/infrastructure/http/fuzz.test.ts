import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ERROR_STATUS } from '../../../src/infrastructure/http/error-status.js';
import { KMS_SHAPES } from '../../../src/infrastructure/http/model/kms-shapes.generated.js';
import type { Shape } from '../../../src/infrastructure/http/model/shape.js';
import { sendRaw, sendSigned } from './support/raw-http.js';
import { startServer, type RunningServer } from './support/server-fixture.js';

const OPERATIONS = Object.keys(KMS_SHAPES.operations);
const MAX_BODY = 32 * 1024;

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constant([[{}]]),
);

/** Input that follows an operation's shapes now and then, and breaks them (type, size, range, encoding) often. */
function valueFor(shapeName: string, depth = 0): fc.Arbitrary<unknown> {
  const shape = KMS_SHAPES.shapes[shapeName] as Shape;
  const around = (limit: number | undefined): fc.Arbitrary<number> =>
    limit === undefined ? fc.integer({ min: 0, max: 16 }) : fc.integer({ min: Math.max(0, limit - 1), max: limit + 1 });
  switch (shape.type) {
    case 'string':
      return fc.oneof(
        shape.enum ? fc.constantFrom(...shape.enum) : fc.string({ maxLength: 12 }),
        fc.string({ maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        around(shape.max && shape.max <= 4096 ? shape.max : undefined).map((n) => 'k'.repeat(n)),
        wrongType,
      );
    case 'integer':
    case 'long':
      return fc.oneof(
        fc.integer({ min: (shape.min ?? 0) - 2, max: (shape.max ?? 100) + 2 }),
        fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e308, -0, 0.5),
        wrongType,
      );
    case 'boolean':
      return fc.oneof(fc.boolean(), wrongType);
    case 'timestamp':
      return fc.oneof(fc.integer(), wrongType);
    case 'blob':
      return fc.oneof(
        fc.uint8Array({ maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64')),
        around(shape.max && shape.max <= 8192 ? shape.max : undefined).map((n) => Buffer.alloc(n, 3).toString('base64')),
        fc.string({ maxLength: 16 }),
        fc.stringMatching(/^[A-Za-z0-9+/=_-]{0,13}$/),
        wrongType,
      );
    case 'list':
      if (depth > 3) return wrongType;
      return fc.oneof(fc.array(valueFor(shape.member, depth + 1), { maxLength: shape.max ? shape.max + 2 : 4 }), wrongType);
    case 'map':
      if (depth > 3) return wrongType;
      return fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), valueFor(shape.value, depth + 1), { maxKeys: 4 }), wrongType);
    case 'structure': {
      if (depth > 3) return wrongType;
      const members = Object.fromEntries(Object.entries(shape.members).map(([member, target]) => [member, valueFor(target, depth + 1)]));
      return fc.oneof({ weight: 4, arbitrary: fc.record(members, { requiredKeys: [] }) }, { weight: 1, arbitrary: wrongType });
    }
  }
}

const malformedRequest = fc.oneof(
  // Shaped after a real operation, mostly wrong.
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(...OPERATIONS)
      .chain((operation) =>
        fc.record({
          target: fc.constant(`TrentService.${operation}`),
          body: valueFor(KMS_SHAPES.operations[operation]!).map((value) => JSON.stringify(value) ?? ''),
        }),
      ),
  },
  // Unknown, odd or missing targets.
  {
    weight: 1,
    arbitrary: fc.record({
      target: fc.oneof(
        fc.constantFrom('TrentService.', 'TrentService.Sign', 'TrentService.__proto__', 'TrentService.toString', 'trentservice.CreateKey', ''),
        fc.stringMatching(/^[!-~]{0,40}$/),
      ),
      body: fc.constant('{}'),
    }),
  },
  // Bodies that are not JSON, or JSON of any shape.
  {
    weight: 2,
    arbitrary: fc.record({
      target: fc.constantFrom(...OPERATIONS).map((operation) => `TrentService.${operation}`),
      body: fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 64 }), fc.string({ unit: 'binary', maxLength: 64 })),
    }),
  },
  // Bodies over the limit.
  {
    weight: 1,
    arbitrary: fc.record({
      target: fc.constant('TrentService.Encrypt'),
      body: fc.integer({ min: MAX_BODY + 1, max: MAX_BODY * 3 }).map((n) => `{"KeyId":"k","Plaintext":"${'A'.repeat(n)}"}`),
    }),
  },
);

describe('the KMS wire layer under malformed input', () => {
  let running: RunningServer;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    running = await startServer({ maxBodyBytes: MAX_BODY });
  });
  afterAll(async () => {
    agent.destroy();
    await running.server.close();
  });

  it('answers thousands of malformed requests with AWS errors only, and keeps serving', async () => {
    const knownTypes = new Set(Object.keys(ERROR_STATUS));
    const statuses = new Set<number>();
    const types = new Set<string>();
    await fc.assert(
      fc.asyncProperty(malformedRequest, async ({ target, body }) => {
        const response = await sendSigned(running.port, target, body, { agent });
        statuses.add(response.status);
        if (response.json?.__type) types.add(response.json.__type);
        expect(response.status).not.toBeGreaterThanOrEqual(500);
        if (response.status !== 200) {
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(knownTypes.has(String(response.json?.__type))).toBe(true);
          expect(typeof response.json?.message).toBe('string');
          expect(response.status).toBe(ERROR_STATUS[response.json!.__type as keyof typeof ERROR_STATUS]);
        }
      }),
      { numRuns: 4000 },
    );
    expect(running.reports).toEqual([]);
    // The input reached every kind of check, not just the first one.
    expect([...statuses].sort()).toEqual([200, 400, 413]);
    expect([...types].sort()).toEqual([
      'RequestEntityTooLargeException',
      'SerializationException',
      'UnknownOperationException',
      'ValidationException',
    ]);
    const healthy = await sendSigned(running.port, 'TrentService.ListKeys', '{}');
    expect(healthy.status).toBe(200);
  });

  it('answers mangled signatures with authentication errors only', async () => {
    const authTypes = new Set([
      'MissingAuthenticationTokenException',
      'IncompleteSignatureException',
      'InvalidSignatureException',
      'UnrecognizedClientException',
    ]);
    const callsBefore = running.operations.calls.length;
    const printable = fc.stringMatching(/^[ -~]{0,120}$/);
    const mangle = fc.record({
      authorization: fc.oneof(
        printable,
        printable.map((text) => `AWS4-HMAC-SHA256 ${text}`),
        fc.tuple(printable, printable, printable).map(([c, h, s]) => `AWS4-HMAC-SHA256 Credential=${c}, SignedHeaders=${h}, Signature=${s}`),
      ),
      date: fc.oneof(fc.constant(undefined), printable, fc.stringMatching(/^\d{8}T\d{6}Z$/)),
    });
    await fc.assert(
      fc.asyncProperty(mangle, async ({ authorization, date }) => {
        const headers: Record<string, string> = {
          host: `127.0.0.1:${running.port}`,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'TrentService.ListKeys',
          authorization,
          ...(date === undefined ? {} : { 'x-amz-date': date }),
        };
        const response = await sendRaw({ port: running.port, headers, body: '{}', agent });
        expect(response.status).toBe(400);
        expect(authTypes.has(String(response.json?.__type))).toBe(true);
      }),
      { numRuns: 1500 },
    );
    expect(running.reports).toEqual([]);
    // Not one of them reached an operation.
    expect(running.operations.calls).toHaveLength(callsBefore);
  });
});
