import { inject, injectable } from 'inversify';
import { KmsError } from '../../domain/errors.js';
import type { Grant } from '../../domain/key/grant.js';
import type { KmsKey } from '../../domain/key/index.js';
import { createIdentityDirectory } from '../../domain/identity/identity-directory.js';
import { identityDirectoryStream } from '../../domain/identity/identity-stream.js';
import {
  authorize,
  parsePolicyDocument,
  type AuthorizationRequest,
  type Decision,
  type IdentityPolicy,
  type KeyFacts,
  type PolicyDocument,
  type RequestContext,
} from '../../domain/policy/index.js';
import { CommandHandler } from '../command-handler.js';
import { GrantTokens } from '../material/grant-tokens.js';
import type { KmsCall } from './kms-call.js';
import { KmsReadSide } from './kms-read-side.js';

/** What a request adds to the evaluation besides the caller and the key. */
export interface RequestFacts extends Omit<RequestContext, 'currentTime' | 'sourceIp' | 'userAgent' | 'unknownKeys'> {
  /** GrantTokens of the request: the grants they name count even if not yet listed on the key. */
  readonly grantTokens?: readonly string[];
  /** RetireGrant: the grant to retire. */
  readonly targetGrant?: Grant;
}

const identityDirectory = createIdentityDirectory();
const PARSED_POLICY_CACHE_ENTRIES = 512;

/**
 * Authorizes every call with the one evaluator: the key policy, the caller's identity
 * policies (from its account's identity directory), the key's grants and the grants the
 * request's grant tokens name. A refusal is AccessDeniedException with AWS's message.
 */
@injectable()
export class AccessControl {
  private readonly parsedPolicies = new Map<string, PolicyDocument>();

  constructor(
    @inject(CommandHandler) private readonly commands: CommandHandler,
    @inject(GrantTokens) private readonly grantTokens: GrantTokens,
    @inject(KmsReadSide) private readonly readSide: KmsReadSide,
  ) {}

  async authorize(call: KmsCall, action: string, key: KmsKey | null, facts: RequestFacts = {}): Promise<void> {
    const decision = await this.decide(call, action, key, facts);
    if (decision.effect !== 'Allow') throw new KmsError('AccessDeniedException', decision.message ?? `User: ${call.caller.arn} is not authorized to perform: ${action}`);
  }

  /** The evaluator's decision, with a key policy other than the key's own when asked (lockout checks). */
  async decide(call: KmsCall, action: string, key: KmsKey | null, facts: RequestFacts = {}, policyOverride?: PolicyDocument): Promise<Decision> {
    const { grantTokens, targetGrant, ...requestFacts } = facts;
    const identityPolicies = await this.identityPolicies(call);
    const request: AuthorizationRequest = {
      action,
      caller: call.caller,
      identityPolicies,
      context: { currentTime: call.now, sourceIp: call.context.sourceIp, userAgent: call.context.userAgent, ...requestFacts },
      ...(key === null ? {} : this.keySide(key, grantTokens ?? [], policyOverride)),
      ...(targetGrant === undefined ? {} : { targetGrant }),
    };
    if (key !== null && mentionsResourceAliases(this.keyPolicyDocument(key.policy), key.policy, identityPolicies)) {
      await call.once('readSide.catchUp', () => this.readSide.catchUp());
      return authorize({ ...request, key: { ...request.key!, aliases: this.readSide.aliasesOfKey(key.keyId) } });
    }
    return authorize(request);
  }

  /** Parses a key policy (cached by text: policies are read on every call and rarely change; identity policies too). */
  keyPolicyDocument(policy: string): PolicyDocument {
    return this.parsed('key', policy);
  }

  private parsed(kind: 'key' | 'identity', policy: string): PolicyDocument {
    const cacheKey = `${kind}:${policy}`;
    let document = this.parsedPolicies.get(cacheKey);
    if (document === undefined) {
      document = parsePolicyDocument(policy, { kind });
      if (this.parsedPolicies.size >= PARSED_POLICY_CACHE_ENTRIES) this.parsedPolicies.delete(this.parsedPolicies.keys().next().value!);
      this.parsedPolicies.set(cacheKey, document);
    }
    return document;
  }

  keyFacts(key: KmsKey, policy?: PolicyDocument): KeyFacts {
    return keyFactsOf(key, policy ?? this.keyPolicyDocument(key.policy));
  }

  /** The grants a request's tokens name; InvalidGrantTokenException for a token KeyTrail did not make. */
  grantsFromTokens(key: KmsKey, tokens: readonly string[]): Grant[] {
    const grants: Grant[] = [];
    for (const token of tokens) {
      const grant = key.grants.get(this.grantTokens.grantIdFromToken(token));
      if (grant !== undefined) grants.push(grant);
    }
    return grants;
  }

  private keySide(key: KmsKey, tokens: readonly string[], policy?: PolicyDocument): Pick<AuthorizationRequest, 'key' | 'grants' | 'grantsFromTokens'> {
    return { key: this.keyFacts(key, policy), grants: [...key.grants.values()], grantsFromTokens: this.grantsFromTokens(key, tokens) };
  }

  /** The caller's inline identity policies; root and service principals have none. */
  identityPolicies(call: KmsCall): Promise<readonly IdentityPolicy[]> {
    return call.once('identityPolicies', async () => {
      const caller = call.caller;
      if (caller.type !== 'IAMUser' && caller.type !== 'AssumedRole') return [];
      const { state } = await this.commands.load(identityDirectory, identityDirectoryStream(caller.accountId));
      // By unique id (AIDA..., or AROA... before a session's ":name"): it survives paths in ARNs.
      const uniqueId = call.context.caller.principalId.split(':')[0];
      const arn = caller.type === 'IAMUser' ? caller.arn : caller.roleArn;
      const principals = [...state.principals.values()];
      const principal = principals.find((p) => p.principalId === uniqueId) ?? principals.find((p) => p.arn === arn);
      if (principal === undefined) return [];
      return [...principal.policies].map(([name, text]) => ({ name, document: this.parsed('identity', text) }));
    });
  }
}

const RESOURCE_ALIASES = /resourcealiases/i;
/** Parsed documents are cached and immutable, so what they mention is worked out once per document. */
const documentMentionsAliases = new WeakMap<PolicyDocument, boolean>();

function mentionsResourceAliases(keyPolicy: PolicyDocument, keyPolicyText: string, identityPolicies: readonly IdentityPolicy[]): boolean {
  const mentions = (document: PolicyDocument, text: () => string): boolean => {
    let found = documentMentionsAliases.get(document);
    if (found === undefined) {
      found = RESOURCE_ALIASES.test(text());
      documentMentionsAliases.set(document, found);
    }
    return found;
  };
  return mentions(keyPolicy, () => keyPolicyText) || identityPolicies.some((p) => mentions(p.document, () => JSON.stringify(p.document)));
}

/** The key as the evaluator reads it: shared by live calls and the read side's "as of T" questions. */
export function keyFactsOf(
  key: Pick<KmsKey, 'arn' | 'keyId' | 'accountId' | 'origin' | 'keySpec' | 'keyUsage'> & { readonly tags: KeyFacts['tags'] },
  policy: PolicyDocument,
): KeyFacts {
  return {
    arn: key.arn,
    keyId: key.keyId,
    accountId: key.accountId,
    policy,
    origin: key.origin,
    keySpec: key.keySpec,
    keyUsage: key.keyUsage,
    multiRegion: false,
    tags: key.tags,
  };
}
