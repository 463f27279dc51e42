import type { Container, Newable } from 'inversify';
import { KmsOperations } from '../ports/kms-operations.js';
import { AccessControl } from './access-control.js';
import { CallRecorder } from './call-recorder.js';
import { KeyGate } from './key-gate.js';
import { KeyMaterial } from './key-material.js';
import { KeyRepository } from './key-repository.js';
import { KeyResolver } from './key-resolver.js';
import { KmsOperationsService } from './kms-operations-service.js';
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
 * Binds the KMS operations and what they are made of, as singletons. The composition
 * root binds the ports they need: EventStore, CommandHandler (+ settings), MaterialService
 * (+ RootKey), CiphertextCodec, GrantTokens, AliasRegistryService and KmsReadSide.
 */
export function bindKms(container: Container): void {
  const services: Newable<object>[] = [
    KeyRepository, KeyResolver, AccessControl, KeyGate, KeyMaterial, CallRecorder,
    KeyOperations, PolicyOperations, GrantOperations, AliasOperations, TagOperations,
    CryptoOperations, RandomOperations, RotationOperations, DeletionOperations, KmsOperationsService,
  ];
  for (const service of services) container.bind(service).toSelf().inSingletonScope();
  container.bind<KmsOperations>(KmsOperations).toService(KmsOperationsService);
}
