import { SqliteTemporalReadSide } from '../../../../projections/temporal/temporal-read-side.js';
import { TimeTravelQueries } from '../../../../src/application/audit/time-travel-queries.js';
import { Clock } from '../../../../src/application/ports/clock.js';
import { KmsFixture } from '../../kms/support/kms-fixture.js';

/** The real KMS operations with their read side (the temporal read models), on a clock the test moves (`kms.time`). */
export function temporalFixture(): { kms: KmsFixture; readSide: SqliteTemporalReadSide; queries: TimeTravelQueries } {
  const kms = new KmsFixture();
  kms.container.bind<Clock>(Clock).toConstantValue({ now: () => new Date(kms.time) });
  return { kms, readSide: kms.container.get(SqliteTemporalReadSide), queries: kms.container.get(TimeTravelQueries) };
}
