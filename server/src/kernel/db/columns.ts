import { sql } from 'drizzle-orm';
import { customType, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { isoFromPostgres } from './timestamps.js';

/** Primary key: a UUIDv7 made by the application (time-ordered, so `ORDER BY id` is creation order). */
export const idColumn = () =>
  uuid('id')
    .primaryKey()
    .$defaultFn(() => uuidv7());

/**
 * `timestamptz(3)` as an RFC 3339 string in UTC ('2025-01-02T03:04:05.678Z'), the form the API's date-time
 * schemas promise. (Drizzle's own string mode returns PostgreSQL's text form, '2025-01-02 03:04:05.678+00'.)
 * Millisecond precision means the value survives the trip to JSON and back, so ETags and cursors are exact.
 */
const isoTimestamp = customType<{ data: string; driverData: string }>({
  dataType: () => 'timestamp (3) with time zone',
  fromDriver: isoFromPostgres,
  toDriver: (value) => value,
});

export const timestampColumn = (name: string) => isoTimestamp(name);

export const createdAtColumn = () => timestampColumn('created_at').notNull().default(sql`now()`);
export const updatedAtColumn = () =>
  timestampColumn('updated_at')
    .notNull()
    .default(sql`now()`)
    .$onUpdateFn(() => sql`now()` as unknown as string);
