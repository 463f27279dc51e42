import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject, createPrivateKey } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TrailPublicKey, TrailSigner } from '../../application/cloudtrail/trail-ports.js';
import { fileExists } from '../file-exists.js';

export const TRAIL_SIGNING_KEY_FILE_NAME = 'cloudtrail-signing-key.pem';

export class TrailKeyError extends Error {
  override readonly name = 'TrailKeyError';
}

/** A public key as CloudTrail publishes it: PKCS#1 RSAPublicKey DER, fingerprint = hex MD5 of that DER. */
export class RsaTrailPublicKey implements TrailPublicKey {
  readonly value: string;
  readonly fingerprint: string;

  constructor(protected readonly publicKey: KeyObject) {
    const der = publicKey.export({ type: 'pkcs1', format: 'der' });
    this.value = der.toString('base64');
    this.fingerprint = createHash('md5').update(der).digest('hex');
  }

  /** From ListPublicKeys' Value (base64 DER, PKCS#1 or SPKI) or a PEM file's text. */
  static parse(text: string): RsaTrailPublicKey {
    const trimmed = text.trim();
    if (trimmed.startsWith('-----BEGIN')) return new RsaTrailPublicKey(createPublicKey(trimmed));
    const der = Buffer.from(trimmed, 'base64');
    try {
      return new RsaTrailPublicKey(createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
    } catch {
      return new RsaTrailPublicKey(createPublicKey({ key: der, format: 'der', type: 'spki' }));
    }
  }

  verify(data: Buffer, signatureHex: string): boolean {
    if (!/^[0-9a-f]+$/i.test(signatureHex)) return false;
    return verify('sha256', data, this.publicKey, Buffer.from(signatureHex, 'hex'));
  }
}

/** The trail's signing key: RSA 2048, SHA256withRSA (PKCS#1 v1.5), as CloudTrail signs digests. */
export class RsaTrailSigner extends RsaTrailPublicKey implements TrailSigner {
  readonly algorithm = 'SHA256withRSA' as const;

  constructor(private readonly privateKey: KeyObject) {
    super(createPublicKey(privateKey));
  }

  sign(data: Buffer): string {
    return sign('sha256', data, this.privateKey).toString('hex');
  }
}

/**
 * The signing key kept in the data folder (`cloudtrail-signing-key.pem`, mode 0600),
 * generated on first use and never again: every export signs with the same key, so its
 * public half, once handed to an auditor, verifies every later export.
 */
export function loadTrailSigningKey(dataDir: string): RsaTrailSigner {
  const file = join(dataDir, TRAIL_SIGNING_KEY_FILE_NAME);
  if (!fileExists(file)) generate(file, dataDir);
  if (process.platform !== 'win32') {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) throw new TrailKeyError(`${file} is readable by others (mode ${mode.toString(8)}); chmod 600 ${file}`);
  }
  return new RsaTrailSigner(createPrivateKey(readFileSync(file, 'utf8')));
}

function generate(file: string, dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (e) {
    // Another process made it first: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw e;
  }
  try {
    writeSync(fd, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  } finally {
    closeSync(fd);
  }
}

