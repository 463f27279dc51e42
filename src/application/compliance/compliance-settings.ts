import type { ReportSettings } from './report-model.js';

/** The limits a report uses unless it is asked for others: from the configuration (KEYTRAIL_REPORT_*). */
export interface ComplianceSettings {
  readonly defaults: ReportSettings;
}
export const ComplianceSettings = Symbol.for('keytrail.ComplianceSettings');

/** A year for a cryptoperiod (PCI DSS lets the key owner set it; a year is the common choice), a quarter for the rest. */
export const DEFAULT_REPORT_SETTINGS: ReportSettings = { cryptoperiodDays: 365, grantMaxAgeDays: 90, unusedKeyDays: 90 };

export const MAX_REPORT_DAYS = 36_500;

/** The defaults with the given limits over them; RangeError for a limit that is not a whole number of days from 1 to 36500. */
export function reportSettings(defaults: ReportSettings, overrides: Partial<ReportSettings> = {}): ReportSettings {
  const settings = { ...defaults, ...definedOnly(overrides) };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_REPORT_DAYS) throw new RangeError(`${name}: '${value}' is not a whole number of days from 1 to ${MAX_REPORT_DAYS}`);
  }
  return settings;
}

function definedOnly(overrides: Partial<ReportSettings>): Partial<ReportSettings> {
  return Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
}
