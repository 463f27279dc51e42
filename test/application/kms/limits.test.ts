import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AliasLimits } from '../../../src/application/alias/alias-registry-service.js';
import { GrantLimits } from '../../../src/application/kms/kms-limits.js';
import { loadConfig } from '../../../src/infrastructure/config/config.js';
import { ALICE, CAROL, KmsFixture, ROOT_A } from './support/kms-fixture.js';

describe('configured limits', () => {
  let kms: KmsFixture;
  beforeEach(async () => {
    kms = new KmsFixture();
  });
  afterEach(async () => {
    await kms.close();
  });

  it('enforces the configured grant quotas per key and per grantee', async () => {
    kms.container.bind<GrantLimits>(GrantLimits).toConstantValue(loadConfig({ KEYTRAIL_GRANT_LIMITS: '3,2' }).grantLimits);
    await kms.identity(ROOT_A);
    const { keyId } = await kms.createKey();
    const grant = (grantee: string) => kms.invoke(ROOT_A, 'CreateGrant', { KeyId: keyId, GranteePrincipal: grantee, Operations: ['Decrypt'] });
    await grant(ALICE.arn);
    await grant(ALICE.arn);
    expect(await kms.errorOf(ROOT_A, 'CreateGrant', { KeyId: keyId, GranteePrincipal: ALICE.arn, Operations: ['Decrypt'] })).toMatchObject({ code: 'LimitExceededException' });
    await grant(CAROL.arn);
    expect(await kms.errorOf(ROOT_A, 'CreateGrant', { KeyId: keyId, GranteePrincipal: CAROL.arn, Operations: ['Encrypt'] })).toMatchObject({ code: 'LimitExceededException' });
  });

  it('enforces the configured alias quota per key', async () => {
    kms.container.bind<AliasLimits>(AliasLimits).toConstantValue(loadConfig({ KEYTRAIL_ALIAS_LIMITS: '1,unlimited' }).aliasLimits);
    await kms.identity(ROOT_A);
    const { keyId } = await kms.createKey();
    await kms.invoke(ROOT_A, 'CreateAlias', { AliasName: 'alias/one', TargetKeyId: keyId });
    expect(await kms.errorOf(ROOT_A, 'CreateAlias', { AliasName: 'alias/two', TargetKeyId: keyId })).toMatchObject({ code: 'LimitExceededException' });
  });
});

describe('limit settings', () => {
  it('reads the AWS presets and explicit numbers, and refuses nonsense', () => {
    expect(loadConfig({}).grantLimits).toEqual({ grantsPerKey: 50_000, grantsPerGranteePerKey: 500 });
    expect(loadConfig({ KEYTRAIL_GRANT_LIMITS: 'aws-2015' }).grantLimits).toEqual({ grantsPerKey: 250, grantsPerGranteePerKey: 30 });
    expect(loadConfig({}).aliasLimits).toEqual({ aliasesPerKey: 50, aliasesPerRegion: Number.POSITIVE_INFINITY });
    expect(loadConfig({ KEYTRAIL_ALIAS_LIMITS: '10,100' }).aliasLimits).toEqual({ aliasesPerKey: 10, aliasesPerRegion: 100 });
    expect(() => loadConfig({ KEYTRAIL_GRANT_LIMITS: 'lots' })).toThrow(/KEYTRAIL_GRANT_LIMITS/);
    expect(() => loadConfig({ KEYTRAIL_ALIAS_LIMITS: '0,5' })).toThrow(/KEYTRAIL_ALIAS_LIMITS/);
  });
});
