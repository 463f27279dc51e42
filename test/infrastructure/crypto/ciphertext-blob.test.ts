import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KmsError } from '../../../src/domain/errors.js';
import {
  AesGcmCiphertextCodec,
  openCiphertext,
  parseCiphertextHeader,
  sealCiphertext,
} from '../../../src/infrastructure/crypto/ciphertext-blob.js';
import { encodeEncryptionContext } from '../../../src/infrastructure/crypto/encryption-context.js';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const material = randomBytes(32);
const plaintext = Buffer.from('attack at dawn');
const context = { purpose: 'backup', tenant: 'acme' };

function expectInvalidCiphertext(open: () => unknown): void {
  let thrown: unknown;
  try {
    open();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(KmsError);
  expect((thrown as KmsError).code).toBe('InvalidCiphertextException');
}

describe('encodeEncryptionContext', () => {
  it('tells apart contexts that concatenate alike', () => {
    expect(encodeEncryptionContext({ ab: 'c' }).equals(encodeEncryptionContext({ a: 'bc' }))).toBe(false);
    expect(encodeEncryptionContext({ a: 'b', c: 'd' }).equals(encodeEncryptionContext({ a: 'bc', '': 'd' }))).toBe(false);
  });

  it('does not depend on the order the pairs were written in', () => {
    expect(encodeEncryptionContext({ b: '2', a: '1' })).toEqual(encodeEncryptionContext({ a: '1', b: '2' }));
  });

  it('sorts by UTF-8 bytes, not by UTF-16 code units', () => {
    // UTF-16 puts U+1F600 first (surrogate 0xD83D < 0xFF21); UTF-8 puts U+FF21 first (0xEF < 0xF0).
    const encoded = encodeEncryptionContext({ '\u{1F600}': 'x', '\uFF21': 'y' });
    const firstKeyLength = encoded.readUInt32BE(4);
    expect(encoded.subarray(8, 8 + firstKeyLength).toString('utf8')).toBe('\uFF21');
  });

  it('has the documented layout', () => {
    expect(encodeEncryptionContext({ a: 'bc' }).toString('hex')).toBe('00000001' + '00000001' + '61' + '00000002' + '6263');
  });

  it('encodes an absent and an empty context alike', () => {
    expect(encodeEncryptionContext(undefined)).toEqual(encodeEncryptionContext({}));
    expect(encodeEncryptionContext({}).toString('hex')).toBe('00000000');
  });

  it('never encodes two different contexts alike', () => {
    const ctx = fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 4 });
    fc.assert(
      fc.property(ctx, ctx, (a, b) => {
        const same = JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
        expect(encodeEncryptionContext(a).equals(encodeEncryptionContext(b))).toBe(same);
      }),
      { numRuns: 500 },
    );
  });
});

describe('sealCiphertext / openCiphertext', () => {
  it('round-trips with and without a context', () => {
    const blob = sealCiphertext({ keyId: KEY_ID, backingKeyVersion: 3, material, plaintext, encryptionContext: context });
    expect(openCiphertext(blob, material, { tenant: 'acme', purpose: 'backup' })).toEqual(plaintext);
    const bare = sealCiphertext({ keyId: KEY_ID, backingKeyVersion: 1, material, plaintext });
    expect(openCiphertext(bare, material)).toEqual(plaintext);
    expect(openCiphertext(bare, material, {})).toEqual(plaintext);
  });

  it('round-trips any plaintext and context', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 5 }), fc.integer({ min: 1, max: 2 ** 32 - 1 }), (pt, ctx, version) => {
        const blob = sealCiphertext({ keyId: KEY_ID, backingKeyVersion: version, material, plaintext: pt, encryptionContext: ctx });
        expect(parseCiphertextHeader(blob)).toMatchObject({ keyId: KEY_ID, backingKeyVersion: version, formatVersion: 1 });
        expect(openCiphertext(blob, material, ctx)).toEqual(Buffer.from(pt));
      }),
      { numRuns: 200 },
    );
  });

  it('carries key id and backing-key version in a header readable before decrypting', () => {
    const blob = sealCiphertext({ keyId: KEY_ID, backingKeyVersion: 7, material, plaintext });
    expect(blob.subarray(0, 3)).toEqual(Buffer.from([0x4b, 0x54, 0x01]));
    expect(parseCiphertextHeader(blob)).toEqual({ formatVersion: 1, keyId: KEY_ID, backingKeyVersion: 7, headerBytes: 4 + KEY_ID.length + 4 });
    expect(blob.length).toBe(4 + KEY_ID.length + 4 + 12 + plaintext.length + 16);
    expect(blob.includes(plaintext)).toBe(false);
  });

  it('refuses a different, missing or extra context', () => {
    const blob = sealCiphertext({ keyId: KEY_ID, backingKeyVersion: 1, material, plaintext, encryptionContext: context });
    expectInvalidCiphertext(() => openCiphertext(blob, material, { ...context, tenant: 'other' }));
    expectInvalidCiphertext(() => openCiphertext(blob, material, { purpose: 'backup' }));
    expectInvalidCiphertext(() => openCiphertext(blob, material, { ...context, extra: '' }));
    expectInvalidCiphertext(() => openCiphertext(blob, material));
  });

  it('refuses the context {"a":"bc"} for a blob sealed under {"ab":"c"}', () => {
    const blob = sealCiphertext({ keyId: KEY_ID, backingKeyVersion: 1, material, plaintext, encryptionContext: { ab: 'c' } });
    expectInvalidCiphertext(() => openCiphertext(blob, material, { a: 'bc' }));
  });

  it('refuses other material', () => {
    const blob = sealCiphertext({ keyId: KEY_ID, backingKeyVersion: 1, material, plaintext });
    expectInvalidCiphertext(() => openCiphertext(blob, randomBytes(32)));
  });

  it('detects every flipped bit, header included', () => {
    const blob = sealCiphertext({ keyId: KEY_ID, backingKeyVersion: 1, material, plaintext: Buffer.from('x'), encryptionContext: { a: 'b' } });
    for (let i = 0; i < blob.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const tampered = Buffer.from(blob);
        tampered[i]! ^= 1 << bit;
        expectInvalidCiphertext(() => openCiphertext(tampered, material, { a: 'b' }));
      }
    }
  });

  it('refuses every truncation and an appended byte', () => {
    const blob = sealCiphertext({ keyId: KEY_ID, backingKeyVersion: 1, material, plaintext });
    for (let length = 0; length < blob.length; length++) expectInvalidCiphertext(() => openCiphertext(blob.subarray(0, length), material));
    expectInvalidCiphertext(() => openCiphertext(Buffer.concat([blob, Buffer.of(0)]), material));
  });

  it('refuses bytes that are no blob at all, already at the header', () => {
    for (const junk of [Buffer.alloc(0), randomBytes(100), Buffer.from('KT'), Buffer.from([0x4b, 0x54, 0x02, 1, 0x41, 0, 0, 0, 1, ...randomBytes(28)])]) {
      expectInvalidCiphertext(() => parseCiphertextHeader(junk));
    }
    const invalidUtf8KeyId = Buffer.concat([Buffer.from([0x4b, 0x54, 0x01, 1, 0xff, 0, 0, 0, 1]), randomBytes(28)]);
    expectInvalidCiphertext(() => parseCiphertextHeader(invalidUtf8KeyId));
    const versionZero = Buffer.concat([Buffer.from([0x4b, 0x54, 0x01, 1, 0x41, 0, 0, 0, 0]), randomBytes(28)]);
    expectInvalidCiphertext(() => parseCiphertextHeader(versionZero));
  });

  it('refuses to seal with material that is not 256 bits', () => {
    expect(() => sealCiphertext({ keyId: KEY_ID, backingKeyVersion: 1, material: randomBytes(16), plaintext })).toThrow(/32 bytes/);
  });

  it('serves the CiphertextCodec port', () => {
    const codec = new AesGcmCiphertextCodec();
    const blob = codec.seal({ keyId: KEY_ID, backingKeyVersion: 2, material, plaintext, encryptionContext: context });
    expect(codec.parseHeader(blob)).toEqual({ formatVersion: 1, keyId: KEY_ID, backingKeyVersion: 2 });
    expect(codec.open(blob, material, context)).toEqual(plaintext);
  });
});
