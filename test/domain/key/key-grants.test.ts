import { describe, expect, it } from 'vitest';
import { decideCreateGrant, grantForCreateGrant } from '../../../src/domain/key/decide-grants.js';
import type { Grant } from '../../../src/domain/key/grant.js';
import { GrantTable } from '../../../src/domain/key/grant-table.js';
import { AWS_2015_GRANT_LIMITS, AWS_GRANT_LIMITS } from '../../../src/domain/key/grant-rules.js';
import type { KeyEvent } from '../../../src/domain/key/key-events.js';
import { createKeyDecider } from '../../../src/domain/key/key-decider.js';
import { grantsOf, type KeyAggregateState } from '../../../src/domain/key/key-state.js';
import { deciderSpec } from '../../support/decider-spec.js';
import {
  ACCOUNT,
  CALLER,
  CREATED,
  createGrant,
  DISABLED,
  GRANTEE,
  grantCreated,
  grantId,
  KEY_ID,
  NOW,
  PENDING_DELETION,
  spec,
} from './key-fixtures.js';

const keyId = KEY_ID;

function grantsFor(grantee: string, count: number, firstId = 1): KeyEvent[] {
  return Array.from({ length: count }, (_, i) => grantCreated({ grantId: grantId(firstId + i), granteePrincipal: grantee }));
}

describe('CreateGrant', () => {
  it('records the grant and keeps it in the shape the evaluator reads', () => {
    spec.given(CREATED).when(createGrant()).then([grantCreated()]);
    const grants = grantsOf(spec.given([...CREATED, grantCreated()]).state());
    const expected: Grant = {
      grantId: grantId(1),
      keyId,
      granteePrincipal: GRANTEE,
      issuingPrincipal: CALLER,
      issuingAccount: ACCOUNT,
      operations: ['Encrypt', 'Decrypt'],
      creationDate: NOW,
    };
    expect(grants).toStrictEqual([expected]);
  });

  it('records a name, a retiring principal and an encryption context constraint', () => {
    const retiring = `arn:aws:iam::${ACCOUNT}:role/janitor`;
    spec
      .given(CREATED)
      .when(createGrant({ name: 'ebs-vol-1', retiringPrincipal: retiring, constraints: { encryptionContextSubset: { volume: 'vol-1' } } }))
      .then([
        grantCreated({
          name: 'ebs-vol-1',
          retiringPrincipal: retiring,
          constraints: { encryptionContextEquals: null, encryptionContextSubset: { volume: 'vol-1' } },
        }),
      ]);
    const [grant] = grantsOf(
      spec.given([...CREATED, grantCreated({ constraints: { encryptionContextEquals: { a: 'b' }, encryptionContextSubset: null } })]).state(),
    );
    expect(grant?.constraints).toStrictEqual({ encryptionContextEquals: { a: 'b' } });
  });

  it('refuses EncryptionContextEquals and EncryptionContextSubset together, and treats empty maps as absent', () => {
    spec
      .given(CREATED)
      .when(createGrant({ constraints: { encryptionContextEquals: { a: 'b' }, encryptionContextSubset: { c: 'd' } } }))
      .thenFails('ValidationException', 'not both');
    spec.given(CREATED).when(createGrant({ constraints: { encryptionContextEquals: {}, encryptionContextSubset: {} } })).then([grantCreated()]);
  });

  it('takes operations from the grant operation list only, once each, and none a symmetric key cannot do', () => {
    spec.given(CREATED).when(createGrant({ operations: ['Encrypt', 'Decrypt', 'Encrypt'] })).then([grantCreated()]);
    spec.given(CREATED).when(createGrant({ operations: ['Destroy'] })).thenFails('ValidationException', 'Destroy');
    spec.given(CREATED).when(createGrant({ operations: ['Sign'] })).thenFails('ValidationException', 'symmetric');
    spec.given(CREATED).when(createGrant({ operations: ['GenerateMac'] })).thenFails('ValidationException');
    spec.given(CREATED).when(createGrant({ operations: [] })).thenFails('ValidationException');
  });

  it('refuses malformed principals, names and grant ids', () => {
    spec.given(CREATED).when(createGrant({ granteePrincipal: '' })).thenFails('ValidationException');
    spec.given(CREATED).when(createGrant({ granteePrincipal: 'has space' })).thenFails('ValidationException');
    spec.given(CREATED).when(createGrant({ retiringPrincipal: 'x'.repeat(257) })).thenFails('ValidationException');
    spec.given(CREATED).when(createGrant({ name: 'white space' })).thenFails('ValidationException');
    spec.given(CREATED).when(createGrant({ grantId: 'abc' })).thenFails('ValidationException');
  });

  it('refuses a disabled key with DisabledException and a key pending deletion with KMSInvalidStateException', () => {
    spec.given(DISABLED).when(createGrant()).thenFails('DisabledException');
    spec.given(PENDING_DELETION).when(createGrant()).thenFails('KMSInvalidStateException');
    spec.given([]).when(createGrant()).thenFails('NotFoundException');
  });

  describe('with a name', () => {
    const named = [...CREATED, grantCreated({ name: 'retry-safe' })];

    it('returns the existing grant for the same name and parameters, recording nothing', () => {
      const retry = createGrant({ grantId: grantId(2), name: 'retry-safe', operations: ['Decrypt', 'Encrypt'] });
      spec.given(named).when(retry).thenNothing();
      expect(grantForCreateGrant(spec.given(named).state(), retry)?.grantId).toBe(grantId(1));
    });

    it('makes a new grant for the same name with other parameters', () => {
      spec
        .given(named)
        .when(createGrant({ grantId: grantId(2), name: 'retry-safe', operations: ['Decrypt'] }))
        .then([grantCreated({ grantId: grantId(2), name: 'retry-safe', operations: ['Decrypt'] })]);
      spec
        .given(named)
        .when(createGrant({ grantId: grantId(2), name: 'retry-safe', constraints: { encryptionContextEquals: { a: 'b' } } }))
        .then([
          grantCreated({
            grantId: grantId(2),
            name: 'retry-safe',
            constraints: { encryptionContextEquals: { a: 'b' }, encryptionContextSubset: null },
          }),
        ]);
    });
  });

  it('makes a new grant every time when there is no name', () => {
    const command = createGrant({ grantId: grantId(2) });
    spec.given([...CREATED, grantCreated()]).when(command).then([grantCreated({ grantId: grantId(2) })]);
    expect(grantForCreateGrant(spec.given([...CREATED, grantCreated(), grantCreated({ grantId: grantId(2) })]).state(), command)?.grantId).toBe(
      grantId(2),
    );
  });

  it('refuses a grant id the key already has', () => {
    spec.given([...CREATED, grantCreated()]).when(createGrant()).thenFails('AlreadyExistsException');
  });

  describe('limits', () => {
    it('holds the per-key limit a command carries', () => {
      const limits = { grantsPerKey: 2, grantsPerGranteePerKey: 10 };
      const two = [...CREATED, grantCreated({ grantId: grantId(1), granteePrincipal: 'arn:aws:iam::111122223333:role/a' }), grantCreated({ grantId: grantId(2), granteePrincipal: 'arn:aws:iam::111122223333:role/b' })];
      spec.given(two.slice(0, 3)).when(createGrant({ grantId: grantId(3), limits })).then([grantCreated({ grantId: grantId(3) })]);
      spec.given(two).when(createGrant({ grantId: grantId(3), limits })).thenFails('LimitExceededException');
    });

    it('holds the per-grantee limit and lets other grantees in', () => {
      const limits = { grantsPerKey: 100, grantsPerGranteePerKey: 3 };
      const three = [...CREATED, ...grantsFor(GRANTEE, 3)];
      spec.given(three).when(createGrant({ grantId: grantId(9), limits })).thenFails('LimitExceededException', GRANTEE);
      const other = 'arn:aws:iam::111122223333:role/other';
      spec.given(three).when(createGrant({ grantId: grantId(9), granteePrincipal: other, limits })).then([
        grantCreated({ grantId: grantId(9), granteePrincipal: other }),
      ]);
    });

    it('counts retired and revoked grants out', () => {
      const limits = { grantsPerKey: 2, grantsPerGranteePerKey: 2 };
      const history: KeyEvent[] = [
        ...CREATED,
        ...grantsFor(GRANTEE, 2),
        { type: 'GrantRetired', data: { keyId, grantId: grantId(1) } },
      ];
      spec.given(history).when(createGrant({ grantId: grantId(3), limits })).then([grantCreated({ grantId: grantId(3) })]);
    });

    it('takes the 2015 quotas (250 per key, 30 per grantee) as a decider option', () => {
      const legacy = deciderSpec(createKeyDecider({ grantLimits: AWS_2015_GRANT_LIMITS }));
      legacy.given([...CREATED, ...grantsFor(GRANTEE, 29)]).when(createGrant({ grantId: grantId(100) })).then([grantCreated({ grantId: grantId(100) })]);
      legacy.given([...CREATED, ...grantsFor(GRANTEE, 30)]).when(createGrant({ grantId: grantId(100) })).thenFails('LimitExceededException');
      const many = Array.from({ length: 250 }, (_, i) => grantCreated({ grantId: grantId(i + 1), granteePrincipal: `arn:aws:iam::111122223333:role/r${i}` }));
      legacy.given([...CREATED, ...many]).when(createGrant({ grantId: grantId(1000) })).thenFails('LimitExceededException');
    });

    it('defaults to 500 grants per grantee', () => {
      spec.given([...CREATED, ...grantsFor(GRANTEE, 499)]).when(createGrant({ grantId: grantId(1000) })).then([grantCreated({ grantId: grantId(1000) })]);
      spec.given([...CREATED, ...grantsFor(GRANTEE, 500)]).when(createGrant({ grantId: grantId(1000) })).thenFails('LimitExceededException');
    });

    it('defaults to 50,000 grants per key', () => {
      const live = spec.given(CREATED).state();
      if (live.status !== 'Live') throw new Error('expected a live key');
      const withGrants = (count: number): KeyAggregateState => {
        const grants = Array.from({ length: count }, (_, i): Grant => ({
          grantId: grantId(i + 1),
          keyId,
          granteePrincipal: `arn:aws:iam::111122223333:role/r${i % 1000}`,
          issuingPrincipal: CALLER,
          issuingAccount: ACCOUNT,
          operations: ['Decrypt'],
          creationDate: NOW,
        }));
        return { status: 'Live', key: { ...live.key, grants: GrantTable.of(grants) } };
      };
      const fresh = 'arn:aws:iam::111122223333:role/fresh';
      expect(decideCreateGrant(createGrant({ grantId: grantId(60_000), granteePrincipal: fresh }), withGrants(49_999), AWS_GRANT_LIMITS)).toHaveLength(1);
      expect(() => createKeyDecider().decide(createGrant({ grantId: grantId(60_000), granteePrincipal: fresh }), withGrants(50_000))).toThrow(/50000/);
    });
  });
});

describe('RetireGrant and RevokeGrant', () => {
  const withGrant = [...CREATED, grantCreated()];

  it('remove the grant, each with its own event', () => {
    spec.given(withGrant).when({ type: 'RetireGrant', keyId, grantId: grantId(1) }).then([{ type: 'GrantRetired', data: { keyId, grantId: grantId(1) } }]);
    spec.given(withGrant).when({ type: 'RevokeGrant', keyId, grantId: grantId(1) }).then([{ type: 'GrantRevoked', data: { keyId, grantId: grantId(1) } }]);
    expect(grantsOf(spec.given([...withGrant, { type: 'GrantRevoked', data: { keyId, grantId: grantId(1) } }]).state())).toEqual([]);
  });

  it('answer NotFoundException for a grant the key does not have (or no longer has)', () => {
    spec.given(withGrant).when({ type: 'RevokeGrant', keyId, grantId: grantId(2) }).thenFails('NotFoundException');
    spec.given(withGrant).when({ type: 'RetireGrant', keyId, grantId: grantId(2) }).thenFails('NotFoundException');
    const retired: KeyEvent[] = [...withGrant, { type: 'GrantRetired', data: { keyId, grantId: grantId(1) } }];
    spec.given(retired).when({ type: 'RetireGrant', keyId, grantId: grantId(1) }).thenFails('NotFoundException');
  });

  it('answer InvalidGrantIdException for a malformed grant id', () => {
    spec.given(withGrant).when({ type: 'RevokeGrant', keyId, grantId: 'nope' }).thenFails('InvalidGrantIdException');
    spec.given(withGrant).when({ type: 'RetireGrant', keyId, grantId: 'nope' }).thenFails('InvalidGrantIdException');
  });

  it('work in every key state', () => {
    const pending = [...withGrant, ...PENDING_DELETION.slice(CREATED.length)];
    spec.given(pending).when({ type: 'RevokeGrant', keyId, grantId: grantId(1) }).then([{ type: 'GrantRevoked', data: { keyId, grantId: grantId(1) } }]);
    const disabled: KeyEvent[] = [...withGrant, { type: 'KeyDisabled', data: { keyId } }];
    spec.given(disabled).when({ type: 'RetireGrant', keyId, grantId: grantId(1) }).then([{ type: 'GrantRetired', data: { keyId, grantId: grantId(1) } }]);
  });
});

describe('grantsOf', () => {
  it('lists grants oldest first', () => {
    const history = [
      ...CREATED,
      grantCreated({ grantId: grantId(7), creationDate: '2024-03-03T00:00:00.000Z' }),
      grantCreated({ grantId: grantId(8), creationDate: '2024-03-02T00:00:00.000Z' }),
      grantCreated({ grantId: grantId(9), creationDate: '2024-03-04T00:00:00.000Z' }),
    ];
    expect(grantsOf(spec.given(history).state()).map((g) => g.grantId)).toEqual([grantId(8), grantId(7), grantId(9)]);
  });
});
