import { inject, injectable } from 'inversify';
import type { CallContext } from '../../domain/call-context.js';
import { KmsError } from '../../domain/errors.js';
import type { KmsOperations } from '../ports/kms-operations.js';
import { CallRecorder } from './call-recorder.js';
import { DRY_RUN_OPERATIONS } from './dry-run.js';
import { KmsCall } from './kms-call.js';
import type { OperationGroup, OperationHandler } from './operation-group.js';
import { AliasOperations } from './operations/aliases.js';
import { CryptoOperations } from './operations/crypto.js';
import { DeletionOperations } from './operations/deletion.js';
import { GrantOperations } from './operations/grants.js';
import { KeyOperations } from './operations/keys.js';
import { PolicyOperations } from './operations/policies.js';
import { RandomOperations } from './operations/random.js';
import { RotationOperations } from './operations/rotation.js';
import { TagOperations } from './operations/tags.js';

/**
 * The KMS operations behind the wire: dispatches by operation name and makes sure every
 * call leaves exactly one audit record, durable before the answer (success or failure,
 * AccessDenied included): its domain events when it changed something, otherwise one
 * call record. A dry run (DryRun true) runs the operation up to the point where it would
 * act and ends there with DryRunOperationException or the error the call would have got.
 */
@injectable()
export class KmsOperationsService implements KmsOperations {
  private readonly handlers = new Map<string, OperationHandler>();

  constructor(
    @inject(KeyOperations) keys: KeyOperations,
    @inject(PolicyOperations) policies: PolicyOperations,
    @inject(GrantOperations) grants: GrantOperations,
    @inject(AliasOperations) aliases: AliasOperations,
    @inject(TagOperations) tags: TagOperations,
    @inject(CryptoOperations) crypto: CryptoOperations,
    @inject(RandomOperations) random: RandomOperations,
    @inject(RotationOperations) rotation: RotationOperations,
    @inject(DeletionOperations) deletion: DeletionOperations,
    @inject(CallRecorder) private readonly recorder: CallRecorder,
  ) {
    const groups: OperationGroup[] = [keys, policies, grants, aliases, tags, crypto, random, rotation, deletion];
    for (const group of groups) {
      for (const [operation, handler] of Object.entries(group.handlers)) this.handlers.set(operation, handler);
    }
  }

  /** The operations this service answers. */
  get operations(): readonly string[] {
    return [...this.handlers.keys()];
  }

  async invoke(operation: string, input: Record<string, unknown>, context: CallContext): Promise<Record<string, unknown>> {
    const call = new KmsCall(context, operation, input);
    let output: Record<string, unknown>;
    try {
      const handler = this.handlers.get(operation);
      if (handler === undefined) throw new KmsError('UnknownOperationException', `KeyTrail does not implement ${operation}`);
      // An operation without a dry run of its own must not be run for real when one was asked.
      if (call.dryRun && !DRY_RUN_OPERATIONS.has(operation)) {
        throw new KmsError('UnsupportedOperationException', `${operation} does not support DryRun.`);
      }
      output = await handler(call);
      if (call.dryRun) throw new Error(`${operation} finished a dry run without stopping before it acted`);
    } catch (error) {
      await this.recorder.record(call, { kind: 'failed', error });
      throw error;
    }
    await this.recorder.record(call, { kind: 'succeeded', output });
    return output;
  }

  /**
   * For the wire layer: an authenticated call refused before it reached an operation
   * (input that fails the model's validation) still leaves its one record. `input` may be
   * the raw request; secret members are left out by name whatever their form.
   */
  async recordRejected(operation: string, input: Record<string, unknown>, context: CallContext, error: unknown): Promise<void> {
    await this.recorder.record(new KmsCall(context, operation, input), { kind: 'failed', error });
  }
}
