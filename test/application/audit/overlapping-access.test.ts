import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteTemporalReadSide } from '../../../projections/temporal/temporal-read-side.js';
import type { TimeTravelQueries } from '../../../src/application/audit/time-travel-queries.js';
import { CommandHandler } from '../../../src/application/command-handler.js';
import { createIdentityDirectory } from '../../../src/domain/identity/identity-directory.js';
import { identityDirectoryStream } from '../../../src/domain/identity/identity-stream.js';
import { ACCOUNT_B, ALICE, BOB, CAROL, type KmsFixture, ROOT_A } from '../kms/support/kms-fixture.js';
import { at, justBefore, policy, ROOT_STATEMENT } from './support/scripted-history.js';
import { temporalFixture } from './support/temporal-fixture.js';

/**
 * A history where access holds by two paths at once:
 *  0  alice may Encrypt and Decrypt every key (identity policy); carol has no policy
 * 10  root creates K (default key policy: the account's identity policies count)
 * 20  grants on K: to alice (Decrypt, only with Project=X), to carol (Decrypt, Project=X)
 *     and to carol again (Decrypt, Team=Blue)
 * 30  root retires alice's grant
 * 40  K's policy also lets in bob, a user of account B (who has no identity policy yet)
 * 50  account B gives bob an identity policy allowing Decrypt: bob can now decrypt with K
 */
let kms: KmsFixture;
let readSide: SqliteTemporalReadSide;
let queries: TimeTravelQueries;
let keyId: string;
let aliceGrant: string;

beforeAll(async () => {
  ({ kms, readSide, queries } = temporalFixture());
  kms.time = at(0);
  await kms.identity(ALICE, { UseKeys: policy([{ Sid: 'UseKeys', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' }]) });
  await kms.identity(CAROL);
  kms.time = at(10);
  keyId = (await kms.createKey(ROOT_A)).keyId;
  kms.time = at(20);
  const grant = (grantee: string, context: Record<string, string>) =>
    kms.invoke(ROOT_A, 'CreateGrant', { KeyId: keyId, GranteePrincipal: grantee, RetiringPrincipal: ROOT_A.arn, Operations: ['Decrypt'], Constraints: { EncryptionContextSubset: context } });
  aliceGrant = ((await grant(ALICE.arn, { Project: 'X' })) as { GrantId: string }).GrantId;
  await grant(CAROL.arn, { Project: 'X' });
  await grant(CAROL.arn, { Team: 'Blue' });
  kms.time = at(30);
  await kms.invoke(ROOT_A, 'RetireGrant', { KeyId: keyId, GrantId: aliceGrant });
  await kms.identity(BOB);
  kms.time = at(40);
  const bobStatement = { Sid: 'Bob', Effect: 'Allow', Principal: { AWS: BOB.arn }, Action: 'kms:Decrypt', Resource: '*' };
  await kms.invoke(ROOT_A, 'PutKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: policy([ROOT_STATEMENT, bobStatement]) });
  kms.time = at(50);
  const document = policy([{ Sid: 'Decrypt', Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }]);
  await kms.container
    .get(CommandHandler)
    .handle(
      createIdentityDirectory(),
      identityDirectoryStream(ACCOUNT_B),
      { type: 'PutIdentityPolicy', accountId: ACCOUNT_B, principalType: 'User', principalName: BOB.userName!, policyName: 'Decrypt', policyDocument: document },
      kms.context(ROOT_A, 'IdentitySetup'),
    );
});
afterAll(async () => {
  await readSide.stop();
  await kms.close();
});

const PROJECT_X = 'encryption context contains {Project=X}';
const TEAM_BLUE = 'encryption context contains {Team=Blue}';

describe('access that holds by more than one path', () => {
  it('is an Allow without conditions when one path holds outright, whatever conditions another path has', async () => {
    const answer = await queries.keysUsableBy(ALICE.arn, { asOf: { time: at(25) }, operation: 'Decrypt' });
    expect(answer.keys.map((k) => [k.keyId, k.operations.map((o) => [o.outcome, o.conditions])])).toEqual([[keyId, [['Allow', []]]]]);
    // The reasons are those of the path that holds outright, not the grant's.
    expect(answer.keys[0]!.operations[0]!.because.join(' ')).not.toContain(aliceGrant);
  });

  it('is one interval of use while the outright path lasts, though a grant came and was retired meanwhile', async () => {
    const answer = await queries.whenCouldUse(ALICE.arn, keyId, { operation: 'Decrypt' });
    expect(answer.intervals.map((i) => [i.outcome, i.from.type, i.from.time, i.to, i.conditions])).toEqual([['Allow', 'PolicyPut', at(10), null, []]]);
  });

  it('needs any one of the conditions when every path has its own', async () => {
    const answer = await queries.keysUsableBy(CAROL.arn, { asOf: { time: at(25) }, operation: 'Decrypt' });
    expect(answer.keys.map((k) => k.operations.map((o) => [o.outcome, o.conditions]))).toEqual([[['Conditional', [`${PROJECT_X} or ${TEAM_BLUE}`]]]]);
  });

  it('sees a retired grant until the instant of its retirement, exactly', async () => {
    const paths = async (time: string) => {
      const answer = await queries.whoCouldUse(keyId, { operation: 'Decrypt', asOf: { time } });
      return answer.entries.find((e) => e.principal === ALICE.arn)!.paths.map((p) => p.conditions);
    };
    expect(await paths(justBefore(at(30)))).toContainEqual([PROJECT_X]);
    expect(await paths(at(30))).not.toContainEqual([PROJECT_X]);
    expect(await paths(at(30))).toContainEqual([]);
  });
});

describe('access changes across accounts', () => {
  it('cites the other account\'s identity change that let its user in, and finds the key among all keys', async () => {
    const one = await queries.accessChanges(keyId, { after: { time: at(45) }, until: { time: at(55) } });
    const changes = one.keys[0]!;
    expect(changes.events.map((e) => e.what)).toEqual([`identity policy "Decrypt" of ${BOB.arn} put`]);
    expect(changes.differences.filter((d) => d.principal === BOB.arn).map((d) => [d.change, d.operation])).toEqual([['gained', 'Decrypt']]);
    const all = await queries.accessChanges(null, { after: { time: at(45) }, until: { time: at(55) } });
    expect(all.keys.map((k) => k.keyId)).toContain(keyId);
  });
});
