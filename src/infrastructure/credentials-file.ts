import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ProfileCredentials {
  readonly profile: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A profile in the shared credentials file format the AWS CLI and SDKs read. */
export function credentialsProfile({ profile, accessKeyId, secretAccessKey }: ProfileCredentials): string {
  return `[${profile}]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`;
}

/** Written owner-only: it holds a secret that is otherwise stored only wrapped. */
export function writeCredentialsFile(path: string, credentials: ProfileCredentials): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, credentialsProfile(credentials), { mode: 0o600 });
  chmodSync(path, 0o600);
}
