import { randomBytes } from 'node:crypto';
import { inject, injectable, optional } from 'inversify';
import { KmsError } from '../../../domain/errors.js';
import { grantForCreateGrant, isGrantId, type CreateGrant, type GrantConstraints, type GrantOperation } from '../../../domain/key/index.js';
import { accountRootArn, classifyAwsPrincipal } from '../../../domain/policy/index.js';
import { GrantTokens } from '../../material/grant-tokens.js';
import { AccessControl } from '../access-control.js';
import { optionalInteger, optionalString, optionalStringMap, optionalStructure, requiredString, requiredStringList } from '../input.js';
import { KeyGate } from '../key-gate.js';
import { GrantLimits } from '../kms-limits.js';
import { KeyRepository } from '../key-repository.js';
import { KEY_ID_OR_ARN_CROSS_ACCOUNT, KeyResolver, parseKeyReference } from '../key-resolver.js';
import type { KmsCall } from '../kms-call.js';
import { KmsReadSide, type GrantListEntry } from '../kms-read-side.js';
import type { OperationGroup, OperationHandler } from '../operation-group.js';
import { pageOutput, pageRequest } from '../pagination.js';
import { grantTokensOf } from './crypto.js';

/** CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant. */
@injectable()
export class GrantOperations implements OperationGroup {
  readonly handlers: Readonly<Record<string, OperationHandler>> = {
    CreateGrant: (call) => this.createGrant(call),
    ListGrants: (call) => this.listGrants(call),
    ListRetirableGrants: (call) => this.listRetirableGrants(call),
    RetireGrant: (call) => this.retireGrant(call),
    RevokeGrant: (call) => this.revokeGrant(call),
  };

  constructor(
    @inject(KeyGate) private readonly gate: KeyGate,
    @inject(KeyResolver) private readonly resolver: KeyResolver,
    @inject(KeyRepository) private readonly keys: KeyRepository,
    @inject(AccessControl) private readonly access: AccessControl,
    @inject(KmsReadSide) private readonly readSide: KmsReadSide,
    @inject(GrantTokens) private readonly tokens: GrantTokens,
    @inject(GrantLimits) @optional() private readonly limits?: GrantLimits,
  ) {}

  private async createGrant(call: KmsCall): Promise<Record<string, unknown>> {
    const input = call.input;
    const granteePrincipal = requiredString(input, 'GranteePrincipal');
    const retiringPrincipal = optionalString(input, 'RetiringPrincipal');
    const operations = requiredStringList(input, 'Operations');
    const name = optionalString(input, 'Name');
    const constraints = constraintsOf(optionalStructure(input, 'Constraints'));
    const { key } = await this.gate.open(call, requiredString(input, 'KeyId'), KEY_ID_OR_ARN_CROSS_ACCOUNT, 'kms:CreateGrant', {
      grantTokens: grantTokensOf(call),
      grant: {
        operations: operations as GrantOperation[],
        granteePrincipal,
        ...(retiringPrincipal === undefined ? {} : { retiringPrincipal }),
        ...(constraints === undefined ? {} : { constraints }),
      },
    });
    const command: CreateGrant = {
      type: 'CreateGrant',
      keyId: key.keyId,
      now: call.now,
      grantId: randomBytes(32).toString('hex'),
      granteePrincipal,
      operations,
      issuingPrincipal: call.caller.arn,
      issuingAccount: call.accountId,
      ...(retiringPrincipal === undefined ? {} : { retiringPrincipal }),
      ...(constraints === undefined ? {} : { constraints }),
      ...(name === undefined ? {} : { name }),
      ...(this.limits === undefined ? {} : { limits: this.limits }),
    };
    const outcome = await this.keys.execute(call, command);
    const grant = grantForCreateGrant(outcome.state, command);
    if (grant === undefined) throw new Error(`CreateGrant on ${key.arn} left no grant`);
    return { GrantToken: this.tokens.grantTokenFor(grant.grantId), GrantId: grant.grantId };
  }

  private async listGrants(call: KmsCall): Promise<Record<string, unknown>> {
    const input = call.input;
    const page = pageRequest('ListGrants', optionalInteger(input, 'Limit'), optionalString(input, 'Marker'), 50);
    const grantId = optionalString(input, 'GrantId');
    if (grantId !== undefined && !isGrantId(grantId)) throw new KmsError('InvalidGrantIdException', `Invalid grant id '${grantId}'`);
    const granteePrincipal = optionalString(input, 'GranteePrincipal');
    const key = await this.gate.read(call, requiredString(input, 'KeyId'), KEY_ID_OR_ARN_CROSS_ACCOUNT, 'kms:ListGrants');
    const result = this.readSide.listGrants(key.keyId, {
      ...(grantId === undefined ? {} : { grantId }),
      ...(granteePrincipal === undefined ? {} : { granteePrincipal }),
    }, page);
    return { Grants: result.items.map(grantListEntry), ...pageOutput('ListGrants', result) };
  }

  /**
   * Identity policies alone decide (no key is named). As in AWS, the retiring principal
   * must be of the caller's account, and the grants listed are on keys of any account in
   * the caller's Region: a grant on another account's key names our principal too.
   */
  private async listRetirableGrants(call: KmsCall): Promise<Record<string, unknown>> {
    const input = call.input;
    const page = pageRequest('ListRetirableGrants', optionalInteger(input, 'Limit'), optionalString(input, 'Marker'), 50);
    const retiringPrincipal = requiredString(input, 'RetiringPrincipal');
    await this.access.authorize(call, 'kms:ListRetirableGrants', null);
    const named = classifyAwsPrincipal(retiringPrincipal);
    const owner = named !== undefined && 'accountId' in named ? named.accountId : undefined;
    if (owner !== undefined && owner !== call.accountId) {
      throw new KmsError(
        'AccessDeniedException',
        `User: ${call.caller.arn} is not authorized to perform: kms:ListRetirableGrants on resource: ${retiringPrincipal} because it is not a principal of account ${call.accountId}`,
      );
    }
    await this.resolver.catchUp(call);
    const result = this.readSide.listRetirableGrants(call.region, retiringPrincipal, page);
    return { Grants: result.items.map(grantListEntry), ...pageOutput('ListRetirableGrants', result) };
  }

  /**
   * By grant token, or by key and grant id. Who may retire is decided by the grant itself
   * (retiring principal, grantee with RetireGrant, issuing account), not the key policy.
   */
  private async retireGrant(call: KmsCall): Promise<Record<string, unknown>> {
    const input = call.input;
    const token = optionalString(input, 'GrantToken');
    const keyName = optionalString(input, 'KeyId');
    let grantId = optionalString(input, 'GrantId');
    if (token !== undefined) {
      const fromToken = this.tokens.grantIdFromToken(token);
      if (grantId !== undefined && grantId !== fromToken) {
        throw new KmsError('ValidationException', 'The grant ID and the grant token name different grants.');
      }
      grantId = fromToken;
    } else if (grantId === undefined || keyName === undefined) {
      throw new KmsError('ValidationException', 'Specify a grant token, or both a key ID and a grant ID.');
    }
    if (!isGrantId(grantId)) throw new KmsError('InvalidGrantIdException', `Invalid grant id '${grantId}'`);
    let keyId: string;
    let owner: string | null = null;
    if (keyName !== undefined) {
      const reference = parseKeyReference(call, keyName, KEY_ID_OR_ARN_CROSS_ACCOUNT);
      keyId = reference.name;
      owner = reference.accountId;
    } else {
      await this.resolver.catchUp(call);
      const indexed = this.readSide.findGrant(grantId);
      if (indexed === null) throw new KmsError('NotFoundException', `Grant ${grantId} does not exist`);
      keyId = indexed.keyId;
    }
    const { key } = await this.resolver.resolveById(call, keyId);
    if (owner !== null && key.accountId !== owner) throw new KmsError('NotFoundException', `Key '${keyName}' does not exist`);
    const grant = key.grants.get(grantId);
    if (grant === undefined) throw new KmsError('NotFoundException', `Grant ${grantId} does not exist on ${key.arn}`);
    await this.access.authorize(call, 'kms:RetireGrant', key, { targetGrant: grant });
    await this.keys.execute(call, { type: 'RetireGrant', keyId: key.keyId, grantId });
    return {};
  }

  private async revokeGrant(call: KmsCall): Promise<Record<string, unknown>> {
    const grantId = requiredString(call.input, 'GrantId');
    const { key } = await this.gate.open(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN_CROSS_ACCOUNT, 'kms:RevokeGrant');
    await this.keys.execute(call, { type: 'RevokeGrant', keyId: key.keyId, grantId });
    return {};
  }
}

function constraintsOf(structure: Readonly<Record<string, unknown>> | undefined): GrantConstraints | undefined {
  if (structure === undefined) return undefined;
  const equals = optionalStringMap(structure, 'EncryptionContextEquals');
  const subset = optionalStringMap(structure, 'EncryptionContextSubset');
  return {
    ...(equals === undefined ? {} : { encryptionContextEquals: equals }),
    ...(subset === undefined ? {} : { encryptionContextSubset: subset }),
  };
}

/** GrantListEntry as ListGrants returns it: the key by ARN, the issuing account as its root ARN. */
export function grantListEntry(grant: GrantListEntry): Record<string, unknown> {
  const constraints = grant.constraints;
  return {
    KeyId: grant.keyArn,
    GrantId: grant.grantId,
    ...(grant.name === null ? {} : { Name: grant.name }),
    CreationDate: new Date(grant.creationDate),
    GranteePrincipal: grant.granteePrincipal,
    ...(grant.retiringPrincipal === null ? {} : { RetiringPrincipal: grant.retiringPrincipal }),
    IssuingAccount: accountRootArn(grant.issuingAccount),
    Operations: [...grant.operations],
    ...(constraints === null
      ? {}
      : {
          Constraints: {
            ...(constraints.encryptionContextEquals === null ? {} : { EncryptionContextEquals: constraints.encryptionContextEquals }),
            ...(constraints.encryptionContextSubset === null ? {} : { EncryptionContextSubset: constraints.encryptionContextSubset }),
          },
        }),
  };
}
