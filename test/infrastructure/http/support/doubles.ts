import { randomUUID } from 'node:crypto';
import type { AccessKeyDirectory, AccessKeyRecord } from '../../../../src/application/ports/access-key-directory.js';
import type { Clock } from '../../../../src/application/ports/clock.js';
import type { KmsOperations } from '../../../../src/application/ports/kms-operations.js';
import type { CallContext, CallerIdentity } from '../../../../src/domain/call-context.js';

export const ACCOUNT = '111122223333';
export const ALICE: CallerIdentity = {
  type: 'IAMUser',
  principalId: 'AIDAALICEEXAMPLE00001',
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  accountId: ACCOUNT,
  userName: 'alice',
};
export const ALICE_KEY = { accessKeyId: 'AKIAALICEEXAMPLE0001', secretAccessKey: 'alice/secret/0123456789abcdefghijklmnopqr' };
export const RETIRED_KEY = { accessKeyId: 'AKIARETIREDEXAMPLE01', secretAccessKey: 'retired/secret/0123456789abcdefghijklmno' };

/** A clock that stands still until a test moves it. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date): void {
    this.current = date;
  }
}

export class InMemoryAccessKeyDirectory implements AccessKeyDirectory {
  readonly lookups: string[] = [];
  private readonly keys = new Map<string, AccessKeyRecord>();

  add(accessKeyId: string, record: AccessKeyRecord): this {
    this.keys.set(accessKeyId, record);
    return this;
  }

  async find(accessKeyId: string): Promise<AccessKeyRecord | null> {
    this.lookups.push(accessKeyId);
    return this.keys.get(accessKeyId) ?? null;
  }
}

export function directoryWithAlice(): InMemoryAccessKeyDirectory {
  return new InMemoryAccessKeyDirectory()
    .add(ALICE_KEY.accessKeyId, { secretAccessKey: ALICE_KEY.secretAccessKey, active: true, caller: ALICE })
    .add(RETIRED_KEY.accessKeyId, { secretAccessKey: RETIRED_KEY.secretAccessKey, active: false, caller: ALICE });
}

export interface RecordedCall {
  readonly operation: string;
  readonly input: Record<string, unknown>;
  readonly call: CallContext;
}

/**
 * Stands in for the KMS operations: records every call and answers with outputs derived
 * from the input (so a test sees its own values come back through the wire), or fails
 * the way a test told it to.
 */
export class RecordingOperations implements KmsOperations {
  readonly calls: RecordedCall[] = [];
  readonly rejected: Array<{ operation: string; input: Record<string, unknown>; call: CallContext; error: unknown }> = [];
  private failures = new Map<string, () => never>();

  failWith(operation: string, thrower: () => never): void {
    this.failures.set(operation, thrower);
  }

  async invoke(operation: string, input: Record<string, unknown>, call: CallContext): Promise<Record<string, unknown>> {
    this.calls.push({ operation, input, call });
    this.failures.get(operation)?.();
    const keyId = typeof input['KeyId'] === 'string' ? input['KeyId'] : randomUUID();
    const arn = `arn:aws:kms:${call.region}:${call.caller.accountId}:key/${keyId}`;
    switch (operation) {
      case 'CreateKey':
        return {
          KeyMetadata: {
            KeyId: keyId,
            Arn: arn,
            AWSAccountId: call.caller.accountId,
            CreationDate: new Date(call.time),
            Description: input['Description'] ?? '',
            Enabled: true,
            KeyState: 'Enabled',
            KeyUsage: input['KeyUsage'] ?? 'ENCRYPT_DECRYPT',
            KeySpec: input['KeySpec'] ?? 'SYMMETRIC_DEFAULT',
          },
        };
      case 'Encrypt':
        return { KeyId: arn, CiphertextBlob: reversed(input['Plaintext'] as Uint8Array), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      case 'Decrypt':
        return { KeyId: arn, Plaintext: reversed((input['CiphertextBlob'] as Uint8Array | undefined) ?? new Uint8Array(0)), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      case 'GenerateRandom':
        return { Plaintext: new Uint8Array((input['NumberOfBytes'] as number | undefined) ?? 32).fill(7) };
      case 'ListKeys':
        return { Keys: [{ KeyId: keyId, KeyArn: arn }], Truncated: false };
      default:
        return {};
    }
  }

  async recordRejected(operation: string, input: Record<string, unknown>, call: CallContext, error: unknown): Promise<void> {
    this.rejected.push({ operation, input, call, error });
  }
}

function reversed(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}
