import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_USER, InstallationSetup } from '../../../src/application/identity/installation.js';
import { AccessKeyDirectory } from '../../../src/application/ports/access-key-directory.js';
import { EventStore } from '../../../src/application/ports/event-store.js';
import { loadConfig } from '../../../src/infrastructure/config/config.js';
import { closeContainer, createContainer } from '../../../src/infrastructure/container.js';

const dirs: string[] = [];
const containers: Container[] = [];
afterEach(async () => {
  for (const c of containers.splice(0)) await closeContainer(c);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The production composition root on a fresh data folder. */
async function open(dataDir?: string): Promise<{ container: Container; dataDir: string }> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'keytrail-install-'));
  if (!dataDir) dirs.push(dir);
  const container = await createContainer(loadConfig({ KEYTRAIL_DATA_DIR: dir }));
  containers.push(container);
  return { container, dataDir: dir };
}

describe('first-start installation', () => {
  it('creates an account, an administrator allowed kms:* and one working access key', async () => {
    const { container, dataDir } = await open();
    const installation = await container.get(InstallationSetup).ensure('us-east-1');
    expect(installation.accountId).toMatch(/^\d{12}$/);
    expect(installation.adminUserName).toBe(ADMIN_USER);
    const key = installation.newAccessKey!;
    expect(key.accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);

    const found = await container.get<AccessKeyDirectory>(AccessKeyDirectory).find(key.accessKeyId);
    expect(found).toMatchObject({
      secretAccessKey: key.secretAccessKey,
      active: true,
      caller: { type: 'IAMUser', accountId: installation.accountId, userName: ADMIN_USER },
    });
    // The root key was generated owner-only, and the secret is in no event.
    expect(statSync(join(dataDir, 'root.key')).mode & 0o777).toBe(0o600);
    for await (const e of container.get<EventStore>(EventStore).readAll()) {
      expect(JSON.stringify({ data: e.data, metadata: e.metadata })).not.toContain(key.secretAccessKey);
    }
  });

  it('does nothing new on the next start, and makes no second secret', async () => {
    const first = await open();
    const made = await first.container.get(InstallationSetup).ensure('us-east-1');
    await closeContainer(containers.pop()!);
    const again = await open(first.dataDir);
    const second = await again.container.get(InstallationSetup).ensure('us-east-1');
    expect(second.accountId).toBe(made.accountId);
    expect(second.newAccessKey).toBeNull();
    expect(await again.container.get(InstallationSetup).recordedAccount()).toBe(made.accountId);
  });

  it('agrees on one account when two starts race', async () => {
    const { container } = await open();
    const setup = container.get(InstallationSetup);
    const [a, b] = await Promise.all([setup.recordedAccount(), setup.recordedAccount()]);
    expect(a).toBeNull();
    expect(b).toBeNull();
    const results = await Promise.allSettled([setup.ensure('us-east-1'), setup.ensure('us-east-1')]);
    const accounts = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ accountId: string }>).value.accountId);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(new Set(accounts).size).toBe(1);
    expect(await setup.recordedAccount()).toBe(accounts[0]);
  });
});
