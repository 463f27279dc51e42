import { describe, it } from 'vitest';
import type { KeyEvent } from '../../../src/domain/key/key-events.js';
import { CREATED, DISABLED, KEY_ID, PENDING_DELETION, spec } from './key-fixtures.js';

const keyId = KEY_ID;

function tagged(...pairs: [string, string][]): KeyEvent {
  return { type: 'KeyTagged', data: { keyId, tags: pairs.map(([tagKey, tagValue]) => ({ tagKey, tagValue })) } };
}

function tags(...pairs: [string, string][]) {
  return pairs.map(([tagKey, tagValue]) => ({ tagKey, tagValue }));
}

const fifty = Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'] as [string, string]);

describe('TagResource', () => {
  it('adds tags and edits values; an empty value is allowed', () => {
    spec.given(CREATED).when({ type: 'TagResource', keyId, tags: tags(['team', 'payments'], ['note', '']) }).then([
      tagged(['team', 'payments'], ['note', '']),
    ]);
    spec.given([...CREATED, tagged(['team', 'payments'])]).when({ type: 'TagResource', keyId, tags: tags(['team', 'risk']) }).then([
      tagged(['team', 'risk']),
    ]);
  });

  it('records only what changes, and nothing when nothing does', () => {
    const history = [...CREATED, tagged(['team', 'payments'])];
    spec.given(history).when({ type: 'TagResource', keyId, tags: tags(['team', 'payments'], ['env', 'prod']) }).then([tagged(['env', 'prod'])]);
    spec.given(history).when({ type: 'TagResource', keyId, tags: tags(['team', 'payments']) }).thenNothing();
  });

  it('takes keys of 1 to 128 characters and values of up to 256', () => {
    const key128 = 'k'.repeat(128);
    const value256 = 'v'.repeat(256);
    spec.given(CREATED).when({ type: 'TagResource', keyId, tags: tags([key128, value256]) }).then([tagged([key128, value256])]);
    spec.given(CREATED).when({ type: 'TagResource', keyId, tags: tags(['k'.repeat(129), 'v']) }).thenFails('TagException');
    spec.given(CREATED).when({ type: 'TagResource', keyId, tags: tags(['', 'v']) }).thenFails('TagException');
    spec.given(CREATED).when({ type: 'TagResource', keyId, tags: tags(['k', 'v'.repeat(257)]) }).thenFails('TagException');
  });

  it('reserves the aws: prefix in any case', () => {
    spec.given(CREATED).when({ type: 'TagResource', keyId, tags: tags(['aws:owner', 'x']) }).thenFails('TagException', 'aws:');
    spec.given(CREATED).when({ type: 'TagResource', keyId, tags: tags(['AWS:owner', 'x']) }).thenFails('TagException');
  });

  it('allows 50 tags on a key and refuses the 51st; editing one of 50 is fine', () => {
    spec.given(CREATED).when({ type: 'TagResource', keyId, tags: tags(...fifty) }).then([tagged(...fifty)]);
    const full = [...CREATED, tagged(...fifty)];
    spec.given(full).when({ type: 'TagResource', keyId, tags: tags(['one-more', 'v']) }).thenFails('TagException', '50');
    spec.given(full).when({ type: 'TagResource', keyId, tags: tags(['k0', 'changed']) }).then([tagged(['k0', 'changed'])]);
  });

  it('works on a disabled key and refuses a key pending deletion', () => {
    spec.given(DISABLED).when({ type: 'TagResource', keyId, tags: tags(['a', 'b']) }).then([tagged(['a', 'b'])]);
    spec.given(PENDING_DELETION).when({ type: 'TagResource', keyId, tags: tags(['a', 'b']) }).thenFails('KMSInvalidStateException');
  });
});

describe('UntagResource', () => {
  const history = [...CREATED, tagged(['team', 'payments'], ['env', 'prod'])];

  it('removes the tags that exist and ignores the others', () => {
    spec.given(history).when({ type: 'UntagResource', keyId, tagKeys: ['team', 'absent'] }).then([
      { type: 'KeyUntagged', data: { keyId, tagKeys: ['team'] } },
    ]);
    spec.given(history).when({ type: 'UntagResource', keyId, tagKeys: ['absent'] }).thenNothing();
  });

  it('frees room under the 50-tag limit', () => {
    const full = [...CREATED, tagged(...fifty), { type: 'KeyUntagged', data: { keyId, tagKeys: ['k0'] } } as KeyEvent];
    spec.given(full).when({ type: 'TagResource', keyId, tags: tags(['new', 'v']) }).then([tagged(['new', 'v'])]);
  });

  it('refuses reserved or invalid keys and a key pending deletion', () => {
    spec.given(history).when({ type: 'UntagResource', keyId, tagKeys: ['aws:owner'] }).thenFails('TagException');
    spec.given(history).when({ type: 'UntagResource', keyId, tagKeys: [''] }).thenFails('TagException');
    spec.given(PENDING_DELETION).when({ type: 'UntagResource', keyId, tagKeys: ['team'] }).thenFails('KMSInvalidStateException');
  });
});
