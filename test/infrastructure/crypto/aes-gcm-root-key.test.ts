import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RootKeyMismatchError, UnwrapError } from '../../../src/application/material/root-key.js';
import { AesGcmRootKey } from '../../../src/infrastructure/crypto/aes-gcm-root-key.js';

const rootKey = new AesGcmRootKey(randomBytes(32));
const secret = randomBytes(32);
const LABEL = 'keytrail/backing-key/1234abcd/1';

describe('AesGcmRootKey', () => {
  it('unwraps what it wrapped', () => {
    expect(rootKey.unwrap(rootKey.wrap(secret, LABEL), LABEL)).toEqual(secret);
  });

  it('never wraps the same plaintext to the same bytes, nor shows the plaintext', () => {
    const a = rootKey.wrap(secret, LABEL);
    const b = rootKey.wrap(secret, LABEL);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(secret)).toBe(false);
  });

  it('starts with format version 1 and its key check value', () => {
    const wrapped = rootKey.wrap(secret, LABEL);
    expect(wrapped[0]).toBe(1);
    expect(wrapped.subarray(1, 9).toString('hex')).toBe(rootKey.keyCheckValue);
    expect(wrapped.length).toBe(1 + 8 + 12 + secret.length + 16);
  });

  it('refuses to unwrap under another label', () => {
    const wrapped = rootKey.wrap(secret, LABEL);
    expect(() => rootKey.unwrap(wrapped, 'keytrail/backing-key/1234abcd/2')).toThrow(UnwrapError);
  });

  it('detects every flipped bit', () => {
    const wrapped = rootKey.wrap(randomBytes(8), LABEL);
    for (let i = 0; i < wrapped.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const tampered = Buffer.from(wrapped);
        tampered[i]! ^= 1 << bit;
        expect(() => rootKey.unwrap(tampered, LABEL), `byte ${i} bit ${bit}`).toThrow(Error);
      }
    }
  });

  it('refuses every truncation', () => {
    const wrapped = rootKey.wrap(secret, LABEL);
    for (let length = 0; length < wrapped.length; length++) {
      expect(() => rootKey.unwrap(wrapped.subarray(0, length), LABEL)).toThrow(UnwrapError);
    }
  });

  it('names a wrong root key clearly, with both key check values', () => {
    const other = new AesGcmRootKey(randomBytes(32));
    const wrapped = rootKey.wrap(secret, LABEL);
    let thrown: unknown;
    try {
      other.unwrap(wrapped, LABEL);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(RootKeyMismatchError);
    const mismatch = thrown as RootKeyMismatchError;
    expect(mismatch.expectedKeyCheckValue).toBe(rootKey.keyCheckValue);
    expect(mismatch.actualKeyCheckValue).toBe(other.keyCheckValue);
    expect(mismatch.message).toContain('different root key');
  });

  it('refuses an unknown format version', () => {
    const wrapped = rootKey.wrap(secret, LABEL);
    wrapped[0] = 2;
    expect(() => rootKey.unwrap(wrapped, LABEL)).toThrow(/format version 2/);
  });

  it('gives the same key the same check value and derived secrets, another key others', () => {
    const bytes = randomBytes(32);
    const a = new AesGcmRootKey(bytes);
    const b = new AesGcmRootKey(Buffer.from(bytes));
    const c = new AesGcmRootKey(randomBytes(32));
    expect(a.keyCheckValue).toBe(b.keyCheckValue);
    expect(a.keyCheckValue).toMatch(/^[0-9a-f]{16}$/);
    expect(a.keyCheckValue).not.toBe(c.keyCheckValue);
    expect(a.deriveSecret('grant-token')).toEqual(b.deriveSecret('grant-token'));
    expect(a.deriveSecret('grant-token')).not.toEqual(c.deriveSecret('grant-token'));
  });

  it('derives unrelated 256-bit secrets per purpose, none equal to the root key', () => {
    const bytes = randomBytes(32);
    const key = new AesGcmRootKey(bytes);
    const one = key.deriveSecret('grant-token');
    const two = key.deriveSecret('something-else');
    expect(one).toHaveLength(32);
    expect(one.equals(two)).toBe(false);
    expect(one.equals(bytes)).toBe(false);
  });

  it('refuses a key that is not 256 bits', () => {
    expect(() => new AesGcmRootKey(randomBytes(16))).toThrow(/32 bytes/);
  });
});
