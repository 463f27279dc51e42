import type { ExpectedRevision } from '../../../application/ports/event-store.js';
import type { EncodedEvent, WriteOp } from './batch-writer.js';

/**
 * A batch of write operations as one string, to cross to the writer thread: a string is
 * copied in one piece, where the structured clone of the same operations walks every
 * object and array of them (several times the cost, on the thread that serves requests).
 * Every field is length-prefixed (`<length>:<text>`), so no text needs escaping.
 */
export function encodeWriteOps(ops: readonly WriteOp[]): string {
  let text = '';
  for (const op of ops) {
    text += field(op.kind === 'append' ? 'A' : 'D') + field(op.stream) + field(expectedText(op.expected));
    if (op.kind === 'append') {
      text += field(String(op.events.length));
      for (const [id, type, data, metadata] of op.events) text += field(id) + field(type) + field(data) + field(metadata);
    }
  }
  return text;
}

/**
 * The inverse of encodeWriteOps. Self-contained (no outer names) like createBatchWriter,
 * since the writer thread runs it from its source text.
 */
export function decodeWriteOps(text: string): WriteOp[] {
  let at = 0;
  const next = (): string => {
    const colon = text.indexOf(':', at);
    const length = Number(text.slice(at, colon));
    at = colon + 1 + length;
    return text.slice(colon + 1, at);
  };
  const expected = (value: string): ExpectedRevision =>
    value === 'any' || value === 'no_stream' || value === 'stream_exists' ? value : BigInt(value);
  const ops: WriteOp[] = [];
  while (at < text.length) {
    const kind = next();
    const stream = next();
    const expectedRevision = expected(next());
    if (kind === 'D') {
      ops.push({ kind: 'delete', stream, expected: expectedRevision });
      continue;
    }
    const count = Number(next());
    const events: EncodedEvent[] = [];
    for (let i = 0; i < count; i++) events.push([next(), next(), next(), next()]);
    ops.push({ kind: 'append', stream, expected: expectedRevision, events });
  }
  return ops;
}

function field(value: string): string {
  return `${value.length}:${value}`;
}

function expectedText(expected: ExpectedRevision): string {
  return typeof expected === 'bigint' ? expected.toString() : expected;
}
