import { sql } from 'drizzle-orm';
import { PgTimestampString, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';

/** Primary key: a UUIDv7 made by the application (time-ordered, so `ORDER BY id` is creation order). */
export const idColumn = () =>
  uuid('id')
    .primaryKey()
    .$defaultFn(() => uuidv7());

// Drizzle's string mode hands back PostgreSQL's text form ('2025-01-02 03:04:05.678+00', bypassing the pool's
// type parser); the API speaks RFC 3339 in UTC ('2025-01-02T03:04:05.678Z'), as its date-time schemas say.
const postgresText = PgTimestampString.prototype.mapFromDriverValue;
PgTimestampString.prototype.mapFromDriverValue = function (this: PgTimestampString<never>, value: Date | string): string {
  const text = postgresText.call(this, value);
  const instant = new Date(text);
  return this.withTimezone && !Number.isNaN(instant.getTime()) ? instant.toISOString() : text;
};

/** Millisecond precision so a timestamp survives the trip to JSON and back unchanged. */
export const timestampColumn = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'string' });

export const createdAtColumn = () => timestampColumn('created_at').notNull().defaultNow();
export const updatedAtColumn = () =>
  timestampColumn('updated_at')
    .notNull()
    .defaultNow()
    .$onUpdateFn(() => sql`now()` as unknown as string);
