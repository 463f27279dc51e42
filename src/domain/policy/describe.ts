import type { AccessExplanation, ConditionTerm, Reason } from './decision.js';

function statementLabel(sid: string | undefined, index: number): string {
  return sid === undefined ? `statement #${index}` : `statement "${sid}" (#${index})`;
}

function pairs(context: Readonly<Record<string, string>>): string {
  return Object.entries(context)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** One line a person can read: which statement, grant or rule a reason cites. */
export function describeReason(r: Reason): string {
  switch (r.source) {
    case 'keyPolicy': {
      const how = r.principalMatch === 'account' ? ' to the caller\'s account' : r.principalMatch === 'notPrincipal' ? ' (caller not excluded by NotPrincipal)' : '';
      return `${r.effect} by key policy ${statementLabel(r.sid, r.index)}${how}`;
    }
    case 'identityPolicy':
      return `${r.effect} by identity policy "${r.policyName}" ${statementLabel(r.sid, r.index)}`;
    case 'grant':
      return `Allow by grant ${r.grantId}${r.grantName === undefined ? '' : ` ("${r.grantName}")`}${r.viaGrantToken ? ' presented with a grant token' : ''}${r.granteeIsAccount ? ' to the caller\'s account' : ''}`;
    case 'retireGrant': {
      const basis = r.basis === 'retiringPrincipal' ? 'the retiring principal' : r.basis === 'granteeWithRetireGrant' ? 'the grantee of a grant that includes RetireGrant' : 'the account that created the grant';
      return `Allow to retire grant ${r.grantId} as ${basis}`;
    }
    case 'rootUser':
      return `the root user of account ${r.accountId} needs no identity policy`;
    case 'implicitDeny':
      return `Deny: ${r.detail}`;
  }
}

/** A condition still attached, e.g. `StringEquals kms:EncryptionContext:Dept in ["IT"]`. */
export function describeTerm(t: ConditionTerm): string {
  switch (t.kind) {
    case 'condition':
      return `${t.operator} ${t.key} in ${JSON.stringify(t.values)}`;
    case 'grantConstraint':
      return t.constraint === 'EncryptionContextEquals'
        ? `encryption context is exactly {${pairs(t.encryptionContext)}}`
        : `encryption context contains {${pairs(t.encryptionContext)}}`;
    case 'grantRedelegation':
      return `the new grant allows only ${t.operations.join(', ')}${t.constraints === undefined ? '' : ' under the same or tighter encryption-context constraints'}`;
  }
}

/** A multi-line account of an explanation, paths first, then the denials that may apply. */
export function describeExplanation(e: AccessExplanation): string {
  const lines = [`Outcome: ${e.outcome}`];
  for (const p of e.paths) {
    lines.push(`- ${p.sources.map(describeReason).join(' + ')}${p.requires.length === 0 ? '' : ` when ${p.requires.map(describeTerm).join(' and ')}`}`);
  }
  for (const d of e.denials) {
    lines.push(`- ${describeReason(d.source)}${d.when.length === 0 ? '' : ` when ${d.when.map(describeTerm).join(' and ')}`}`);
  }
  return lines.join('\n');
}
