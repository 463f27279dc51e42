import { describe, expect, it } from 'vitest';
import { KmsError } from '../../../src/domain/errors.js';
import type { IdentityCommand } from '../../../src/domain/identity/identity-commands.js';
import type { IdentityEvent } from '../../../src/domain/identity/identity-events.js';
import { createIdentityDirectory } from '../../../src/domain/identity/identity-directory.js';
import { identityDirectoryStream } from '../../../src/domain/identity/identity-stream.js';
import { deciderSpec } from '../../support/decider-spec.js';

const ACCOUNT = '111122223333';
const ALICE_ID = 'AIDAJQABLZS4A3QDU576Q';
const BOB_ID = 'AIDAIOSFODNN7EXAMPL2X';
const ROLE_ID = 'AROADBQP57FF2AEXAMPLE';
const KEY1 = 'AKIAIOSFODNN7EXAMPLE';
const KEY2 = 'AKIAI44QH8DHBEXAMPLE';
const KEY3 = 'AKIAJ7Q3XEXAMPLE1234';
const WRAPPED = 'AQECAwQFBgcI-wrapped-secret-bytes-base64';
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' }] });

const directory = createIdentityDirectory();
const spec = deciderSpec(directory);

const accountCreated: IdentityEvent = { type: 'AccountCreated', data: { accountId: ACCOUNT, rootArn: `arn:aws:iam::${ACCOUNT}:root` } };

function userCreated(name = 'alice', principalId = ALICE_ID, path = '/'): IdentityEvent {
  return {
    type: 'PrincipalCreated',
    data: { accountId: ACCOUNT, principalType: 'User', name, path, arn: `arn:aws:iam::${ACCOUNT}:user${path}${name}`, principalId },
  };
}

function roleCreated(name = 'deployer', principalId = ROLE_ID, path = '/'): IdentityEvent {
  return {
    type: 'PrincipalCreated',
    data: { accountId: ACCOUNT, principalType: 'Role', name, path, arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`, principalId },
  };
}

function keyCreated(accessKeyId: string, userName: string | null = 'alice'): IdentityEvent {
  return {
    type: 'AccessKeyCreated',
    data: {
      userName,
      principalArn: userName === null ? `arn:aws:iam::${ACCOUNT}:root` : `arn:aws:iam::${ACCOUNT}:user/${userName}`,
      principalId: userName === null ? ACCOUNT : ALICE_ID,
      accessKeyId,
      wrappedSecret: WRAPPED,
    },
  };
}

function policyPut(policyName = 'kms-use', principalName = 'alice', policyDocument = POLICY): IdentityEvent {
  return {
    type: 'IdentityPolicyPut',
    data: { principalType: 'User', principalName, principalArn: `arn:aws:iam::${ACCOUNT}:user/${principalName}`, policyName, policyDocument },
  };
}

const createUser = (name: string, principalId = ALICE_ID, path = '/'): IdentityCommand => ({
  type: 'CreatePrincipal', accountId: ACCOUNT, principalType: 'User', name, path, principalId,
});
const createRole = (name: string, principalId = ROLE_ID, path = '/'): IdentityCommand => ({
  type: 'CreatePrincipal', accountId: ACCOUNT, principalType: 'Role', name, path, principalId,
});
const createKey = (accessKeyId: string, userName: string | null = 'alice', wrappedSecret = WRAPPED): IdentityCommand => ({
  type: 'CreateAccessKey', accountId: ACCOUNT, userName, accessKeyId, wrappedSecret,
});

describe('identity directory stream', () => {
  it('is one stream per account in the iamaccount category', () => {
    expect(identityDirectoryStream(ACCOUNT)).toBe('iamaccount-111122223333');
  });
});

describe('CreateAccount', () => {
  it('opens the directory with the root ARN', () => {
    spec.given([]).when({ type: 'CreateAccount', accountId: ACCOUNT }).then([accountCreated]);
  });

  it.each(['12345678901', '1234567890123', '11112222333a', ''])('refuses account id %j', (accountId) => {
    spec.given([]).when({ type: 'CreateAccount', accountId }).thenFails('ValidationException');
  });

  it('refuses an account that exists', () => {
    spec.given([accountCreated]).when({ type: 'CreateAccount', accountId: ACCOUNT }).thenFails('EntityAlreadyExistsException');
  });

  it('refuses every other command before the account exists', () => {
    spec.given([]).when(createUser('alice')).thenFails('NoSuchEntityException');
  });

  it('refuses a command for another account than the stream holds', () => {
    spec.given([accountCreated]).when({ ...createUser('alice'), accountId: '444455556666' }).thenFails('NoSuchEntityException');
  });
});

describe('CreatePrincipal', () => {
  it('creates a user with its ARN and unique id', () => {
    spec.given([accountCreated]).when(createUser('alice')).then([userCreated()]);
  });

  it('puts the path into the ARN', () => {
    spec.given([accountCreated]).when(createUser('alice', ALICE_ID, '/division/team/')).then([userCreated('alice', ALICE_ID, '/division/team/')]);
  });

  it('creates a role with an AROA unique id and a role ARN', () => {
    spec.given([accountCreated]).when(createRole('deployer')).then([roleCreated()]);
  });

  it('refuses a user name taken, whatever its case', () => {
    spec.given([accountCreated, userCreated()]).when(createUser('ALICE', BOB_ID)).thenFails('EntityAlreadyExistsException', 'User with name ALICE already exists.');
  });

  it('keeps user and role names apart', () => {
    spec.given([accountCreated, userCreated('deployer')]).when(createRole('deployer')).then([roleCreated()]);
  });

  it('refuses a role name taken', () => {
    spec.given([accountCreated, roleCreated()]).when(createRole('Deployer', 'AROAEXAMPLEEXAMPLE123')).thenFails('EntityAlreadyExistsException', 'Role with name Deployer already exists.');
  });

  it('refuses a unique id already issued, even to a deleted principal', () => {
    const deleted: IdentityEvent = { type: 'PrincipalDeleted', data: { principalType: 'User', name: 'alice', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, principalId: ALICE_ID } };
    spec.given([accountCreated, userCreated(), deleted]).when(createUser('bob', ALICE_ID)).thenFails('EntityAlreadyExistsException');
  });

  it.each(['', 'a'.repeat(65), 'with space', 'sl/ash', 'star*'])('refuses user name %j', (name) => {
    spec.given([accountCreated]).when(createUser(name)).thenFails('ValidationException');
  });

  it('accepts the full IAM name alphabet up to 64 characters', () => {
    const name = `Az09_+=,.@-${'x'.repeat(53)}`;
    expect(name).toHaveLength(64);
    spec.given([accountCreated]).when(createUser(name)).then([userCreated(name)]);
  });

  it.each(['division', '/division', 'division/', '/a b/'])('refuses path %j', (path) => {
    spec.given([accountCreated]).when(createUser('alice', ALICE_ID, path)).thenFails('ValidationException');
  });

  it.each(['AROAJQABLZS4A3QDU576Q', 'AIDA123', 'AIDAjqablzs4a3qdu576q'])('refuses user unique id %j', (principalId) => {
    spec.given([accountCreated]).when(createUser('alice', principalId)).thenFails('ValidationException');
  });

  it('refuses an AIDA id for a role', () => {
    spec.given([accountCreated]).when(createRole('deployer', ALICE_ID)).thenFails('ValidationException');
  });
});

describe('DeletePrincipal', () => {
  const deleteUser = (name: string): IdentityCommand => ({ type: 'DeletePrincipal', accountId: ACCOUNT, principalType: 'User', name });

  it('deletes a user, by any case of its name', () => {
    spec
      .given([accountCreated, userCreated()])
      .when(deleteUser('Alice'))
      .then([{ type: 'PrincipalDeleted', data: { principalType: 'User', name: 'alice', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, principalId: ALICE_ID } }]);
  });

  it('refuses an unknown user', () => {
    spec.given([accountCreated]).when(deleteUser('alice')).thenFails('NoSuchEntityException', 'The user with name alice cannot be found.');
  });

  it('refuses a user that still has access keys', () => {
    spec.given([accountCreated, userCreated(), keyCreated(KEY1)]).when(deleteUser('alice')).thenFails('DeleteConflictException', /access keys/);
  });

  it('refuses a user that still has inline policies', () => {
    spec.given([accountCreated, userCreated(), policyPut()]).when(deleteUser('alice')).thenFails('DeleteConflictException', /policies/);
  });

  it('refuses a role that still has inline policies, and deletes it once they are gone', () => {
    const rolePolicy: IdentityEvent = {
      type: 'IdentityPolicyPut',
      data: { principalType: 'Role', principalName: 'deployer', principalArn: `arn:aws:iam::${ACCOUNT}:role/deployer`, policyName: 'p', policyDocument: POLICY },
    };
    const rolePolicyDeleted: IdentityEvent = {
      type: 'IdentityPolicyDeleted',
      data: { principalType: 'Role', principalName: 'deployer', principalArn: `arn:aws:iam::${ACCOUNT}:role/deployer`, policyName: 'p' },
    };
    const deleteRole: IdentityCommand = { type: 'DeletePrincipal', accountId: ACCOUNT, principalType: 'Role', name: 'deployer' };
    spec.given([accountCreated, roleCreated(), rolePolicy]).when(deleteRole).thenFails('DeleteConflictException');
    spec
      .given([accountCreated, roleCreated(), rolePolicy, rolePolicyDeleted])
      .when(deleteRole)
      .then([{ type: 'PrincipalDeleted', data: { principalType: 'Role', name: 'deployer', arn: `arn:aws:iam::${ACCOUNT}:role/deployer`, principalId: ROLE_ID } }]);
  });

  it('frees the name for a new principal', () => {
    const deleted: IdentityEvent = { type: 'PrincipalDeleted', data: { principalType: 'User', name: 'alice', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, principalId: ALICE_ID } };
    spec.given([accountCreated, userCreated(), deleted]).when(createUser('alice', BOB_ID)).then([userCreated('alice', BOB_ID)]);
  });
});

describe('CreateAccessKey', () => {
  it('records the key with its wrapped secret and owner', () => {
    spec.given([accountCreated, userCreated()]).when(createKey(KEY1)).then([keyCreated(KEY1)]);
  });

  it('issues keys to the root user when no user is named', () => {
    spec.given([accountCreated]).when(createKey(KEY1, null)).then([keyCreated(KEY1, null)]);
  });

  it('allows two keys per user and refuses a third, as IAM does', () => {
    const history = [accountCreated, userCreated(), keyCreated(KEY1), keyCreated(KEY2)];
    spec.given(history).when(createKey(KEY3)).thenFails('LimitExceededException', 'Cannot exceed quota for AccessKeysPerUser: 2');
  });

  it('counts keys per user, so another user and the root user are unaffected', () => {
    const history = [accountCreated, userCreated(), keyCreated(KEY1), keyCreated(KEY2)];
    spec.given(history).when(createKey(KEY3, null)).then([keyCreated(KEY3, null)]);
  });

  it('counts an inactive key too, and frees the slot once a key is deleted', () => {
    const deactivated: IdentityEvent = { type: 'AccessKeyDeactivated', data: { userName: 'alice', principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`, principalId: ALICE_ID, accessKeyId: KEY2 } };
    const deleted: IdentityEvent = { type: 'AccessKeyDeleted', data: { userName: 'alice', principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`, principalId: ALICE_ID, accessKeyId: KEY2 } };
    const history = [accountCreated, userCreated(), keyCreated(KEY1), keyCreated(KEY2), deactivated];
    spec.given(history).when(createKey(KEY3)).thenFails('LimitExceededException');
    spec.given([...history, deleted]).when(createKey(KEY3)).then([keyCreated(KEY3)]);
  });

  it('honours a configured limit', () => {
    deciderSpec(createIdentityDirectory({ limits: { accessKeysPerUser: 1 } }))
      .given([accountCreated, userCreated(), keyCreated(KEY1)])
      .when(createKey(KEY2))
      .thenFails('LimitExceededException', 'AccessKeysPerUser: 1');
  });

  it('refuses an unknown user', () => {
    spec.given([accountCreated]).when(createKey(KEY1, 'alice')).thenFails('NoSuchEntityException', 'The user with name alice cannot be found.');
  });

  it('refuses an access key id already issued', () => {
    spec.given([accountCreated, userCreated(), keyCreated(KEY1, null)]).when(createKey(KEY1)).thenFails('EntityAlreadyExistsException');
  });

  it.each(['AKIA123', 'ASIAIOSFODNN7EXAMPLE', 'AKIAiosfodnn7example'])('refuses access key id %j', (id) => {
    spec.given([accountCreated, userCreated()]).when(createKey(id)).thenFails('ValidationException');
  });

  it('refuses a key without its wrapped secret', () => {
    spec.given([accountCreated, userCreated()]).when(createKey(KEY1, 'alice', '')).thenFails('ValidationException');
  });
});

describe('UpdateAccessKey and DeleteAccessKey', () => {
  const owner = { userName: 'alice', principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`, principalId: ALICE_ID };
  const update = (status: 'Active' | 'Inactive', userName: string | null = 'alice', accessKeyId = KEY1): IdentityCommand => ({
    type: 'UpdateAccessKey', accountId: ACCOUNT, userName, accessKeyId, status,
  });
  const history = [accountCreated, userCreated(), keyCreated(KEY1)];
  const deactivated: IdentityEvent = { type: 'AccessKeyDeactivated', data: { ...owner, accessKeyId: KEY1 } };

  it('deactivates an active key', () => {
    spec.given(history).when(update('Inactive')).then([deactivated]);
  });

  it('activates it again', () => {
    spec.given([...history, deactivated]).when(update('Active')).then([{ type: 'AccessKeyActivated', data: { ...owner, accessKeyId: KEY1 } }]);
  });

  it('changes nothing when the status is already the one asked for', () => {
    spec.given(history).when(update('Active')).thenNothing();
  });

  it('refuses a key of another owner as not found', () => {
    spec.given(history).when(update('Inactive', null)).thenFails('NoSuchEntityException', `The Access Key with id ${KEY1} cannot be found.`);
  });

  it('refuses an unknown key', () => {
    spec.given(history).when(update('Inactive', 'alice', KEY2)).thenFails('NoSuchEntityException');
  });

  it('deletes a key', () => {
    spec
      .given(history)
      .when({ type: 'DeleteAccessKey', accountId: ACCOUNT, userName: 'alice', accessKeyId: KEY1 })
      .then([{ type: 'AccessKeyDeleted', data: { ...owner, accessKeyId: KEY1 } }]);
  });

  it('refuses to delete an unknown key', () => {
    spec.given(history).when({ type: 'DeleteAccessKey', accountId: ACCOUNT, userName: 'alice', accessKeyId: KEY2 }).thenFails('NoSuchEntityException');
  });

  it('refuses keys of an unknown user', () => {
    spec.given(history).when({ type: 'DeleteAccessKey', accountId: ACCOUNT, userName: 'bob', accessKeyId: KEY1 }).thenFails('NoSuchEntityException', 'The user with name bob cannot be found.');
  });
});

describe('PutIdentityPolicy and DeleteIdentityPolicy', () => {
  const put = (policyDocument = POLICY, policyName = 'kms-use', principalName = 'alice'): IdentityCommand => ({
    type: 'PutIdentityPolicy', accountId: ACCOUNT, principalType: 'User', principalName, policyName, policyDocument,
  });
  const history = [accountCreated, userCreated()];

  it('stores an inline policy on the user', () => {
    spec.given(history).when(put()).then([policyPut()]);
  });

  it('replaces a policy of the same name', () => {
    const other = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:*', Resource: '*' }] });
    spec.given([...history, policyPut()]).when(put(other)).then([policyPut('kms-use', 'alice', other)]);
  });

  it('changes nothing when the same document is put again', () => {
    spec.given([...history, policyPut()]).when(put()).thenNothing();
  });

  it('refuses a document that is not JSON', () => {
    spec.given(history).when(put('{"Version":')).thenFails('MalformedPolicyDocumentException');
  });

  it('refuses a JSON value that is not a document', () => {
    spec.given(history).when(put('["Allow"]')).thenFails('MalformedPolicyDocumentException');
  });

  it('refuses a document the policy language rejects, such as an identity policy naming a principal', () => {
    const withPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*' }] });
    spec.given(history).when(put(withPrincipal)).thenFails('MalformedPolicyDocumentException');
    spec.given(history).when(put(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 'kms:Encrypt', Resource: '*' }] }))).thenFails('MalformedPolicyDocumentException');
  });

  it('uses the validator it is given', () => {
    const strict = createIdentityDirectory({
      validatePolicyDocument: (doc) => {
        if (!doc.includes('Statement')) throw new KmsError('MalformedPolicyDocumentException', 'Policy document must contain a Statement');
      },
    });
    deciderSpec(strict).given(history).when(put('{"Version":"2012-10-17"}')).thenFails('MalformedPolicyDocumentException', 'Statement');
  });

  it('refuses an unknown principal', () => {
    spec.given(history).when(put(POLICY, 'p', 'bob')).thenFails('NoSuchEntityException');
  });

  it.each(['', 'has space', 'x'.repeat(129)])('refuses policy name %j', (policyName) => {
    spec.given(history).when(put(POLICY, policyName)).thenFails('ValidationException');
  });

  it('holds the aggregate inline policy size of a user, not counting whitespace', () => {
    const big = (n: number) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x'.repeat(n), Effect: 'Allow', Action: 'kms:*', Resource: '*' }] });
    const first = big(1000);
    const second = big(1100);
    spec.given([...history, policyPut('first', 'alice', first)]).when(put(second, 'second')).thenFails('LimitExceededException', 'Maximum policy size of 2048 bytes exceeded for user alice');
    const spacious = `${' '.repeat(3000)}${big(10)}`;
    spec.given(history).when(put(spacious)).then([policyPut('kms-use', 'alice', spacious)]);
    // Replacing a policy counts its new size only.
    spec.given([...history, policyPut('first', 'alice', first)]).when(put(second, 'first')).then([policyPut('first', 'alice', second)]);
  });

  it('deletes an inline policy', () => {
    spec
      .given([...history, policyPut()])
      .when({ type: 'DeleteIdentityPolicy', accountId: ACCOUNT, principalType: 'User', principalName: 'alice', policyName: 'kms-use' })
      .then([{ type: 'IdentityPolicyDeleted', data: { principalType: 'User', principalName: 'alice', principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`, policyName: 'kms-use' } }]);
  });

  it('refuses to delete a policy that does not exist', () => {
    spec
      .given(history)
      .when({ type: 'DeleteIdentityPolicy', accountId: ACCOUNT, principalType: 'User', principalName: 'alice', policyName: 'kms-use' })
      .thenFails('NoSuchEntityException', 'The user policy with name kms-use cannot be found.');
  });
});
