import { describe, expect, it } from 'vitest';
import { isGrantId, isKeyId, keyArn, keyIdFromStream, keyStream } from '../../../src/domain/key/key-identity.js';

describe('key identity', () => {
  it('puts a key in the kmskey category, one stream per key', () => {
    expect(keyStream('1234abcd-12ab-34cd-56ef-1234567890ab')).toBe('kmskey-1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(keyIdFromStream('kmskey-1234abcd-12ab-34cd-56ef-1234567890ab')).toBe('1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(keyIdFromStream('kmsalias-111122223333_eu-west-1')).toBeNull();
  });

  it('builds the key ARN AWS uses', () => {
    expect(keyArn('us-east-2', '111122223333', '1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(
      'arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    );
  });

  it('recognises key ids and grant ids', () => {
    expect(isKeyId('1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(true);
    expect(isKeyId('1234ABCD-12ab-34cd-56ef-1234567890ab')).toBe(false);
    expect(isKeyId('alias/app')).toBe(false);
    expect(isGrantId('dc716f53c93acacf291b1540de3e5a232b76256c83b2ecb22cdefa26576a2d3e')).toBe(true);
    expect(isGrantId('dc716f53')).toBe(false);
  });
});
