import type { ConditionOperator, OperatorFamily, OperatorTest, SetQualifier } from './policy-document.js';

interface BaseOperator {
  readonly family: OperatorFamily;
  readonly test: OperatorTest;
  readonly negated: boolean;
}

const BASE_OPERATORS: Readonly<Record<string, BaseOperator>> = {
  StringEquals: { family: 'String', test: 'Equals', negated: false },
  StringNotEquals: { family: 'String', test: 'Equals', negated: true },
  StringEqualsIgnoreCase: { family: 'String', test: 'EqualsIgnoreCase', negated: false },
  StringNotEqualsIgnoreCase: { family: 'String', test: 'EqualsIgnoreCase', negated: true },
  StringLike: { family: 'String', test: 'Like', negated: false },
  StringNotLike: { family: 'String', test: 'Like', negated: true },
  NumericEquals: { family: 'Numeric', test: 'Equals', negated: false },
  NumericNotEquals: { family: 'Numeric', test: 'Equals', negated: true },
  NumericLessThan: { family: 'Numeric', test: 'LessThan', negated: false },
  NumericLessThanEquals: { family: 'Numeric', test: 'LessThanEquals', negated: false },
  NumericGreaterThan: { family: 'Numeric', test: 'GreaterThan', negated: false },
  NumericGreaterThanEquals: { family: 'Numeric', test: 'GreaterThanEquals', negated: false },
  DateEquals: { family: 'Date', test: 'Equals', negated: false },
  DateNotEquals: { family: 'Date', test: 'Equals', negated: true },
  DateLessThan: { family: 'Date', test: 'LessThan', negated: false },
  DateLessThanEquals: { family: 'Date', test: 'LessThanEquals', negated: false },
  DateGreaterThan: { family: 'Date', test: 'GreaterThan', negated: false },
  DateGreaterThanEquals: { family: 'Date', test: 'GreaterThanEquals', negated: false },
  Bool: { family: 'Bool', test: 'Equals', negated: false },
  BinaryEquals: { family: 'Binary', test: 'Equals', negated: false },
  IpAddress: { family: 'IpAddress', test: 'InRange', negated: false },
  NotIpAddress: { family: 'IpAddress', test: 'InRange', negated: true },
  // IAM documents ArnEquals and ArnLike as behaving identically (segment-wise wildcards).
  ArnEquals: { family: 'Arn', test: 'Like', negated: false },
  ArnLike: { family: 'Arn', test: 'Like', negated: false },
  ArnNotEquals: { family: 'Arn', test: 'Like', negated: true },
  ArnNotLike: { family: 'Arn', test: 'Like', negated: true },
  Null: { family: 'Null', test: 'IsNull', negated: false },
};

export const CONDITION_OPERATOR_NAMES: readonly string[] = Object.keys(BASE_OPERATORS);

/**
 * Reads an operator name such as "ForAllValues:StringNotLikeIfExists". Returns a reason
 * string instead when the name is not part of the grammar, so the parser can name it.
 */
export function parseConditionOperator(name: string): ConditionOperator | string {
  let rest = name;
  let qualifier: SetQualifier | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon);
    if (prefix !== 'ForAllValues' && prefix !== 'ForAnyValue') {
      return `unknown set qualifier "${prefix}" (use ForAllValues or ForAnyValue)`;
    }
    qualifier = prefix;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.endsWith('IfExists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = Object.prototype.hasOwnProperty.call(BASE_OPERATORS, rest) ? BASE_OPERATORS[rest] : undefined;
  if (base === undefined) return 'unknown condition operator';
  if (base.family === 'Null' && ifExists) return 'IfExists cannot be added to the Null operator';
  if (base.family === 'Null' && qualifier !== undefined) return 'set qualifiers cannot be used with the Null operator';
  return {
    name,
    family: base.family,
    test: base.test,
    negated: base.negated,
    ifExists,
    ...(qualifier === undefined ? {} : { qualifier }),
  };
}
