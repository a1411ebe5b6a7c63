import pg from 'pg';
import { isoFromPostgres } from './timestamps.js';

// timestamptz comes back as an ISO 8601 string in UTC, the form the API speaks. Admiral's timestamps are
// declared with millisecond precision, so nothing is lost in the conversion (cursors and ETags rely on it).
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, isoFromPostgres);
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
});

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PoolOptions {
  connectionString: string;
  max: number;
  applicationName: string;
  /** pg's pipeline mode: queries are written without waiting for earlier replies (request pool only). */
  pipeline?: boolean;
  /** Role every connection assumes at start-up (infrastructure pools only; requests set theirs per transaction). */
  sessionRole?: string;
}

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    application_name: options.applicationName,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    ...(options.sessionRole ? { options: `-c role=${options.sessionRole}` } : {}),
    ...(options.pipeline ? { pipeline: true } : {}),
  });
  // An idle client's error (server restart, network) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return pool;
}
