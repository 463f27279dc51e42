/** One stream per account: its principals, access keys and identity policies. */
export const IDENTITY_STREAM_CATEGORY = 'iamaccount';

export function identityDirectoryStream(accountId: string): string {
  return `${IDENTITY_STREAM_CATEGORY}-${accountId}`;
}
