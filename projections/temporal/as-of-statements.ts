import type Database from 'better-sqlite3';
import { asOfParams, axisOf, type Axis } from './as-of-sql.js';
import type { Row } from './version-table.js';
import type { AsOf } from '../../src/application/audit/temporal-read-models.js';

/**
 * Statements over the temporal tables, prepared once per shape: a query is written once
 * for any axis (now, a time, a position) and each axis gets its own statement, so "now"
 * keeps the plain `to_commit IS NULL` that the partial indexes of open versions match.
 */
export class AsOfStatements {
  private readonly statements = new Map<string, Database.Statement>();
  /** By query shape and axis: a shape kept in a constant (the KMS reads on a call's path) is not even written out again. */
  private readonly byShape = new WeakMap<(axis: Axis) => string, Partial<Record<Axis, Database.Statement>>>();

  constructor(private readonly db: Database.Database) {}

  one(sql: (axis: Axis) => string, asOf: AsOf | undefined, params: Row): Row | undefined {
    return this.statement(sql, axisOf(asOf)).get({ ...params, ...asOfParams(asOf) }) as Row | undefined;
  }

  all(sql: (axis: Axis) => string, asOf: AsOf | undefined, params: Row): Row[] {
    return this.statement(sql, axisOf(asOf)).all({ ...params, ...asOfParams(asOf) }) as Row[];
  }

  private statement(sql: (axis: Axis) => string, axis: Axis): Database.Statement {
    let byAxis = this.byShape.get(sql);
    if (byAxis === undefined) {
      byAxis = {};
      this.byShape.set(sql, byAxis);
    }
    return (byAxis[axis] ??= this.prepared(sql(axis)));
  }

  prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
