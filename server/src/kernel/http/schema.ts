import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgPolicy, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { timestampColumn } from '../db/columns.js';
import { appRole } from '../db/tenant-table.js';

const siteOrPlatform = sql`site_id is not distinct from (select nullif(current_setting('app.site_id', true), '')::uuid)`;

/** Stored responses for `Idempotency-Key` replays. Keys are scoped to the caller and the site. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    siteId: uuid('site_id'),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: ['in_progress', 'completed'] }).notNull(),
    responseStatus: integer('response_status'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    responseBody: text('response_body'),
    lockedUntil: timestampColumn('locked_until').notNull(),
    expiresAt: timestampColumn('expires_at').notNull(),
    createdAt: timestampColumn('created_at').notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.key] }),
    index('idempotency_keys_expires_at_idx').on(t.expiresAt),
    pgPolicy('idempotency_keys_site_isolation', { as: 'permissive', for: 'all', to: appRole, using: siteOrPlatform, withCheck: siteOrPlatform }),
  ],
).enableRLS();
