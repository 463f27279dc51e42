import { randomBytes } from 'node:crypto';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { GrantTokens } from '../../../src/application/material/grant-tokens.js';
import { RootKey } from '../../../src/application/material/root-key.js';
import { KmsError } from '../../../src/domain/errors.js';
import { AesGcmRootKey } from '../../../src/infrastructure/crypto/aes-gcm-root-key.js';
import { HmacGrantTokens, grantIdFromToken, grantTokenFor } from '../../../src/infrastructure/crypto/grant-token.js';

const GRANT_ID = 'f'.repeat(8) + randomBytes(28).toString('hex');
const secret = randomBytes(32);

function expectInvalidToken(read: () => unknown): void {
  let thrown: unknown;
  try {
    read();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(KmsError);
  expect((thrown as KmsError).code).toBe('InvalidGrantTokenException');
}

describe('grant tokens', () => {
  it('give back the grant id they were made for', () => {
    expect(grantIdFromToken(secret, grantTokenFor(secret, GRANT_ID))).toBe(GRANT_ID);
  });

  it('are the same for the same grant and secret, so none needs storing', () => {
    expect(grantTokenFor(secret, GRANT_ID)).toBe(grantTokenFor(secret, GRANT_ID));
    const other = `${GRANT_ID.slice(0, -1)}${GRANT_ID.endsWith('0') ? '1' : '0'}`;
    expect(grantTokenFor(secret, GRANT_ID)).not.toBe(grantTokenFor(secret, other));
  });

  it('are URL-safe base64', () => {
    expect(grantTokenFor(secret, GRANT_ID)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('are refused under another secret', () => {
    expectInvalidToken(() => grantIdFromToken(randomBytes(32), grantTokenFor(secret, GRANT_ID)));
  });

  it('are refused after any change to their bytes', () => {
    const bytes = Buffer.from(grantTokenFor(secret, GRANT_ID), 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i]! ^= 0x01;
      expectInvalidToken(() => grantIdFromToken(secret, tampered.toString('base64url')));
    }
  });

  it('are refused truncated, extended or decorated', () => {
    const token = grantTokenFor(secret, GRANT_ID);
    expectInvalidToken(() => grantIdFromToken(secret, token.slice(0, -4)));
    expectInvalidToken(() => grantIdFromToken(secret, `${token}AAAA`));
    expectInvalidToken(() => grantIdFromToken(secret, `${token.slice(0, 10)}!${token.slice(10)}`));
    expectInvalidToken(() => grantIdFromToken(secret, ''));
    expectInvalidToken(() => grantIdFromToken(secret, 'not a token'));
  });

  it('are served through the GrantTokens port, with the secret derived from the root key', () => {
    const rootBytes = randomBytes(32);
    const container = new Container();
    container.bind<RootKey>(RootKey).toConstantValue(new AesGcmRootKey(rootBytes));
    container.bind<GrantTokens>(GrantTokens).to(HmacGrantTokens);
    const tokens = container.get<GrantTokens>(GrantTokens);
    const token = tokens.grantTokenFor(GRANT_ID);
    expect(tokens.grantIdFromToken(token)).toBe(GRANT_ID);
    // A restart with the same root key accepts tokens handed out before it.
    expect(new HmacGrantTokens(new AesGcmRootKey(rootBytes)).grantIdFromToken(token)).toBe(GRANT_ID);
    expectInvalidToken(() => new HmacGrantTokens(new AesGcmRootKey(randomBytes(32))).grantIdFromToken(token));
  });
});
