import { sql } from 'drizzle-orm';
import { bigint, boolean, index, jsonb, pgPolicy, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestampColumn } from '../db/columns.js';
import { appRole } from '../db/tenant-table.js';

/** A row is visible in its own site's context; platform rows (no site) only in the platform context. */
const siteOrPlatform = sql`site_id is not distinct from (select nullif(current_setting('app.site_id', true), '')::uuid)`;

/**
 * The audit trail (superset of seeds 000–003). Append-only and hash-chained per site by triggers in
 * migrations: `seq`, `prev_hash` and `hash` are set by the database, never by the application.
 */
export const auditLogs = pgTable(
  'audit_logs',
  {
    id: uuid('id').primaryKey(),
    siteId: uuid('site_id'),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    actorUserId: uuid('actor_user_id'),
    actorApiKeyId: uuid('actor_api_key_id'),
    impersonatorUserId: uuid('impersonator_user_id'),
    action: text('action').notNull(),
    category: text('category').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    description: text('description'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    sessionId: uuid('session_id'),
    requestId: text('request_id'),
    success: boolean('success').notNull(),
    error: text('error'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestampColumn('created_at').notNull().default(sql`now()`),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_logs_site_seq_idx').on(t.siteId, t.seq),
    index('audit_logs_site_target_idx').on(t.siteId, t.targetType, t.targetId),
    index('audit_logs_site_actor_idx').on(t.siteId, t.actorUserId),
    pgPolicy('audit_logs_site_isolation', { as: 'permissive', for: 'all', to: appRole, using: siteOrPlatform, withCheck: siteOrPlatform }),
  ],
).enableRLS();
