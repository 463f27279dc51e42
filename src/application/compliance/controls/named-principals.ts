import { classifyAwsPrincipal, principalsNamedBy } from '../../../domain/policy/index.js';
import type { KeyView } from '../snapshot.js';

/** Every principal value the key's policy names (Principal elements) and its grants name as grantees. */
export function namedValues(view: KeyView): string[] {
  const named = view.document === null ? [] : principalsNamedBy(view.document).filter((n) => n.element === 'Principal').map((n) => n.value);
  return [...named, ...view.grants.map((g) => g.granteePrincipal)];
}

/** Whether a value names one user, role or role session (whose identity policies and existence matter), not an account, "*" or a service. */
export function namesIdentity(value: string): boolean {
  const named = classifyAwsPrincipal(value);
  return named !== undefined && named.type !== 'anyone' && named.type !== 'account';
}

/** The accounts named (by account id, root, or a principal of theirs). */
export function namedAccounts(view: KeyView): Set<string> {
  const out = new Set<string>();
  for (const value of namedValues(view)) {
    const named = classifyAwsPrincipal(value);
    if (named !== undefined && named.type !== 'anyone') out.add(named.accountId);
  }
  return out;
}
