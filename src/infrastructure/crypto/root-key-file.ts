import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RootKeyMismatchError } from '../../application/material/root-key.js';
import { KEY_BYTES } from './aes-256-gcm.js';
import { AesGcmRootKey } from './aes-gcm-root-key.js';
import { fileExists } from '../file-exists.js';

export const DEFAULT_ROOT_KEY_FILE_NAME = 'root.key';
/** Remembers which root key a data folder was created with; a fingerprint, not a secret. */
export const KEY_CHECK_FILE_NAME = 'root.kcv';

export class RootKeyFileError extends Error {
  override readonly name = 'RootKeyFileError';
}

export interface RootKeyLocation {
  /** KEYTRAIL_ROOT_KEY_FILE, or `<dataDir>/root.key` when it is unset. */
  readonly rootKeyFile: string;
  readonly dataDir: string;
  /** Where a warning goes (a group-readable key file); stderr unless told otherwise. */
  readonly warn?: (message: string) => void;
}

export interface LoadedRootKey {
  readonly rootKey: AesGcmRootKey;
  /** True when this start generated the key (the embedded default's first start). */
  readonly generated: boolean;
}

/**
 * Loads the root key, or on the embedded default's first start generates one.
 *
 * - The default file `<dataDir>/root.key` is created with mode 0600 on first start (and
 *   created exclusively, so two processes starting at once end up with one key). Only the
 *   default location is ever generated: a KEYTRAIL_ROOT_KEY_FILE that does not exist is an
 *   error, never silently replaced by a fresh key that would make existing data unreadable.
 * - Permissions (POSIX only): a key file that others (world) can read or write refuses to
 *   start; one the group can access starts with a warning, since secret mounts often grant
 *   a group read access on purpose. The generated default file must stay 0600 or tighter:
 *   KeyTrail made it so, and any widening refuses to start.
 * - The file holds the 32 key bytes raw, as 64 hex characters, or as base64 (generated
 *   files use base64); surrounding whitespace is ignored.
 * - `<dataDir>/root.kcv` records the key check value of the first root key that opened the
 *   data folder; a later start with another root key stops with RootKeyMismatchError
 *   instead of failing on the first decrypt.
 */
export function loadRootKey(location: RootKeyLocation): LoadedRootKey {
  const warn = location.warn ?? ((message: string) => process.stderr.write(`keytrail: ${message}\n`));
  const file = resolve(location.rootKeyFile);
  const isDefault = file === resolve(location.dataDir, DEFAULT_ROOT_KEY_FILE_NAME);
  let generated = false;
  if (!fileExists(file)) {
    if (!isDefault) throw new RootKeyFileError(`KEYTRAIL_ROOT_KEY_FILE is ${file}, which does not exist`);
    generated = generateRootKeyFile(file);
  }
  checkPermissions(file, isDefault, warn);
  const rootKey = new AesGcmRootKey(parseRootKey(readFileSync(file), file));
  checkDataDirKeyCheck(location.dataDir, rootKey);
  return { rootKey, generated };
}

/** Accepts raw bytes, hex or base64; anything else is refused rather than guessed at. */
export function parseRootKey(content: Buffer, file = 'the root key file'): Buffer {
  if (content.length === KEY_BYTES) return Buffer.from(content);
  const text = content.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, 'base64');
  throw new RootKeyFileError(`${file} must hold a ${KEY_BYTES * 8}-bit key: ${KEY_BYTES} raw bytes, 64 hex characters or base64`);
}

function generateRootKeyFile(file: string): boolean {
  mkdirSync(resolve(file, '..'), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (e) {
    // Another process created it between our check and our create: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function checkPermissions(file: string, isDefault: boolean, warn: (message: string) => void): void {
  if (process.platform === 'win32') return;
  const mode = statSync(file).mode & 0o777;
  const octal = mode.toString(8).padStart(3, '0');
  if (mode & 0o007) throw new RootKeyFileError(`${file} is accessible to every user (mode ${octal}); restrict it, e.g. chmod 600 ${file}`);
  if (mode & 0o070) {
    if (isDefault) throw new RootKeyFileError(`${file} was created with mode 600 and is now group-accessible (mode ${octal}); chmod 600 ${file}`);
    warn(`${file} is group-accessible (mode ${octal}); mode 600 or 400 is recommended`);
  }
}

function checkDataDirKeyCheck(dataDir: string, rootKey: AesGcmRootKey): void {
  const kcvFile = join(dataDir, KEY_CHECK_FILE_NAME);
  if (fileExists(kcvFile)) {
    const recorded = readFileSync(kcvFile, 'utf8').trim();
    if (recorded !== rootKey.keyCheckValue) throw new RootKeyMismatchError(recorded, rootKey.keyCheckValue, `The data folder ${dataDir}`);
    return;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(kcvFile, `${rootKey.keyCheckValue}\n`, { mode: 0o644 });
}

