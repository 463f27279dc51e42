import { randomBytes } from 'node:crypto';
import type { PrincipalType } from '../../domain/identity/iam-names.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 32 divides 256, so taking each random byte modulo 32 picks every character equally often. */
function randomBase32(length: number): string {
  return [...randomBytes(length)].map((byte) => BASE32[byte % 32]).join('');
}

/** AKIA and 16 characters, the shape of a long-term IAM access key id. */
export function generateAccessKeyId(): string {
  return `AKIA${randomBase32(16)}`;
}

/** 40 base64 characters (240 random bits), the shape of an IAM secret access key. */
export function generateSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

/** AIDA... for users, AROA... for roles: 21 characters, as IAM's unique ids. */
export function generatePrincipalId(type: PrincipalType): string {
  return `${type === 'User' ? 'AIDA' : 'AROA'}${randomBase32(17)}`;
}
