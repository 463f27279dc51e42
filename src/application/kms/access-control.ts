import { inject, injectable } from 'inversify';
import { KmsError } from '../../domain/errors.js';
import { aliasRegistryStream } from '../../domain/alias/alias-stream.js';
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
import { DecisionCache } from './decision-cache.js';
import { catchUpOnce, KmsReadSide } from './kms-read-side.js';

/** What a request adds to the evaluation besides the caller and the key. */
export interface RequestFacts extends Omit<RequestContext, 'currentTime' | 'sourceIp' | 'userAgent' | 'unknownKeys'> {
  /** GrantTokens of the request: the grants they name count even if not yet listed on the key. */
  readonly grantTokens?: readonly string[];
  /** RetireGrant: the grant to retire. */
  readonly targetGrant?: Grant;
}

const identityDirectory = createIdentityDirectory();
const PARSED_POLICY_CACHE_ENTRIES = 512;
/** One list for every caller without identity policies, so their decisions share cache entries. */
const NO_IDENTITY_POLICIES: readonly IdentityPolicy[] = Object.freeze([]);
type IdentityDirectoryState = ReturnType<typeof identityDirectory.initialState>;

/**
 * Authorizes every call with the one evaluator: the key policy, the caller's identity
 * policies (from its account's identity directory), the key's grants and the grants the
 * request's grant tokens name. A refusal is AccessDeniedException with AWS's message.
 */
@injectable()
export class AccessControl {
  private readonly parsedPolicies = new Map<string, PolicyDocument>();
  private readonly decisions = new DecisionCache();
  /** A principal's identity policies per folded directory state: the same list until an identity event. */
  private readonly policiesByDirectory = new WeakMap<IdentityDirectoryState, Map<string, readonly IdentityPolicy[]>>();

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
    const context: RequestContext = { currentTime: call.now, sourceIp: call.context.sourceIp, userAgent: call.context.userAgent, ...requestFacts };
    if (key === null) {
      return authorize({ action, caller: call.caller, identityPolicies, context, ...(targetGrant === undefined ? {} : { targetGrant }) });
    }
    const keyPolicy = policyOverride ?? this.keyPolicyDocument(key.policy);
    const grants = [...key.grants.values()];
    const grantsFromTokens = this.grantsFromTokens(key, grantTokens ?? []);
    const request: AuthorizationRequest = {
      action,
      caller: call.caller,
      identityPolicies,
      context,
      key: keyFactsOf(key, keyPolicy),
      grants,
      grantsFromTokens,
      ...(targetGrant === undefined ? {} : { targetGrant }),
    };
    if (mentionsResourceAliases(this.keyPolicyDocument(key.policy), key.policy, identityPolicies)) {
      await catchUpOnce(call, this.readSide, [aliasRegistryStream(key.accountId, key.region)]);
      return authorize({ ...request, key: { ...request.key!, aliases: this.readSide.aliasesOfKey(key.keyId) } });
    }
    // A lockout check's policy is not the key's, RetireGrant and CreateGrant weigh a grant of the request: decided afresh.
    const cacheable = policyOverride === undefined && targetGrant === undefined && requestFacts.grant === undefined;
    const name = cacheable
      ? this.decisions.questionName({ action, caller: call.caller, keyPolicy, identityPolicies, grants, grantsFromTokens, encryptionContext: requestFacts.encryptionContext })
      : undefined;
    if (name === undefined) return authorize(request);
    let decision = this.decisions.get(key, identityPolicies, name);
    if (decision === undefined) {
      decision = authorize(request);
      this.decisions.put(key, identityPolicies, name, decision);
    }
    return decision;
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

  /** The caller's inline identity policies; root and service principals have none. */
  identityPolicies(call: KmsCall): Promise<readonly IdentityPolicy[]> {
    return call.once('identityPolicies', async () => {
      const caller = call.caller;
      if (caller.type !== 'IAMUser' && caller.type !== 'AssumedRole') return NO_IDENTITY_POLICIES;
      const { state } = await this.commands.load(identityDirectory, identityDirectoryStream(caller.accountId));
      // By unique id (AIDA..., or AROA... before a session's ":name"): it survives paths in ARNs.
      const uniqueId = call.context.caller.principalId.split(':')[0] ?? '';
      const arn = caller.type === 'IAMUser' ? caller.arn : caller.roleArn;
      let byPrincipal = this.policiesByDirectory.get(state);
      if (byPrincipal === undefined) {
        byPrincipal = new Map();
        this.policiesByDirectory.set(state, byPrincipal);
      }
      const lookup = `${uniqueId}\n${arn ?? ''}`;
      let policies = byPrincipal.get(lookup);
      if (policies === undefined) {
        const principals = [...state.principals.values()];
        const principal = principals.find((p) => p.principalId === uniqueId) ?? principals.find((p) => p.arn === arn);
        policies = principal === undefined ? NO_IDENTITY_POLICIES : [...principal.policies].map(([name, text]) => ({ name, document: this.parsed('identity', text) }));
        byPrincipal.set(lookup, policies);
      }
      return policies;
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
