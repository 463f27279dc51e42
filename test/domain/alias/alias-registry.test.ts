import { describe, expect, it } from 'vitest';
import type { AliasTargetKey, CreateAlias, UpdateAlias } from '../../../src/domain/alias/alias-commands.js';
import type { AliasCreated, AliasEvent } from '../../../src/domain/alias/alias-events.js';
import { aliasRegistry, createAliasRegistry } from '../../../src/domain/alias/alias-registry.js';
import { aliasRegistryStream } from '../../../src/domain/alias/alias-stream.js';
import { deciderSpec } from '../../support/decider-spec.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const KEY_A = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_B = '0987dcba-09fe-87dc-65ba-ab0987654321';
const KEY_ARN_A = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_A}`;

function key(keyId: string, overrides: Partial<AliasTargetKey> = {}): AliasTargetKey {
  return {
    keyId,
    accountId: ACCOUNT,
    region: REGION,
    keyState: 'Enabled',
    keyManager: 'CUSTOMER',
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    ...overrides,
  };
}

function create(aliasName: string, target: AliasTargetKey | null = key(KEY_A), targetKeyId = target?.keyId ?? KEY_A): CreateAlias {
  return { type: 'CreateAlias', accountId: ACCOUNT, region: REGION, aliasName, targetKeyId, targetKey: target };
}

function update(aliasName: string, target: AliasTargetKey | null, targetKeyId = target?.keyId ?? KEY_B): UpdateAlias {
  return { type: 'UpdateAlias', accountId: ACCOUNT, region: REGION, aliasName, targetKeyId, targetKey: target };
}

function created(aliasName: string, target: AliasTargetKey = key(KEY_A)): AliasCreated {
  return {
    type: 'AliasCreated',
    data: {
      accountId: ACCOUNT,
      region: REGION,
      aliasName,
      aliasArn: `arn:aws:kms:${REGION}:${ACCOUNT}:${aliasName}`,
      targetKeyId: target.keyId,
      targetKeyUsage: target.keyUsage,
      targetKeySpec: target.keySpec,
    },
  };
}

const spec = deciderSpec(aliasRegistry);

describe('alias registry stream', () => {
  it('is one stream per account and Region, in the kmsalias category', () => {
    expect(aliasRegistryStream(ACCOUNT, REGION)).toBe('kmsalias-111122223333_eu-west-1');
  });
});

describe('CreateAlias', () => {
  it('records the alias with its ARN and the target key facts UpdateAlias needs later', () => {
    spec.given([]).when(create('alias/app-key')).then([created('alias/app-key')]);
  });

  it('accepts every character KMS allows, up to 256 characters', () => {
    const name = `alias/${'aZ09/_-'.repeat(40)}`.slice(0, 256);
    expect(name).toHaveLength(256);
    spec.given([]).when(create(name)).then([created(name)]);
  });

  it('refuses a name without the alias/ prefix', () => {
    spec.given([]).when(create('app-key')).thenFails('ValidationException', /must start with the prefix "alias\/"/);
  });

  it('refuses a name longer than 256 characters', () => {
    spec.given([]).when(create(`alias/${'a'.repeat(251)}`)).thenFails('ValidationException', /length less than or equal to 256/);
  });

  it.each(['alias/with space', 'alias/dot.ted', 'alias/ümlaut', 'alias/star*'])('refuses the characters of %s', (name) => {
    spec.given([]).when(create(name)).thenFails('ValidationException', /regular expression pattern/);
  });

  it('refuses a colon, which the model pattern lets through', () => {
    spec.given([]).when(create('alias/a:b')).thenFails('ValidationException', 'alias/a:b contains invalid characters for an alias');
  });

  it('refuses an empty name after the prefix', () => {
    spec.given([]).when(create('alias/')).thenFails('InvalidAliasNameException');
  });

  it('refuses the alias/aws/ namespace reserved for AWS managed keys', () => {
    spec.given([]).when(create('alias/aws/s3')).thenFails('NotAuthorizedException', /reserved for AWS managed keys/);
  });

  it('allows names that merely start with "aws" without the reserved slash', () => {
    spec.given([]).when(create('alias/awsome')).then([created('alias/awsome')]);
  });

  it('refuses a name already taken in the account and Region, naming its ARN', () => {
    spec
      .given([created('alias/app-key')])
      .when(create('alias/app-key', key(KEY_B)))
      .thenFails('AlreadyExistsException', `An alias with the name arn:aws:kms:${REGION}:${ACCOUNT}:alias/app-key already exists`);
  });

  it('treats names case-sensitively', () => {
    spec.given([created('alias/app-key')]).when(create('alias/App-Key')).then([created('alias/App-Key')]);
  });

  it('allows the name again once the alias was deleted', () => {
    const deleted: AliasEvent = {
      type: 'AliasDeleted',
      data: { aliasName: 'alias/app-key', aliasArn: created('alias/app-key').data.aliasArn, targetKeyId: KEY_A, reason: 'DeleteAlias' },
    };
    spec.given([created('alias/app-key'), deleted]).when(create('alias/app-key', key(KEY_B))).then([created('alias/app-key', key(KEY_B))]);
  });

  it('refuses a key that does not exist', () => {
    spec.given([]).when(create('alias/app-key', null, KEY_A)).thenFails('NotFoundException', `Key '${KEY_ARN_A}' does not exist`);
  });

  it('shows an ARN target as the caller wrote it when it does not exist', () => {
    const arn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_A}`;
    spec.given([]).when(create('alias/app-key', null, arn)).thenFails('NotFoundException', `Key '${arn}' does not exist`);
  });

  it('refuses a key of another account', () => {
    spec.given([]).when(create('alias/app-key', key(KEY_A, { accountId: '444455556666' }))).thenFails('NotFoundException');
  });

  it('refuses a key of another Region', () => {
    spec.given([]).when(create('alias/app-key', key(KEY_A, { region: 'us-east-1' }))).thenFails('NotFoundException');
  });

  it('refuses an alias as the target', () => {
    spec.given([created('alias/other')]).when(create('alias/app-key', null, 'alias/other')).thenFails('ValidationException', 'Aliases must refer to keys. Not aliases');
  });

  it('refuses an AWS managed key', () => {
    spec.given([]).when(create('alias/app-key', key(KEY_A, { keyManager: 'AWS' }))).thenFails('NotAuthorizedException');
  });

  it('refuses a key pending deletion', () => {
    spec
      .given([])
      .when(create('alias/app-key', key(KEY_A, { keyState: 'PendingDeletion' })))
      .thenFails('KMSInvalidStateException', `${KEY_ARN_A} is pending deletion.`);
  });

  it.each(['Creating', 'PendingReplicaDeletion', 'Updating'])('refuses a key in state %s', (keyState) => {
    spec.given([]).when(create('alias/app-key', key(KEY_A, { keyState }))).thenFails('KMSInvalidStateException');
  });

  it.each(['Disabled', 'PendingImport'])('accepts a key in state %s', (keyState) => {
    const target = key(KEY_A, { keyState });
    spec.given([]).when(create('alias/app-key', target)).then([created('alias/app-key', target)]);
  });

  it('holds the per-key alias limit', () => {
    const limited = deciderSpec(createAliasRegistry({ aliasesPerKey: 2 }));
    const history = [created('alias/one'), created('alias/two')];
    limited.given(history).when(create('alias/three')).thenFails('LimitExceededException');
    limited.given(history).when(create('alias/three', key(KEY_B))).then([created('alias/three', key(KEY_B))]);
  });

  it('holds the per-Region alias limit when one is configured', () => {
    const limited = deciderSpec(createAliasRegistry({ aliasesPerRegion: 2 }));
    limited.given([created('alias/one'), created('alias/two', key(KEY_B))]).when(create('alias/three')).thenFails('LimitExceededException');
    limited.given([created('alias/one')]).when(create('alias/two')).then([created('alias/two')]);
  });

  it('defaults to AWS quota of 50 aliases per key', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => created(`alias/a${i}`));
    spec.given(fifty).when(create('alias/a50')).thenFails('LimitExceededException');
    spec.given(fifty.slice(1)).when(create('alias/a50')).then([created('alias/a50')]);
  });
});

describe('UpdateAlias', () => {
  const updated = (target: AliasTargetKey): AliasEvent => ({
    type: 'AliasUpdated',
    data: {
      aliasName: 'alias/app-key',
      aliasArn: created('alias/app-key').data.aliasArn,
      previousTargetKeyId: KEY_A,
      targetKeyId: target.keyId,
      targetKeyUsage: target.keyUsage,
      targetKeySpec: target.keySpec,
    },
  });

  it('re-points the alias, recording where it pointed before', () => {
    spec.given([created('alias/app-key')]).when(update('alias/app-key', key(KEY_B))).then([updated(key(KEY_B))]);
  });

  it('moves the alias in the state, so the old key gets room under its limit', () => {
    const limited = deciderSpec(createAliasRegistry({ aliasesPerKey: 1 }));
    const history = [created('alias/app-key'), updated(key(KEY_B))];
    expect(limited.given(history).state().aliases.get('alias/app-key')?.targetKeyId).toBe(KEY_B);
    limited.given(history).when(create('alias/other')).then([created('alias/other')]);
  });

  it('changes nothing when the alias already points at the key', () => {
    spec.given([created('alias/app-key')]).when(update('alias/app-key', key(KEY_A))).then([]);
  });

  it('refuses an alias that does not exist', () => {
    spec
      .given([])
      .when(update('alias/app-key', key(KEY_B)))
      .thenFails('NotFoundException', `Alias arn:aws:kms:${REGION}:${ACCOUNT}:alias/app-key is not found.`);
  });

  it('refuses a malformed or reserved name', () => {
    spec.given([]).when(update('app-key', key(KEY_B))).thenFails('ValidationException');
    spec.given([]).when(update('alias/aws/ebs', key(KEY_B))).thenFails('NotAuthorizedException');
  });

  it('applies the target rules to the new key', () => {
    const history = [created('alias/app-key')];
    spec.given(history).when(update('alias/app-key', null, KEY_B)).thenFails('NotFoundException');
    spec.given(history).when(update('alias/app-key', key(KEY_B, { accountId: '444455556666' }))).thenFails('NotFoundException');
    spec.given(history).when(update('alias/app-key', key(KEY_B, { keyState: 'PendingDeletion' }))).thenFails('KMSInvalidStateException');
  });

  it('allows the current key to be pending deletion: only the new key is checked', () => {
    spec.given([created('alias/app-key', key(KEY_A, { keyState: 'PendingDeletion' }))]).when(update('alias/app-key', key(KEY_B))).then([updated(key(KEY_B))]);
  });

  it('refuses a new key with another key usage', () => {
    spec
      .given([created('alias/app-key')])
      .when(update('alias/app-key', key(KEY_B, { keyUsage: 'SIGN_VERIFY', keySpec: 'RSA_2048' })))
      .thenFails('ValidationException', /ENCRYPT_DECRYPT/);
  });

  it('refuses a new key of another type even with the same key usage', () => {
    spec
      .given([created('alias/app-key')])
      .when(update('alias/app-key', key(KEY_B, { keySpec: 'RSA_2048' })))
      .thenFails('ValidationException', /symmetric.*asymmetric/);
  });

  it('accepts another asymmetric spec with the same usage', () => {
    const rsa = key(KEY_A, { keyUsage: 'SIGN_VERIFY', keySpec: 'RSA_2048' });
    const ecc = key(KEY_B, { keyUsage: 'SIGN_VERIFY', keySpec: 'ECC_NIST_P256' });
    spec.given([created('alias/app-key', rsa)]).when(update('alias/app-key', ecc)).then([updated(ecc)]);
  });

  it('holds the per-key limit on the new key', () => {
    const limited = deciderSpec(createAliasRegistry({ aliasesPerKey: 1 }));
    limited.given([created('alias/app-key'), created('alias/b', key(KEY_B))]).when(update('alias/app-key', key(KEY_B))).thenFails('LimitExceededException');
  });
});

describe('DeleteAlias', () => {
  const deleteAlias = (aliasName: string) => ({ type: 'DeleteAlias' as const, accountId: ACCOUNT, region: REGION, aliasName });

  it('removes the alias', () => {
    spec
      .given([created('alias/app-key')])
      .when(deleteAlias('alias/app-key'))
      .then([{ type: 'AliasDeleted', data: { aliasName: 'alias/app-key', aliasArn: created('alias/app-key').data.aliasArn, targetKeyId: KEY_A, reason: 'DeleteAlias' } }]);
  });

  it('refuses an alias that does not exist', () => {
    spec
      .given([])
      .when(deleteAlias('alias/app-key'))
      .thenFails('NotFoundException', `Alias arn:aws:kms:${REGION}:${ACCOUNT}:alias/app-key is not found.`);
  });

  it('refuses a name without the prefix', () => {
    spec.given([]).when(deleteAlias('app-key')).thenFails('ValidationException');
  });
});

describe('RemoveAliasesOfDeletedKey', () => {
  const remove = (keyId: string) => ({ type: 'RemoveAliasesOfDeletedKey' as const, accountId: ACCOUNT, region: REGION, keyId });

  it('deletes every alias of the key, in name order, and no other', () => {
    spec
      .given([created('alias/zeta'), created('alias/other', key(KEY_B)), created('alias/alpha')])
      .when(remove(KEY_A))
      .then(
        ['alias/alpha', 'alias/zeta'].map((aliasName) => ({
          type: 'AliasDeleted' as const,
          data: { aliasName, aliasArn: created(aliasName).data.aliasArn, targetKeyId: KEY_A, reason: 'KeyDeleted' as const },
        })),
      );
  });

  it('changes nothing for a key without aliases', () => {
    spec.given([created('alias/other', key(KEY_B))]).when(remove(KEY_A)).then([]);
  });
});
