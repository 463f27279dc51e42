import { describe, expect, it } from 'vitest';
import type { Grant } from '../../../src/domain/key/grant.js';
import { GrantTable } from '../../../src/domain/key/grant-table.js';
import { ACCOUNT, CALLER, GRANTEE, grantId, KEY_ID, NOW } from './key-fixtures.js';

function grant(n: number, overrides: Partial<Grant> = {}): Grant {
  return { grantId: grantId(n), keyId: KEY_ID, granteePrincipal: GRANTEE, issuingPrincipal: CALLER, issuingAccount: ACCOUNT, operations: ['Decrypt'], creationDate: NOW, ...overrides };
}

describe('GrantTable', () => {
  it('adds, replaces and removes grants, counting them', () => {
    const table = GrantTable.of([grant(1), grant(2), grant(3)]);
    expect(table.size).toBe(3);
    expect(table.get(grantId(2))).toEqual(grant(2));
    const replaced = table.with(grant(2, { operations: ['Encrypt'] }));
    expect(replaced.size).toBe(3);
    expect(replaced.get(grantId(2))?.operations).toEqual(['Encrypt']);
    const removed = replaced.without(grantId(1));
    expect(removed.size).toBe(2);
    expect(removed.has(grantId(1))).toBe(false);
    expect(removed.without(grantId(99))).toBe(removed);
    expect([...removed.keys()].sort()).toEqual([grantId(2), grantId(3)]);
  });

  it('leaves every earlier table as it was', () => {
    const before = GrantTable.of([grant(1)]);
    const after = before.with(grant(2)).without(grantId(1));
    expect(before.size).toBe(1);
    expect(before.has(grantId(1))).toBe(true);
    expect(before.has(grantId(2))).toBe(false);
    expect([...after.values()]).toEqual([grant(2)]);
  });

  it('holds many grants', () => {
    const table = GrantTable.of(Array.from({ length: 5000 }, (_, i) => grant(i + 1)));
    expect(table.size).toBe(5000);
    expect([...table].length).toBe(5000);
    expect(table.get(grantId(4321))?.grantId).toBe(grantId(4321));
  });
});
