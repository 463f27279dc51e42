import { canonicalBase64, ipInRange, parseBool, parseDate, parseIpRange, parseNumber } from './condition-values.js';
import type { ContextKeys, ContextValue } from './context-keys.js';
import type { ConditionTerm, EvaluatedCondition } from './decision.js';
import { literalText, matchesTokens, resolve, tokenize, type PatternToken, type VariableValue } from './pattern.js';
import type { ConditionClause, ConditionOperator } from './policy-document.js';

export type Tri = { readonly kind: 'true' } | { readonly kind: 'false' } | { readonly kind: 'residual'; readonly terms: readonly ConditionTerm[] };

export const TRUE: Tri = { kind: 'true' };
export const FALSE: Tri = { kind: 'false' };

/** AND of three-valued results: false wins, then the union of what is still open. */
export function and(results: readonly Tri[]): Tri {
  const terms: ConditionTerm[] = [];
  for (const r of results) {
    if (r.kind === 'false') return FALSE;
    if (r.kind === 'residual') terms.push(...r.terms);
  }
  return terms.length === 0 ? TRUE : { kind: 'residual', terms };
}

export function variableLookup(ctx: ContextKeys): (key: string) => VariableValue {
  return (key) => {
    const v = ctx.lookup(key);
    if (v.kind === 'unknown') return { kind: 'unknown' };
    if (v.kind === 'absent') return { kind: 'absent' };
    // Only single-valued keys may be variables; a multi-valued one gives its first value.
    return { kind: 'value', value: v.values[0] ?? '' };
  };
}

function acceptsVariables(op: ConditionOperator): boolean {
  return op.family === 'String' || op.family === 'Arn';
}

function usesWildcards(op: ConditionOperator): boolean {
  return op.family === 'Arn' || (op.family === 'String' && op.test === 'Like');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** ARN patterns match segment by segment: a wildcard never crosses one of the first five colons. */
function arnMatches(tokens: readonly PatternToken[], value: string): boolean {
  // A lone "*" names any ARN; segment-wise matching only starts once a pattern has segments.
  if (tokens.length === 1 && tokens[0]?.kind === 'any') return true;
  let colons = 0;
  let source = '^';
  for (const t of tokens) {
    if (t.kind === 'text') {
      for (const ch of t.text) {
        if (ch === ':') colons++;
        source += escapeRegExp(ch);
      }
    } else if (t.kind === 'any') source += colons < 5 ? '[^:]*' : '[\\s\\S]*';
    else if (t.kind === 'one') source += colons < 5 ? '[^:]' : '[\\s\\S]';
    else return false;
  }
  return new RegExp(`${source}$`, 'u').test(value);
}


function compare(test: ConditionOperator['test'], a: number, b: number): boolean {
  switch (test) {
    case 'Equals':
      return a === b;
    case 'LessThan':
      return a < b;
    case 'LessThanEquals':
      return a <= b;
    case 'GreaterThan':
      return a > b;
    case 'GreaterThanEquals':
      return a >= b;
    default:
      return false;
  }
}

/** Does the context value satisfy the positive form of the operator for this policy value? */
function valueMatches(op: ConditionOperator, policy: readonly PatternToken[], contextValue: string): boolean {
  switch (op.family) {
    case 'String':
      if (op.test === 'Like') return matchesTokens(policy, contextValue, false);
      if (op.test === 'EqualsIgnoreCase') return literalText(policy).toLowerCase() === contextValue.toLowerCase();
      return literalText(policy) === contextValue;
    case 'Arn':
      return arnMatches(policy, contextValue);
    case 'Numeric': {
      const c = parseNumber(contextValue);
      const p = parseNumber(literalText(policy));
      return c !== undefined && p !== undefined && compare(op.test, c, p);
    }
    case 'Date': {
      const c = parseDate(contextValue);
      const p = parseDate(literalText(policy));
      return c !== undefined && p !== undefined && compare(op.test, c, p);
    }
    case 'Bool': {
      const c = parseBool(contextValue);
      return c !== undefined && c === parseBool(literalText(policy));
    }
    case 'Binary': {
      const c = canonicalBase64(contextValue);
      return c !== undefined && c === canonicalBase64(literalText(policy));
    }
    case 'IpAddress': {
      const range = parseIpRange(literalText(policy));
      return range !== undefined && ipInRange(contextValue, range);
    }
    case 'Null':
      return false;
  }
}

function decideWithValues(op: ConditionOperator, policy: readonly (readonly PatternToken[])[], found: ContextValue): boolean {
  if (found.kind === 'absent') {
    if (op.ifExists) return true;
    if (op.qualifier === 'ForAllValues') return true;
    if (op.qualifier === 'ForAnyValue') return false;
    return op.negated;
  }
  if (found.kind === 'unknown') return false;
  const anyPolicyValue = (v: string): boolean => policy.some((p) => valueMatches(op, p, v));
  const perValue = (v: string): boolean => (op.negated ? !anyPolicyValue(v) : anyPolicyValue(v));
  if (op.qualifier === 'ForAllValues') return found.values.every(perValue);
  if (op.qualifier === 'ForAnyValue') return found.values.some(perValue);
  // Unqualified: negated operators hold when no value matches (AND across listed values).
  const some = found.values.some(anyPolicyValue);
  return op.negated ? !some : some;
}

export interface ClauseOutcome {
  readonly tri: Tri;
  readonly evaluated: EvaluatedCondition;
}

export function evaluateClause(clause: ConditionClause, ctx: ContextKeys, variables: boolean): ClauseOutcome {
  const op = clause.operator;
  const found = ctx.lookup(clause.key);
  const record = (result: boolean | 'unknown', values: readonly string[]): EvaluatedCondition => ({
    operator: op.name,
    key: clause.key,
    values,
    result,
  });
  const residual = (values: readonly string[]): ClauseOutcome => ({
    tri: { kind: 'residual', terms: [{ kind: 'condition', operator: op.name, key: clause.key, values }] },
    evaluated: record('unknown', values),
  });

  if (op.family === 'Null') {
    if (found.kind === 'unknown') return residual(clause.values);
    const result = clause.values.some((v) => (parseBool(v) === true ? found.kind === 'absent' : found.kind === 'present'));
    return { tri: result ? TRUE : FALSE, evaluated: record(result, clause.values) };
  }

  const options = { wildcards: usesWildcards(op), variables: variables && acceptsVariables(op) };
  const lookupVariable = variableLookup(ctx);
  const policy: (readonly PatternToken[])[] = [];
  const shown: string[] = [];
  let unknownVariable = false;
  for (const raw of clause.values) {
    const r = resolve(tokenize(raw, options), lookupVariable);
    if (r.kind === 'unresolvable') {
      // IAM: a variable that resolves to nothing makes the statement not apply.
      return { tri: FALSE, evaluated: record(false, clause.values) };
    }
    if (r.kind === 'unknown') {
      unknownVariable = true;
      shown.push(raw);
      continue;
    }
    policy.push(r.tokens);
    shown.push(options.variables ? literalText(r.tokens) : raw);
  }
  if (found.kind === 'unknown' || unknownVariable) return residual(shown);
  const result = decideWithValues(op, policy, found);
  return { tri: result ? TRUE : FALSE, evaluated: record(result, shown) };
}

export interface BlockOutcome {
  readonly tri: Tri;
  readonly evaluated: readonly EvaluatedCondition[];
}

/** AND over all clauses of a statement's Condition element. */
export function evaluateConditions(clauses: readonly ConditionClause[], ctx: ContextKeys, variables: boolean): BlockOutcome {
  const outcomes = clauses.map((c) => evaluateClause(c, ctx, variables));
  return { tri: and(outcomes.map((o) => o.tri)), evaluated: outcomes.map((o) => o.evaluated) };
}
