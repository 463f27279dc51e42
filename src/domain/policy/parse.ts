import { KmsError } from '../errors.js';
import { classifyAwsPrincipal, isServicePrincipal, splitArn } from './arn.js';
import { parseConditionOperator } from './condition-operators.js';
import { canonicalBase64, parseBool, parseDate, parseIpRange, parseNumber } from './condition-values.js';
import type {
  ConditionClause,
  ConditionOperator,
  Effect,
  PolicyDocument,
  PolicyKind,
  PolicyVersion,
  PrincipalSet,
  Statement,
} from './policy-document.js';

export interface ParseOptions {
  /** A key policy (the default) must name principals; an identity policy must not. */
  readonly kind?: PolicyKind;
}

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const VERSIONS: readonly PolicyVersion[] = ['2012-10-17', '2008-10-17'];
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;
const CONDITION_KEY = /^[A-Za-z0-9-]+:\S+$/;

function malformed(message: string): never {
  throw new KmsError('MalformedPolicyDocumentException', message);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses and checks a key policy or identity policy. Throws MalformedPolicyDocumentException
 * with a message naming the statement and element at fault. The 32 KB size limit is the
 * caller's to check; everything about the grammar is checked here.
 */
export function parsePolicyDocument(json: string, options: ParseOptions = {}): PolicyDocument {
  const kind = options.kind ?? 'key';
  let root: Json;
  try {
    root = JSON.parse(json) as Json;
  } catch (e) {
    malformed(`The policy is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(root)) malformed('The policy must be a JSON object with a Statement element.');
  for (const name of Object.keys(root)) {
    if (!TOP_LEVEL.has(name)) malformed(`The policy contains an unknown element "${name}"; only Version, Id and Statement are allowed at the top level.`);
  }
  const version = root['Version'];
  if (version !== undefined && (typeof version !== 'string' || !VERSIONS.includes(version as PolicyVersion))) {
    malformed(`The policy Version ${JSON.stringify(version)} is not supported; use "2012-10-17" (or the older "2008-10-17").`);
  }
  const id = root['Id'];
  if (id !== undefined && typeof id !== 'string') malformed('The policy Id must be a string.');
  const rawStatements = root['Statement'];
  if (rawStatements === undefined) malformed('The policy has no Statement element.');
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  if (list.length === 0) malformed('The policy Statement list is empty; a policy needs at least one statement.');

  const statements = list.map((s, i) => parseStatement(s, i, kind));
  if (kind === 'identity') {
    const seen = new Set<string>();
    for (const s of statements) {
      if (s.sid === undefined) continue;
      if (seen.has(s.sid)) malformed(`Statement IDs (SID) in a policy must be unique; "${s.sid}" is used twice.`);
      seen.add(s.sid);
    }
  }
  return {
    kind,
    ...(version === undefined ? {} : { version: version as PolicyVersion }),
    ...(id === undefined ? {} : { id: id as string }),
    statements,
    text: json,
  };
}

function where(index: number, sid: string | undefined): string {
  return sid === undefined ? `Statement ${index}` : `Statement ${index} (Sid "${sid}")`;
}

function stringList(value: Json, what: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) malformed(`${what} must not be an empty list.`);
  return items.map((v) => {
    if (typeof v !== 'string' || v === '') malformed(`${what} must be a non-empty string or a list of non-empty strings.`);
    return v;
  });
}

function parseStatement(raw: Json, index: number, kind: PolicyKind): Statement {
  if (!isObject(raw)) malformed(`Statement ${index} must be a JSON object.`);
  const sidRaw = raw['Sid'];
  if (sidRaw !== undefined && typeof sidRaw !== 'string') malformed(`Statement ${index}: Sid must be a string.`);
  const sid = sidRaw;
  const at = where(index, sid);
  for (const name of Object.keys(raw)) {
    if (!STATEMENT_ELEMENTS.has(name)) malformed(`${at} contains an unknown element "${name}".`);
  }
  const effectRaw = raw['Effect'];
  if (effectRaw === undefined) malformed(`${at} has no Effect element; use "Allow" or "Deny".`);
  if (effectRaw !== 'Allow' && effectRaw !== 'Deny') malformed(`${at}: Effect ${JSON.stringify(effectRaw)} is invalid; use "Allow" or "Deny".`);
  const effect: Effect = effectRaw;

  const principalRaw = raw['Principal'];
  const notPrincipalRaw = raw['NotPrincipal'];
  if (principalRaw !== undefined && notPrincipalRaw !== undefined) malformed(`${at} has both Principal and NotPrincipal; use one.`);
  if (kind === 'key' && principalRaw === undefined && notPrincipalRaw === undefined) {
    malformed(`${at} has no Principal or NotPrincipal; every key policy statement must name its principals.`);
  }
  if (kind === 'identity' && (principalRaw !== undefined || notPrincipalRaw !== undefined)) {
    malformed(`${at}: an identity-based policy must not specify a Principal or NotPrincipal.`);
  }

  const actionRaw = raw['Action'];
  const notActionRaw = raw['NotAction'];
  if (actionRaw !== undefined && notActionRaw !== undefined) malformed(`${at} has both Action and NotAction; use one.`);
  if (actionRaw === undefined && notActionRaw === undefined) malformed(`${at} has no Action or NotAction.`);
  const resourceRaw = raw['Resource'];
  const notResourceRaw = raw['NotResource'];
  if (resourceRaw !== undefined && notResourceRaw !== undefined) malformed(`${at} has both Resource and NotResource; use one.`);
  if (resourceRaw === undefined && notResourceRaw === undefined) malformed(`${at} has no Resource or NotResource; a statement must contain resources (use "*" for this key).`);

  const conditionRaw = raw['Condition'];
  return {
    index,
    ...(sid === undefined ? {} : { sid }),
    effect,
    ...(principalRaw === undefined ? {} : { principal: parsePrincipal(principalRaw, `${at}: Principal`) }),
    ...(notPrincipalRaw === undefined ? {} : { notPrincipal: parsePrincipal(notPrincipalRaw, `${at}: NotPrincipal`) }),
    ...(actionRaw === undefined ? {} : { action: parseActions(actionRaw, `${at}: Action`) }),
    ...(notActionRaw === undefined ? {} : { notAction: parseActions(notActionRaw, `${at}: NotAction`) }),
    ...(resourceRaw === undefined ? {} : { resource: parseResources(resourceRaw, `${at}: Resource`) }),
    ...(notResourceRaw === undefined ? {} : { notResource: parseResources(notResourceRaw, `${at}: NotResource`) }),
    conditions: conditionRaw === undefined ? [] : parseCondition(conditionRaw, at),
  };
}

function parseActions(raw: Json, what: string): string[] {
  const actions = stringList(raw, what);
  for (const a of actions) {
    if (a !== '*' && !ACTION.test(a)) malformed(`${what} "${a}" is invalid: an action must be prefixed by its service, e.g. "kms:Decrypt" or "kms:*".`);
  }
  return actions;
}

function parseResources(raw: Json, what: string): string[] {
  const resources = stringList(raw, what);
  for (const r of resources) {
    if (r === '*') continue;
    const parts = splitArn(r);
    if (parts === undefined || parts[0] !== 'arn') malformed(`${what} "${r}" must be an ARN (arn:partition:service:region:account:resource) or "*".`);
  }
  return resources;
}

function invalidPrincipal(what: string, value: string): never {
  malformed(`Policy contains a statement with one or more invalid principals: ${what} ${JSON.stringify(value)} is not an account id, an account root ARN, an IAM user or role ARN, an assumed-role session ARN, or "*".`);
}

function parsePrincipal(raw: Json, what: string): PrincipalSet {
  if (raw === '*') return { anyone: true, aws: [], service: [], federated: [], canonicalUser: [] };
  if (!isObject(raw)) malformed(`${what} must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}.`);
  const keys = Object.keys(raw);
  if (keys.length === 0) malformed(`${what} is empty; name at least one principal.`);
  let anyone = false;
  const aws: string[] = [];
  const service: string[] = [];
  const federated: string[] = [];
  const canonicalUser: string[] = [];
  for (const type of keys) {
    if (!PRINCIPAL_TYPES.has(type)) malformed(`${what} has an unknown principal type "${type}"; use AWS, Service, Federated or CanonicalUser.`);
    const values = stringList(raw[type] as Json, `${what}.${type}`);
    for (const v of values) {
      if (type === 'AWS') {
        const named = classifyAwsPrincipal(v);
        if (named === undefined) invalidPrincipal(`${what}.AWS`, v);
        if (named.type === 'anyone') anyone = true;
        else aws.push(v);
      } else if (type === 'Service') {
        if (!isServicePrincipal(v)) invalidPrincipal(`${what}.Service`, v);
        service.push(v);
      } else if (type === 'Federated') {
        federated.push(v);
      } else {
        canonicalUser.push(v);
      }
    }
  }
  return { anyone, aws, service, federated, canonicalUser };
}

function scalarText(v: Json, what: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  malformed(`${what} must be a string, number or boolean, or a list of them.`);
}

function checkValue(op: ConditionOperator, key: string, value: string, at: string): void {
  const bad = (kind: string): never => malformed(`${at}: condition ${op.name} on "${key}" has a value that is not ${kind}: ${JSON.stringify(value)}.`);
  switch (op.family) {
    case 'Numeric':
      if (parseNumber(value) === undefined) bad('a number');
      break;
    case 'Date':
      if (parseDate(value) === undefined) bad('an ISO 8601 date or epoch time');
      break;
    case 'Bool':
    case 'Null':
      if (parseBool(value) === undefined) bad('"true" or "false"');
      break;
    case 'Binary':
      if (canonicalBase64(value) === undefined) bad('base64');
      break;
    case 'IpAddress':
      if (parseIpRange(value) === undefined) bad('an IP address or CIDR range');
      break;
    default:
      break;
  }
}

/** KMS refuses ForAllValues on these single-valued keys: it would match requests without them. */
function overlyPermissive(op: ConditionOperator, key: string): boolean {
  const k = key.toLowerCase();
  return op.qualifier === 'ForAllValues' && (k.startsWith('kms:encryptioncontext:') || k.startsWith('aws:requesttag/'));
}

function parseCondition(raw: Json, at: string): ConditionClause[] {
  if (!isObject(raw)) malformed(`${at}: Condition must be an object of the form {"<operator>": {"<key>": <value(s)>}}.`);
  const clauses: ConditionClause[] = [];
  for (const [name, block] of Object.entries(raw)) {
    const op = parseConditionOperator(name);
    if (typeof op === 'string') malformed(`${at}: invalid condition operator "${name}": ${op}.`);
    if (!isObject(block)) malformed(`${at}: condition ${name} must map condition keys to values.`);
    const keys = Object.keys(block);
    if (keys.length === 0) malformed(`${at}: condition ${name} names no condition key.`);
    for (const key of keys) {
      if (!CONDITION_KEY.test(key)) malformed(`${at}: condition key "${key}" must be prefixed by its service, e.g. "kms:CallerAccount" or "aws:SourceIp".`);
      if (overlyPermissive(op, key)) {
        malformed(`${at}: OverlyPermissiveCondition: ForAllValues on the single-valued key "${key}" also matches requests that lack it or carry other pairs; remove ForAllValues.`);
      }
      const rawValues = block[key] as Json;
      const items = Array.isArray(rawValues) ? rawValues : [rawValues];
      if (items.length === 0) malformed(`${at}: condition ${name} on "${key}" has an empty list of values.`);
      const values = items.map((v) => scalarText(v, `${at}: condition ${name} on "${key}"`));
      for (const v of values) checkValue(op, key, v, at);
      clauses.push({ operator: op, key, values });
    }
  }
  return clauses;
}
