import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { idColumn, timestampColumn } from '../db/columns.js';

export const JOB_RUN_STATUSES = ['running', 'completed', 'failed'] as const;

/** One row per attempt of a background job (seed 000 `job_runs`). A platform table: jobs serve all sites. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: idColumn(),
    jobId: text('job_id').notNull(),
    queueName: text('queue_name').notNull(),
    jobType: text('job_type').notNull(),
    status: text('status', { enum: JOB_RUN_STATUSES }).notNull(),
    attempts: integer('attempts').notNull(),
    error: text('error'),
    siteId: uuid('site_id'),
    startedAt: timestampColumn('started_at').notNull().default(sql`now()`),
    finishedAt: timestampColumn('finished_at'),
    durationMs: integer('duration_ms'),
  },
  (t) => [index('job_runs_queue_started_idx').on(t.queueName, t.startedAt), index('job_runs_job_id_idx').on(t.jobId)],
);
