import { inject, injectable } from 'inversify';
import { KEY_POLICY_NAME } from '../../../domain/key/index.js';
import { assertKeyPolicyName } from '../../../domain/key/key-policy-rules.js';
import type { KeyPolicyVersion, KeyVersion } from '../../audit/temporal-read-models.js';
import { AccessControl } from '../access-control.js';
import { optionalBoolean, optionalInteger, optionalString, requiredString } from '../input.js';
import { KeyGate } from '../key-gate.js';
import { KeyRepository } from '../key-repository.js';
import { KEY_ID_OR_ARN } from '../key-resolver.js';
import type { KmsCall } from '../kms-call.js';
import { KmsReadSide } from '../kms-read-side.js';
import type { OperationGroup, OperationHandler } from '../operation-group.js';
import { pageOfArray, pageOutput, pageRequest } from '../pagination.js';

/** PutKeyPolicy, GetKeyPolicy, ListKeyPolicies. */
@injectable()
export class PolicyOperations implements OperationGroup {
  readonly handlers: Readonly<Record<string, OperationHandler>> = {
    PutKeyPolicy: (call) => this.putKeyPolicy(call),
    GetKeyPolicy: (call) => this.getKeyPolicy(call),
    ListKeyPolicies: (call) => this.listKeyPolicies(call),
  };

  constructor(
    @inject(KeyGate) private readonly gate: KeyGate,
    @inject(KeyRepository) private readonly keys: KeyRepository,
    @inject(AccessControl) private readonly access: AccessControl,
    @inject(KmsReadSide) private readonly readSide: KmsReadSide,
  ) {}

  /** The lockout check asks the evaluator whether the new policy still lets this caller put a policy. */
  private async putKeyPolicy(call: KmsCall): Promise<Record<string, unknown>> {
    const policy = requiredString(call.input, 'Policy');
    const policyName = optionalString(call.input, 'PolicyName');
    const bypass = optionalBoolean(call.input, 'BypassPolicyLockoutSafetyCheck') ?? false;
    const { key } = await this.gate.open(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:PutKeyPolicy', {
      bypassPolicyLockoutSafetyCheck: bypass,
    });
    let lockoutCheckPassed = false;
    try {
      const document = this.access.keyPolicyDocument(policy);
      lockoutCheckPassed = (await this.access.decide(call, 'kms:PutKeyPolicy', { ...key, policy }, {}, document)).effect === 'Allow';
    } catch {
      // A policy the language rejects: the decider answers with the grammar error.
    }
    await this.keys.execute(call, {
      type: 'PutKeyPolicy',
      keyId: key.keyId,
      policy,
      bypassPolicyLockoutSafetyCheck: bypass,
      lockoutCheckPassed,
      ...(policyName === undefined ? {} : { policyName }),
    });
    return {};
  }

  private async getKeyPolicy(call: KmsCall): Promise<Record<string, unknown>> {
    const policyName = optionalString(call.input, 'PolicyName') ?? KEY_POLICY_NAME;
    const key = await this.gate.read(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:GetKeyPolicy');
    assertKeyPolicyName(policyName);
    return { Policy: this.policyOf(key).policy, PolicyName: KEY_POLICY_NAME };
  }

  private async listKeyPolicies(call: KmsCall): Promise<Record<string, unknown>> {
    const page = pageRequest('ListKeyPolicies', optionalInteger(call.input, 'Limit'), optionalString(call.input, 'Marker'), 100);
    const key = await this.gate.read(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:ListKeyPolicies');
    // A KMS key has one key policy, "default": listed as the read models hold it.
    const result = pageOfArray(this.readSide.keyPolicy(key.keyId) === null ? [] : [KEY_POLICY_NAME], page);
    return { PolicyNames: result.items, ...pageOutput('ListKeyPolicies', result) };
  }

  /** A live key has its policy from its first event on; the read models hold it with the key. */
  private policyOf(key: KeyVersion): KeyPolicyVersion {
    const policy = this.readSide.keyPolicy(key.keyId);
    if (policy === null) throw new Error(`The read models hold key ${key.keyId} without its key policy`);
    return policy;
  }
}
