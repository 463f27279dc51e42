import { comparePositionText } from '../audit/key-as-of.js';
import type { Citation } from '../audit/temporal-read-models.js';
import type { Proof } from './control.js';
import type { EventActors } from './event-actors.js';
import type { ControlResult, Evidence, StatusCounts } from './report-model.js';
import type { Evaluated } from './report-engine.js';
import type { Since } from './since.js';

/** "KeyRotationEnabled" -> "key rotation enabled". */
export function eventWords(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The proofs with their callers named, oldest first, each event and statement once. */
export async function evidenceOf(proofs: readonly Proof[], actors: EventActors): Promise<{ evidence: Evidence[]; byWhom: Record<string, string | null> }> {
  const byWhom: Record<string, string | null> = {};
  const evidence: Evidence[] = [];
  const seen = new Set<string>();
  for (const proof of proofs) {
    const id = `${proof.citation.position}\0${proof.what}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (proof.byWhom === undefined) {
      evidence.push({ what: proof.what, citation: proof.citation });
      continue;
    }
    const actor = await actors.of(proof.citation);
    if (typeof proof.byWhom === 'string') byWhom[proof.byWhom] = actor;
    evidence.push({ what: actor === null ? proof.what : `${proof.what} by ${actor}`, citation: proof.citation });
  }
  evidence.sort((a, b) => comparePositionText(a.citation.position, b.citation.position));
  return { evidence, byWhom };
}

/** The changes that made a status so, as proofs, unless the control already cites them. */
export function sinceProofs(since: Since, proofs: readonly Proof[]): Proof[] {
  const cited = new Set(proofs.map((p) => p.citation.position));
  return since.events.filter((c: Citation) => !cited.has(c.position)).map((c) => ({ what: `${eventWords(c.type)}: the result holds since this change`, citation: c, byWhom: true }));
}

export async function resultOf(e: Evaluated, since: Since, actors: EventActors): Promise<ControlResult> {
  const proofs = [...e.outcome.evidence, ...sinceProofs(since, e.outcome.evidence)];
  const { evidence, byWhom } = await evidenceOf(proofs, actors);
  return {
    controlId: e.control.definition.id,
    resource: e.resource,
    status: e.outcome.status,
    since: since.since,
    reason: e.outcome.reason,
    details: { ...e.outcome.details, ...byWhom },
    evidence,
  };
}

export function countsOf(statuses: Iterable<{ status: string }>): StatusCounts {
  let pass = 0;
  let fail = 0;
  let notApplicable = 0;
  for (const { status } of statuses) {
    if (status === 'PASS') pass++;
    else if (status === 'FAIL') fail++;
    else notApplicable++;
  }
  return { pass, fail, notApplicable };
}
