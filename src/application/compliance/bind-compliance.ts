import type { Container } from 'inversify';
import { ComplianceReports } from './compliance-reports.js';

/** Binds the compliance reports; they need the temporal read side (TemporalReadModels, TimeTravelQueries), EventStore and Clock. */
export function bindCompliance(container: Container): void {
  container.bind(ComplianceReports).toSelf().inSingletonScope();
}
