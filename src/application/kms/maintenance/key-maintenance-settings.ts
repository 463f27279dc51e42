import type { MaintenanceFailureReport } from './maintenance-report.js';

export interface KeyMaintenanceSettings {
  /** Due keys read from the schedule per query. */
  readonly batchSize?: number;
  /** Where the timer reports failed runs; one line on stderr when absent. */
  readonly report?: (report: MaintenanceFailureReport) => void;
}
export const KeyMaintenanceSettings = Symbol.for('keytrail.KeyMaintenanceSettings');

export const DEFAULT_MAINTENANCE_BATCH_SIZE = 100;
