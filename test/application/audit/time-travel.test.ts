import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessEntry } from '../../../src/application/audit/access-at.js';
import { ALICE, at, BOB, CAROL, DELETED_AT, justBefore, ROOT_A, scriptedHistory, type ScriptedHistory } from './support/scripted-history.js';

let h: ScriptedHistory;
beforeAll(async () => {
  h = await scriptedHistory();
});
afterAll(async () => {
  await h.close();
});

/** principal -> [outcome, conditions] for one operation, as "who could use K1" answers at `time`. */
async function whoCould(operation: string, time: string): Promise<Record<string, [string, string[]]>> {
  const answer = await h.queries.whoCouldUse(h.k1.keyId, { operation, asOf: { time } });
  return Object.fromEntries(answer.entries.map((e: AccessEntry) => [e.principal, [e.outcome, e.paths.flatMap((p) => p.conditions)]]));
}

const ACCOUNT_PRINCIPALS = 'account:111122223333';
const FINANCE = 'StringEquals kms:EncryptionContext:Department in ["Finance"]';
const PROJECT_X = 'encryption context contains {Project=X}';

describe('who could use K1 for Decrypt, at many instants', () => {
  it('is nobody before the key exists, and the key exists at the instant of its KeyCreated', async () => {
    expect(await whoCould('Decrypt', justBefore(at(10)))).toEqual({});
    expect(await whoCould('Decrypt', at(10))).toEqual({
      [ROOT_A.arn]: ['Allow', []],
      [ACCOUNT_PRINCIPALS]: ['Allow', []],
      [ALICE.arn]: ['Allow', []],
    });
  });

  it('sees the replaced policy from the instant of the PolicyPut, with its condition still attached', async () => {
    expect((await whoCould('Decrypt', justBefore(at(30))))[CAROL.arn]).toBeUndefined();
    expect((await whoCould('Decrypt', at(30)))[CAROL.arn]).toEqual(['Conditional', [FINANCE]]);
  });

  it('sees the grant from its creation to its revocation, exactly', async () => {
    expect((await whoCould('Decrypt', justBefore(at(40))))[BOB.arn]).toBeUndefined();
    expect((await whoCould('Decrypt', at(40)))[BOB.arn]).toEqual(['Conditional', [PROJECT_X]]);
    expect((await whoCould('Decrypt', justBefore(at(70))))[BOB.arn]).toEqual(['Conditional', [PROJECT_X]]);
    expect((await whoCould('Decrypt', at(70)))[BOB.arn]).toBeUndefined();
  });

  it('reports that the key state refuses the operation while the key is disabled', async () => {
    const state = async (time: string) => (await h.queries.whoCouldUse(h.k1.keyId, { operation: 'Decrypt', asOf: { time } })).entries.map((e) => e.keyStateAllows);
    expect(new Set(await state(justBefore(at(50))))).toEqual(new Set([true]));
    expect(new Set(await state(at(50)))).toEqual(new Set([false]));
    expect(new Set(await state(at(60)))).toEqual(new Set([true]));
  });

  it('follows the identity policy of alice: Decrypt gone from minute 80, Encrypt kept', async () => {
    expect((await whoCould('Decrypt', justBefore(at(80))))[ALICE.arn]).toEqual(['Allow', []]);
    expect((await whoCould('Decrypt', at(80)))[ALICE.arn]).toBeUndefined();
    expect((await whoCould('Encrypt', at(80)))[ALICE.arn]).toEqual(['Allow', []]);
  });

  it('is nobody once the key is deleted', async () => {
    expect(Object.keys(await whoCould('Decrypt', justBefore(DELETED_AT))).length).toBeGreaterThan(0);
    expect(await whoCould('Decrypt', DELETED_AT)).toEqual({});
  });

  it('answers as of a global position the same way: the PolicyPut event itself sees the new policy', async () => {
    const p = h.policyReplacedAt;
    const asOf = async (position: typeof p) => (await h.queries.whoCouldUse(h.k1.keyId, { operation: 'Decrypt', asOf: { position } })).entries.map((e) => e.principal);
    expect(await asOf(p)).toContain(CAROL.arn);
    expect(await asOf({ commit: p.commit - 1n, prepare: p.prepare - 1n })).not.toContain(CAROL.arn);
  });

  it('gives a definite answer for a concrete encryption context', async () => {
    const ask = async (encryptionContext: Record<string, string>) =>
      (await h.queries.whoCouldUse(h.k1.keyId, { operation: 'Decrypt', asOf: { time: at(45) }, request: { encryptionContext } })).entries.map((e) => [e.principal, e.outcome]);
    expect(await ask({ Department: 'Finance' })).toContainEqual([CAROL.arn, 'Allow']);
    expect((await ask({ Department: 'Sales' })).map(([p]) => p)).not.toContain(CAROL.arn);
    expect(await ask({ Project: 'X' })).toContainEqual([BOB.arn, 'Allow']);
  });

  it('cites the events each entry rests on', async () => {
    const answer = await h.queries.whoCouldUse(h.k1.keyId, { operation: 'Decrypt', asOf: { time: at(45) } });
    const bob = answer.entries.find((e) => e.principal === BOB.arn)!;
    expect(bob.citations).toEqual([expect.objectContaining({ type: 'GrantCreated', stream: `kmskey-${h.k1.keyId}`, time: at(40) })]);
    const alice = answer.entries.find((e) => e.principal === ALICE.arn)!;
    expect(alice.citations.map((c) => [c.type, c.time])).toEqual([
      ['PolicyPut', at(30)],
      ['IdentityPolicyPut', at(0)],
    ]);
  });
});

describe('a key as of an instant', () => {
  it('has its state, aliases, grants, policy and backing keys as they were', async () => {
    const before = await h.queries.keyAsOf(h.k1.keyId, { asOf: { time: justBefore(at(10)) } });
    expect(before.key).toBeNull();
    const k = await h.queries.keyAsOf(h.k1.keyId, { asOf: { time: at(45) } });
    expect(k.key).toMatchObject({ keyState: 'Enabled', description: 'payroll', status: 'Live' });
    expect(k.aliases.map((a) => a.aliasName)).toEqual(['alias/payroll']);
    expect(k.grants.map((g) => [g.grantId, g.granteePrincipal])).toEqual([[h.grantId, BOB.arn]]);
    expect(k.policy?.policy).toContain('FinanceDecrypt');
    expect(k.backingKeys.map((b) => b.version)).toEqual([1]);
    expect(k.citations.map((c) => c.type)).toEqual(['KeyCreated', 'AliasCreated', 'PolicyPut', 'GrantCreated']);
    expect((await h.queries.keyAsOf(h.k1.keyId, { asOf: { time: at(50) } })).key?.keyState).toBe('Disabled');
  });

  it('follows the alias when it is re-pointed', async () => {
    expect((await h.queries.keyAsOf(h.k1.keyId, { asOf: { time: at(90) } })).aliases).toEqual([]);
    expect((await h.queries.keyAsOf(h.k2.keyId, { asOf: { time: at(90) } })).aliases.map((a) => a.aliasName)).toEqual(['alias/payroll']);
    expect((await h.queries.keyAsOf(h.k2.keyId, { asOf: { time: justBefore(at(90)) } })).key).toBeNull();
  });

  it('is pending deletion, then deleted with no grants, policy or backing keys left', async () => {
    expect((await h.queries.keyAsOf(h.k1.keyId, { asOf: { time: at(110) } })).key?.keyState).toBe('PendingDeletion');
    const gone = await h.queries.keyAsOf(h.k1.keyId, { asOf: { time: DELETED_AT } });
    expect(gone.key).toMatchObject({ status: 'Deleted', keyState: 'Deleted' });
    expect([gone.policy, gone.grants, gone.backingKeys]).toEqual([null, [], []]);
  });
});

describe('when could a principal use K1', () => {
  it('gives carol Decrypt only with Department=Finance, interrupted while the key was disabled', async () => {
    const answer = await h.queries.whenCouldUse(CAROL.arn, h.k1.keyId, { operation: 'Decrypt' });
    expect(answer.intervals.map((i) => [i.outcome, i.from.type, i.from.time, i.to?.type, i.to?.time, i.conditions])).toEqual([
      ['Conditional', 'PolicyPut', at(30), 'KeyDisabled', at(50), [FINANCE]],
      ['Conditional', 'KeyEnabled', at(60), 'KeyDeletionScheduled', at(110), [FINANCE]],
    ]);
  });

  it('gives alice Decrypt until her identity policy changed', async () => {
    const answer = await h.queries.whenCouldUse(ALICE.arn, h.k1.keyId, { operation: 'Decrypt' });
    // CreateKey appends KeyCreated then PolicyPut: the key is usable from the second of the two.
    expect(answer.intervals.map((i) => [i.from.type, i.from.time, i.to?.type, i.to?.time])).toEqual([
      ['PolicyPut', at(10), 'KeyDisabled', at(50)],
      ['KeyEnabled', at(60), 'IdentityPolicyPut', at(80)],
    ]);
  });

  it('gives bob the grant\'s life, minus the time the key was disabled', async () => {
    const answer = await h.queries.whenCouldUse(BOB.arn, h.k1.keyId, { operation: 'Encrypt' });
    expect(answer.intervals.map((i) => [i.from.type, i.to?.type, i.conditions])).toEqual([
      ['GrantCreated', 'KeyDisabled', [PROJECT_X]],
      ['KeyEnabled', 'GrantRevoked', [PROJECT_X]],
    ]);
  });
});

describe('which keys could a principal use', () => {
  it('lists the keys and operations, by key policy, identity policy or grant', async () => {
    const bob45 = await h.queries.keysUsableBy(BOB.arn, { asOf: { time: at(45) } });
    expect(bob45.keys.map((k) => [k.keyId, k.operations.map((o) => [o.operation, o.outcome])])).toEqual([
      [h.k1.keyId, [['Encrypt', 'Conditional'], ['Decrypt', 'Conditional']]],
    ]);
    expect((await h.queries.keysUsableBy(BOB.arn, { asOf: { time: at(75) } })).keys).toEqual([]);
    const alice95 = await h.queries.keysUsableBy(ALICE.arn, { asOf: { time: at(95) }, operation: 'Encrypt' });
    expect(alice95.keys.map((k) => k.keyId).sort()).toEqual([h.k1.keyId, h.k2.keyId].sort());
  });
});

describe('who did use K1', () => {
  it('lists the calls in (after, until] with caller, source, encryption context and result', async () => {
    const answer = await h.queries.whoDidUse(h.k1.keyId, { after: { time: at(90) }, until: { time: at(100) } });
    expect(answer.records.map((r) => [r.operation, r.caller.arn, r.result, r.encryptionContext, r.sourceIp])).toEqual([
      ['Encrypt', ALICE.arn, 'Success', { encryptionContext: { Department: 'Finance' } }, '192.0.2.10'],
      ['Decrypt', CAROL.arn, 'Success', { encryptionContext: { Department: 'Finance' } }, '192.0.2.10'],
      ['Decrypt', CAROL.arn, 'AccessDeniedException', null, '192.0.2.10'],
    ]);
    expect(answer.records[0]!.citation).toMatchObject({ type: 'KmsCallRecorded', time: at(100) });
    expect((await h.queries.whoDidUse(h.k1.keyId, { after: { time: at(100) } })).records.map((r) => r.operation)).toEqual(['ScheduleKeyDeletion', 'DeleteKey']);
    const changes = await h.queries.whoDidUse(h.k1.keyId, { until: { time: at(20) } });
    expect(changes.records.map((r) => [r.operation, r.time])).toEqual([
      ['CreateKey', at(10)],
      ['CreateAlias', at(20)],
    ]);
  });
});

describe('what changed in access to K1', () => {
  it('lists the events in the range and the differences between its ends', async () => {
    const answer = await h.queries.accessChanges(h.k1.keyId, { after: { time: at(35) }, until: { time: at(85) } });
    const k1 = answer.keys[0]!;
    expect(k1.events.map((e) => [e.citation.type, e.citation.time])).toEqual([
      ['GrantCreated', at(40)],
      ['KeyDisabled', at(50)],
      ['KeyEnabled', at(60)],
      ['GrantRevoked', at(70)],
      ['IdentityPolicyPut', at(80)],
    ]);
    const differences = k1.differences.map((d) => [d.change, d.principal, d.operation]);
    expect(differences).toContainEqual(['lost', ALICE.arn, 'Decrypt']);
    expect(differences.filter(([, p]) => p === BOB.arn)).toEqual([]);
  });

  it('finds the keys whose access changed across every key', async () => {
    const answer = await h.queries.accessChanges(null, { after: { time: at(85) }, until: { time: at(95) } });
    expect(answer.keys.map((k) => k.keyId).sort()).toEqual([h.k1.keyId, h.k2.keyId].sort());
  });
});
