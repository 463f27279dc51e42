import { createHmac, timingSafeEqual } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { GrantTokens } from '../../application/material/grant-tokens.js';
import { RootKey } from '../../application/material/root-key.js';
import { kmsError } from '../../domain/errors.js';

/**
 * Grant token, version 1: base64url of
 *
 *   1 byte   version (0x01)
 *   1 byte   grant id length L (1..255)
 *   L bytes  grant id (UTF-8)
 *   32 bytes HMAC-SHA256 over the bytes above, under a secret derived from the root key
 *
 * A token names its grant and proves KeyTrail made it; it is never stored, so revoking or
 * retiring the grant is what makes it useless.
 */
const TOKEN_VERSION = 0x01;
const MAC_BYTES = 32;
const MAX_GRANT_ID_BYTES = 255;
const invalidToken = () => kmsError('InvalidGrantTokenException', 'The grant token is not valid.');

export function grantTokenFor(secret: Uint8Array, grantId: string): string {
  const id = Buffer.from(grantId, 'utf8');
  if (id.length < 1 || id.length > MAX_GRANT_ID_BYTES) throw new Error(`A grant id is 1 to ${MAX_GRANT_ID_BYTES} bytes`);
  const body = Buffer.concat([Buffer.of(TOKEN_VERSION, id.length), id]);
  return Buffer.concat([body, mac(secret, body)]).toString('base64url');
}

export function grantIdFromToken(secret: Uint8Array, token: string): string {
  const bytes = Buffer.from(token, 'base64url');
  // Node skips characters outside the alphabet; a token must round-trip exactly.
  if (bytes.toString('base64url') !== token || bytes.length < 2 + 1 + MAC_BYTES) throw invalidToken();
  const length = bytes[1];
  if (bytes[0] !== TOKEN_VERSION || length === undefined || length === 0 || bytes.length !== 2 + length + MAC_BYTES) throw invalidToken();
  const body = bytes.subarray(0, 2 + length);
  if (!timingSafeEqual(bytes.subarray(2 + length), mac(secret, body))) throw invalidToken();
  return body.subarray(2).toString('utf8');
}

function mac(secret: Uint8Array, body: Buffer): Buffer {
  return createHmac('sha256', secret).update('keytrail/grant-token/v1').update(body).digest();
}

@injectable()
export class HmacGrantTokens implements GrantTokens {
  private readonly secret: Buffer;

  constructor(@inject(RootKey) rootKey: RootKey) {
    this.secret = rootKey.deriveSecret('grant-token');
  }

  grantTokenFor(grantId: string): string {
    return grantTokenFor(this.secret, grantId);
  }

  grantIdFromToken(token: string): string {
    return grantIdFromToken(this.secret, token);
  }
}
