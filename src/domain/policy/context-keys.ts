import { globMatch } from './pattern.js';
import { principalArnKey, type Principal } from './principal.js';
import type { KeyFacts, RequestContext } from './request-context.js';

/** What a condition key holds in one evaluation. Key names are case-insensitive. */
export type ContextValue =
  | { readonly kind: 'present'; readonly values: readonly string[] }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unknown' };

export interface ContextKeys {
  lookup(key: string): ContextValue;
  /** The encryption context the request carries, or undefined when it is not known. */
  readonly encryptionContext: Readonly<Record<string, string>> | undefined;
  readonly encryptionContextKnown: boolean;
  readonly grantRequestKnown: boolean;
}

const PRINCIPAL_TYPE: Readonly<Record<Principal['type'], string | undefined>> = {
  Root: 'Account',
  IAMUser: 'User',
  AssumedRole: 'AssumedRole',
  AWSService: undefined,
};

function entries(map: Readonly<Record<string, string>> | ReadonlyMap<string, string> | undefined): [string, string][] {
  if (map === undefined) return [];
  return map instanceof Map ? [...(map as ReadonlyMap<string, string>).entries()] : Object.entries(map);
}

export interface ContextInput {
  readonly action: string;
  readonly caller: Principal;
  readonly key?: KeyFacts;
  readonly context: RequestContext;
  /** Symbolic evaluation honours context.unknownKeys; live evaluation does not. */
  readonly symbolic: boolean;
}

export function buildContextKeys(input: ContextInput): ContextKeys {
  const { caller, key, context } = input;
  const table = new Map<string, string[]>();
  const put = (name: string, value: string | boolean | number | undefined): void => {
    if (value === undefined) return;
    const k = name.toLowerCase();
    const list = table.get(k) ?? [];
    list.push(String(value));
    table.set(k, list);
  };
  const putAll = (name: string, values: readonly string[]): void => {
    for (const v of values) put(name, v);
  };

  // The caller.
  put('aws:PrincipalArn', principalArnKey(caller));
  put('aws:PrincipalAccount', caller.accountId);
  put('aws:PrincipalType', PRINCIPAL_TYPE[caller.type]);
  put('aws:userid', caller.type === 'Root' ? caller.accountId : caller.principalId);
  put('aws:username', caller.type === 'IAMUser' ? caller.userName : undefined);
  if (caller.type !== 'AWSService') put('kms:CallerAccount', caller.accountId);

  // The request.
  if (context.currentTime !== undefined) {
    put('aws:CurrentTime', context.currentTime);
    const ms = Date.parse(context.currentTime);
    if (!Number.isNaN(ms)) put('aws:EpochTime', Math.floor(ms / 1000));
  }
  put('aws:SourceIp', context.sourceIp);
  put('aws:SecureTransport', context.secureTransport);
  put('aws:UserAgent', context.userAgent);
  put('kms:ViaService', context.viaService);
  put('kms:GrantIsForAWSResource', context.grantIsForAwsResource);
  put('kms:RequestAlias', context.requestAlias);
  put('kms:EncryptionAlgorithm', context.encryptionAlgorithm);
  put('kms:SigningAlgorithm', context.signingAlgorithm);
  put('kms:MacAlgorithm', context.macAlgorithm);
  put('kms:MessageType', context.messageType);
  put('kms:DataKeyPairSpec', context.dataKeyPairSpec);
  put('kms:ReEncryptOnSameKey', context.reEncryptOnSameKey);
  put('kms:BypassPolicyLockoutSafetyCheck', context.bypassPolicyLockoutSafetyCheck);
  for (const [k, v] of entries(context.requestTags)) put(`aws:RequestTag/${k}`, v);
  putAll('aws:TagKeys', entries(context.requestTags).map(([k]) => k));

  const grant = context.grant;
  if (grant !== undefined) {
    putAll('kms:GrantOperations', grant.operations);
    put('kms:GranteePrincipal', grant.granteePrincipal);
    put('kms:RetiringPrincipal', grant.retiringPrincipal);
    const c = grant.constraints;
    put(
      'kms:GrantConstraintType',
      c?.encryptionContextEquals !== undefined ? 'EncryptionContextEquals' : c?.encryptionContextSubset !== undefined ? 'EncryptionContextSubset' : undefined,
    );
  }

  // In CreateGrant the encryption-context keys read the constraints of the grant asked for.
  const encryptionContext =
    context.encryptionContext ??
    (input.action.toLowerCase() === 'kms:creategrant' ? (grant?.constraints?.encryptionContextEquals ?? grant?.constraints?.encryptionContextSubset) : undefined);
  for (const [k, v] of entries(encryptionContext)) put(`kms:EncryptionContext:${k}`, v);
  putAll('kms:EncryptionContextKeys', entries(encryptionContext).map(([k]) => k));

  // The key (or, for CreateKey, the key asked for).
  const requested = context.requestedKey;
  const keySpec = key?.keySpec ?? requested?.keySpec;
  const keyUsage = key?.keyUsage ?? requested?.keyUsage;
  put('kms:KeyOrigin', key?.origin ?? requested?.origin);
  put('kms:KeySpec', keySpec);
  put('kms:CustomerMasterKeySpec', keySpec);
  put('kms:KeyUsage', keyUsage);
  put('kms:CustomerMasterKeyUsage', keyUsage);
  put('kms:MultiRegion', key?.multiRegion ?? requested?.multiRegion);
  for (const [k, v] of entries(key?.tags)) put(`aws:ResourceTag/${k}`, v);
  putAll('kms:ResourceAliases', key?.aliases ?? []);

  for (const [k, v] of Object.entries(context.extraKeys ?? {})) {
    if (typeof v === 'string') put(k, v);
    else putAll(k, v as readonly string[]);
  }

  const unknownPatterns = input.symbolic ? (context.unknownKeys ?? []) : [];
  const isUnknown = (name: string): boolean => unknownPatterns.some((p) => globMatch(p, name, true));

  return {
    lookup(name: string): ContextValue {
      if (isUnknown(name)) return { kind: 'unknown' };
      const values = table.get(name.toLowerCase());
      return values === undefined || values.length === 0 ? { kind: 'absent' } : { kind: 'present', values };
    },
    encryptionContext,
    encryptionContextKnown: !isUnknown('kms:EncryptionContext:*') && !isUnknown('kms:EncryptionContextKeys'),
    grantRequestKnown: !isUnknown('kms:GrantOperations'),
  };
}
