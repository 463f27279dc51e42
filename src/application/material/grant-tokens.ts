/**
 * Grant tokens are derived from the grant id with a MAC under a server secret, so no
 * token is ever stored: an event, a read model or a backup cannot leak one.
 */
export interface GrantTokens {
  grantTokenFor(grantId: string): string;
  /** The grant id a token was made for; KmsError InvalidGrantTokenException for anything else. */
  grantIdFromToken(token: string): string;
}
export const GrantTokens = Symbol.for('keytrail.GrantTokens');
