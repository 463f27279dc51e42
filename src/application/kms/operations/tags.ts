import { inject, injectable } from 'inversify';
import { optionalInteger, optionalString, requiredString, requiredStringList } from '../input.js';
import { KeyGate } from '../key-gate.js';
import { KeyRepository } from '../key-repository.js';
import { KEY_ID_OR_ARN } from '../key-resolver.js';
import type { KmsCall } from '../kms-call.js';
import type { OperationGroup, OperationHandler } from '../operation-group.js';
import { pageOfArray, pageOutput, pageRequest } from '../pagination.js';
import { tagsOf } from './keys.js';

/** TagResource, UntagResource, ListResourceTags. */
@injectable()
export class TagOperations implements OperationGroup {
  readonly handlers: Readonly<Record<string, OperationHandler>> = {
    TagResource: (call) => this.tagResource(call),
    UntagResource: (call) => this.untagResource(call),
    ListResourceTags: (call) => this.listResourceTags(call),
  };

  constructor(
    @inject(KeyGate) private readonly gate: KeyGate,
    @inject(KeyRepository) private readonly keys: KeyRepository,
  ) {}

  private async tagResource(call: KmsCall): Promise<Record<string, unknown>> {
    const tags = tagsOf(call);
    const { key } = await this.gate.open(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:TagResource', {
      requestTags: Object.fromEntries(tags.map((t) => [t.tagKey, t.tagValue])),
    });
    await this.keys.execute(call, { type: 'TagResource', keyId: key.keyId, tags });
    return {};
  }

  private async untagResource(call: KmsCall): Promise<Record<string, unknown>> {
    const tagKeys = requiredStringList(call.input, 'TagKeys');
    const { key } = await this.gate.open(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:UntagResource', {
      extraKeys: { 'aws:TagKeys': tagKeys },
    });
    await this.keys.execute(call, { type: 'UntagResource', keyId: key.keyId, tagKeys });
    return {};
  }

  private async listResourceTags(call: KmsCall): Promise<Record<string, unknown>> {
    const page = pageRequest('ListResourceTags', optionalInteger(call.input, 'Limit'), optionalString(call.input, 'Marker'), 50);
    const key = await this.gate.read(call, requiredString(call.input, 'KeyId'), KEY_ID_OR_ARN, 'kms:ListResourceTags');
    const tags = key.tags.map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
    const result = pageOfArray(tags, page);
    return { Tags: result.items, ...pageOutput('ListResourceTags', result) };
  }
}
