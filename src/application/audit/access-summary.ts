import type { AccessEntry } from './access-at.js';

/** One line's worth of an access entry: why it holds, and what it still depends on. */
export interface AccessSummary {
  readonly because: readonly string[];
  /** All must hold; empty when access holds outright. Alternatives are spelled out in one condition with "or". */
  readonly conditions: readonly string[];
}

const unique = (texts: readonly string[]): string[] => [...new Set(texts)];

/**
 * Sums an entry's paths up for answers that give one line per principal and operation
 * (when could, which keys, what changed). A path that holds outright makes the others
 * beside the point: their conditions would wrongly qualify an unconditional Allow. With
 * only conditional paths, any one of them is enough, so their conditions are alternatives.
 * A Deny that still depends on the request adds "unless ...".
 */
export function summarizeAccess(entry: AccessEntry): AccessSummary {
  const outright = entry.paths.filter((p) => p.conditions.length === 0);
  const standing = outright.length > 0 ? outright : entry.paths;
  const alternatives = unique(outright.length > 0 ? [] : standing.map((p) => (p.conditions.length === 1 ? p.conditions[0]! : `(${p.conditions.join(' and ')})`)));
  const unless = entry.denials.filter((d) => d.conditions.length > 0).map((d) => `unless ${d.conditions.join(' and ')} (${d.because})`);
  return {
    because: unique([...standing.flatMap((p) => p.because), ...entry.denials.map((d) => d.because)]),
    conditions: [...(alternatives.length === 0 ? [] : [alternatives.join(' or ')]), ...unique(unless)],
  };
}
