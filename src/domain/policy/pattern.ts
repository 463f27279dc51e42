/**
 * Policy strings as patterns: literal text, the wildcards * and ?, and policy variables
 * such as ${aws:username} or ${aws:userid, 'anonymous'}. A variable's value is always
 * literal text, so a user named "a*" cannot widen a pattern.
 */
export type PatternToken =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'any' } // *
  | { readonly kind: 'one' } // ?
  | { readonly kind: 'variable'; readonly key: string; readonly fallback?: string };

export interface PatternOptions {
  /** Whether * and ? are wildcards (Like operators, Action, Resource) or literal text. */
  readonly wildcards: boolean;
  /** Whether ${...} is a variable: only in the 2012-10-17 policy language. */
  readonly variables: boolean;
}

const SPECIAL: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

export function tokenize(source: string, options: PatternOptions): PatternToken[] {
  const tokens: PatternToken[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') tokens.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i);
    if (options.variables && c === '$' && source.charAt(i + 1) === '{') {
      const end = source.indexOf('}', i + 2);
      if (end > 0) {
        const inner = source.slice(i + 2, end);
        const special = SPECIAL[inner];
        if (special !== undefined) {
          text += special;
        } else {
          flush();
          tokens.push(parseVariable(inner));
        }
        i = end;
        continue;
      }
    }
    if (options.wildcards && (c === '*' || c === '?')) {
      flush();
      tokens.push(c === '*' ? { kind: 'any' } : { kind: 'one' });
      continue;
    }
    text += c;
  }
  flush();
  return tokens;
}

function parseVariable(inner: string): PatternToken {
  // ${key, 'default'}: the default is quoted with single quotes after a comma.
  const m = /^\s*([^,]+?)\s*,\s*'([^']*)'\s*$/.exec(inner);
  if (m !== null) return { kind: 'variable', key: m[1] ?? '', fallback: m[2] ?? '' };
  return { kind: 'variable', key: inner.trim() };
}

/** What a variable's key holds: a value, nothing, or (in symbolic evaluation) not known yet. */
export type VariableValue = { readonly kind: 'value'; readonly value: string } | { readonly kind: 'absent' } | { readonly kind: 'unknown' };

export type Resolved =
  | { readonly kind: 'resolved'; readonly tokens: readonly PatternToken[] }
  /** A variable had no value and no default: IAM then treats the statement as not matching. */
  | { readonly kind: 'unresolvable'; readonly key: string }
  | { readonly kind: 'unknown'; readonly keys: readonly string[] };

export function resolve(tokens: readonly PatternToken[], lookup: (key: string) => VariableValue): Resolved {
  const out: PatternToken[] = [];
  const unknown: string[] = [];
  for (const t of tokens) {
    if (t.kind !== 'variable') {
      out.push(t);
      continue;
    }
    const v = lookup(t.key);
    if (v.kind === 'value') out.push({ kind: 'text', text: v.value });
    else if (v.kind === 'unknown') unknown.push(t.key);
    else if (t.fallback !== undefined) out.push({ kind: 'text', text: t.fallback });
    else return { kind: 'unresolvable', key: t.key };
  }
  if (unknown.length > 0) return { kind: 'unknown', keys: unknown };
  return { kind: 'resolved', tokens: out };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whole-string match of resolved tokens (variables already replaced). */
export function matchesTokens(tokens: readonly PatternToken[], value: string, ignoreCase: boolean): boolean {
  let source = '^';
  for (const t of tokens) {
    if (t.kind === 'text') source += escapeRegExp(t.text);
    else if (t.kind === 'any') source += '[\\s\\S]*';
    else if (t.kind === 'one') source += '[\\s\\S]';
    // A variable left here could not be resolved: it matches nothing.
    else return false;
  }
  return new RegExp(`${source}$`, ignoreCase ? 'iu' : 'u').test(value);
}

/** The literal text of resolved tokens (for Equals operators, where * and ? are text). */
export function literalText(tokens: readonly PatternToken[]): string {
  return tokens.map((t) => (t.kind === 'text' ? t.text : t.kind === 'any' ? '*' : t.kind === 'one' ? '?' : '')).join('');
}

/** A pattern with wildcards and no variables, matched against a value. */
export function globMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  return matchesTokens(tokenize(pattern, { wildcards: true, variables: false }), value, ignoreCase);
}
