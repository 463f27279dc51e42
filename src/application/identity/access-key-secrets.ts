import { inject, injectable } from 'inversify';
import { RootKey } from '../material/root-key.js';

/**
 * Secret access keys at rest: wrapped under the root key, bound to their access key id,
 * so an event log (or a backup of it) without the root key yields no usable credential.
 */
@injectable()
export class AccessKeySecrets {
  constructor(@inject(RootKey) private readonly rootKey: RootKey) {}

  seal(accessKeyId: string, secretAccessKey: string): string {
    return this.rootKey.wrap(Buffer.from(secretAccessKey, 'utf8'), label(accessKeyId)).toString('base64');
  }

  reveal(accessKeyId: string, wrappedSecret: string): string {
    return this.rootKey.unwrap(Buffer.from(wrappedSecret, 'base64'), label(accessKeyId)).toString('utf8');
  }
}

function label(accessKeyId: string): string {
  return `keytrail/access-key-secret/${accessKeyId}`;
}
