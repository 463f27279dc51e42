import { supportsVariables, type PolicyDocument } from './policy-document.js';

/**
 * Whether a document's statements are decided by the action, the caller and the resource
 * alone: no Condition and no policy variable in a Resource element, so no request fact
 * (time, source IP, encryption context, ...) can change what the document says. Principal
 * and Action elements never read the request context. A live decision that involves only
 * such documents and no grant is the same for every request with the same action, caller
 * and key, which is what lets the application remember it.
 */
export function decidedWithoutRequestContext(doc: PolicyDocument): boolean {
  const variables = supportsVariables(doc);
  for (const stmt of doc.statements) {
    if (stmt.conditions.length > 0) return false;
    if (!variables) continue;
    // Conservative: any "${" is taken for a variable, even the escapes ${*}, ${?}, ${$}.
    if (stmt.resource?.some((p) => p.includes('${')) || stmt.notResource?.some((p) => p.includes('${'))) return false;
  }
  return true;
}
