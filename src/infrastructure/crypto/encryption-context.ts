import type { EncryptionContext } from '../../application/material/ciphertext-codec.js';

/**
 * The encryption context as additional authenticated data. Pairs are sorted by the UTF-8
 * bytes of their keys (not by JavaScript's UTF-16 order, which other implementations
 * would not reproduce), and every count and string is length-prefixed, so no two
 * different contexts share an encoding: {"ab":"c"} and {"a":"bc"} differ.
 *
 *   u32 BE  number of pairs
 *   per pair: u32 BE key length, key bytes, u32 BE value length, value bytes
 *
 * An absent context and an empty one both encode as four zero bytes, as KMS treats them
 * alike.
 */
export function encodeEncryptionContext(context: EncryptionContext | undefined): Buffer {
  const pairs = Object.entries(context ?? {}).map(([key, value]) => [Buffer.from(key, 'utf8'), Buffer.from(value, 'utf8')] as const);
  pairs.sort(([a], [b]) => Buffer.compare(a, b));
  const parts: Buffer[] = [u32(pairs.length)];
  for (const [key, value] of pairs) parts.push(u32(key.length), key, u32(value.length), value);
  return Buffer.concat(parts);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
