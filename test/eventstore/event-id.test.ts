import { describe, expect, it } from 'vitest';
import { newEventId } from '../../src/infrastructure/eventstore/event-id.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event ids', () => {
  it('are UUIDs of version 7 that carry the time in milliseconds first', () => {
    const now = Date.UTC(2026, 2, 3, 14, 0, 0, 123);
    const id = newEventId(now);
    expect(id).toMatch(V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it('sort by time as text, so a unique index on them grows at its end', () => {
    const times = [0, 1, 255, 256, 1_700_000_000_000, 1_700_000_000_001, 2 ** 47];
    const ids = times.map((t) => newEventId(t));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differ within one millisecond', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newEventId(42)));
    expect(ids.size).toBe(10_000);
    for (const id of ids) expect(id).toMatch(V7);
  });
});
