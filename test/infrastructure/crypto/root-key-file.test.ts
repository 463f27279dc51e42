import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RootKeyMismatchError } from '../../../src/application/material/root-key.js';
import { AesGcmRootKey } from '../../../src/infrastructure/crypto/aes-gcm-root-key.js';
import { RootKeyFileError, loadRootKey, parseRootKey } from '../../../src/infrastructure/crypto/root-key-file.js';

const posix = process.platform !== 'win32';
let dir: string;
let warnings: string[];
const warn = (message: string) => void warnings.push(message);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keytrail-rootkey-'));
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadRootKey, embedded default', () => {
  it('generates a 256-bit key with mode 0600 on first start and loads the same key afterwards', () => {
    const dataDir = join(dir, 'data');
    const rootKeyFile = join(dataDir, 'root.key');
    const first = loadRootKey({ rootKeyFile, dataDir, warn });
    expect(first.generated).toBe(true);
    expect(parseRootKey(readFileSync(rootKeyFile))).toHaveLength(32);
    if (posix) expect(statSync(rootKeyFile).mode & 0o777).toBe(0o600);
    const again = loadRootKey({ rootKeyFile, dataDir, warn });
    expect(again.generated).toBe(false);
    expect(again.rootKey.keyCheckValue).toBe(first.rootKey.keyCheckValue);
    const wrapped = first.rootKey.wrap(Buffer.from('material'), 'x');
    expect(again.rootKey.unwrap(wrapped, 'x').toString()).toBe('material');
    expect(warnings).toEqual([]);
  });

  it.runIf(posix)('refuses to start when the generated file was made group- or world-accessible', () => {
    const rootKeyFile = join(dir, 'root.key');
    loadRootKey({ rootKeyFile, dataDir: dir, warn });
    chmodSync(rootKeyFile, 0o640);
    expect(() => loadRootKey({ rootKeyFile, dataDir: dir, warn })).toThrow(RootKeyFileError);
    chmodSync(rootKeyFile, 0o604);
    expect(() => loadRootKey({ rootKeyFile, dataDir: dir, warn })).toThrow(/every user/);
  });

  it('records the key check value and refuses a data folder made with another root key', () => {
    const rootKeyFile = join(dir, 'root.key');
    const first = loadRootKey({ rootKeyFile, dataDir: dir, warn });
    expect(readFileSync(join(dir, 'root.kcv'), 'utf8').trim()).toBe(first.rootKey.keyCheckValue);
    writeFileSync(rootKeyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    expect(() => loadRootKey({ rootKeyFile, dataDir: dir, warn })).toThrow(RootKeyMismatchError);
  });
});

describe('loadRootKey, KEYTRAIL_ROOT_KEY_FILE', () => {
  const keyBytes = randomBytes(32);
  const expected = new AesGcmRootKey(keyBytes).keyCheckValue;

  it('never generates a key for a file that does not exist', () => {
    expect(() => loadRootKey({ rootKeyFile: join(dir, 'missing.key'), dataDir: join(dir, 'data'), warn })).toThrow(/does not exist/);
  });

  it.each([
    ['raw bytes', keyBytes],
    ['hex', Buffer.from(`${keyBytes.toString('hex')}\n`)],
    ['base64', Buffer.from(`  ${keyBytes.toString('base64')}\n`)],
  ])('reads the key as %s', (_, content) => {
    const rootKeyFile = join(dir, 'mounted.key');
    writeFileSync(rootKeyFile, content, { mode: 0o400 });
    expect(loadRootKey({ rootKeyFile, dataDir: join(dir, 'data'), warn }).rootKey.keyCheckValue).toBe(expected);
  });

  it.each(['short', 'a'.repeat(63), `${'g'.repeat(64)}`, randomBytes(16).toString('base64')])('refuses content %j', (content) => {
    const rootKeyFile = join(dir, 'mounted.key');
    writeFileSync(rootKeyFile, content, { mode: 0o600 });
    expect(() => loadRootKey({ rootKeyFile, dataDir: join(dir, 'data'), warn })).toThrow(RootKeyFileError);
  });

  it.runIf(posix)('refuses a world-readable file', () => {
    const rootKeyFile = join(dir, 'mounted.key');
    writeFileSync(rootKeyFile, keyBytes.toString('hex'));
    chmodSync(rootKeyFile, 0o644);
    expect(() => loadRootKey({ rootKeyFile, dataDir: join(dir, 'data'), warn })).toThrow(/chmod 600/);
  });

  it.runIf(posix)('starts with a warning for a group-readable file', () => {
    const rootKeyFile = join(dir, 'mounted.key');
    writeFileSync(rootKeyFile, keyBytes.toString('hex'));
    chmodSync(rootKeyFile, 0o640);
    expect(loadRootKey({ rootKeyFile, dataDir: join(dir, 'data'), warn }).rootKey.keyCheckValue).toBe(expected);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('group-accessible');
  });
});
