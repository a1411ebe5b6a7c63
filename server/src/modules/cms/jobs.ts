import { type AuditWriter, databaseAuditWriter, systemActor } from '../../kernel/audit/writer.js';
import { type Database, SiteInactiveError, SiteNotFoundError } from '../../kernel/db/transaction.js';
import { defineJob, type JobDefinition } from '../../kernel/jobs/queue.js';
import type { ContentType } from './content-types.js';
import { contentKinds } from './kinds.js';
import { PUBLISH_DUE_JOB, PUBLISH_SCHEDULED_JOB, publishNow, type ScheduledPublication } from './publishing.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Due items one sweep publishes; the next minute's sweep takes the rest. */
const SWEEP_LIMIT = 100;

function isPublication(data: Partial<ScheduledPublication>): data is ScheduledPublication {
  return (
    typeof data.siteId === 'string' &&
    UUID.test(data.siteId) &&
    typeof data.contentId === 'string' &&
    UUID.test(data.contentId) &&
    (data.contentType === 'article' || data.contentType === 'page') &&
    typeof data.scheduledFor === 'string' &&
    (data.scheduledBy === null || (typeof data.scheduledBy === 'string' && UUID.test(data.scheduledBy)))
  );
}

/**
 * Publishes the content if it is still scheduled for exactly this time. The row lock makes it exactly once:
 * a duplicate job, the sweeper or another worker waits, then finds it published (or rescheduled, or edited)
 * and does nothing. The audit names the user who scheduled it. True when this call published.
 */
export async function publishScheduled(db: Database, audit: AuditWriter, data: ScheduledPublication): Promise<boolean> {
  const kind = contentKinds[data.contentType];
  try {
    return await db.withTenant({ siteId: data.siteId, userId: data.scheduledBy }, async (tx) => {
      const state = await kind.lock(tx, data.siteId, data.contentId);
      if (state?.status !== 'scheduled' || state.scheduledFor !== data.scheduledFor) return false;
      // Never early (a job run before its time leaves the publication to the sweeper once it is due).
      if (Date.parse(state.scheduledFor) > Date.now()) return false;
      await publishNow(audit, tx, { ...systemActor, userId: state.scheduledBy }, kind, state, { scheduled: true, scheduledFor: state.scheduledFor });
      return true;
    });
  } catch (error) {
    // A deleted site has nothing to publish; a suspended one publishes when the sweeper finds it active again.
    if (error instanceof SiteNotFoundError || error instanceof SiteInactiveError) return false;
    throw error;
  }
}

interface DueRow {
  site_id: string;
  content_type: ContentType;
  content_id: string;
  scheduled_for: string;
}

/** Everything due on every site (a definer function reads across sites), published one by one. Returns how many. */
export async function publishDue(db: Database, audit: AuditWriter, limit = SWEEP_LIMIT): Promise<number> {
  const due = await db.asPlatform({}, async (tx) => {
    const { rows } = await tx.$client.query<DueRow>('SELECT site_id, content_type, content_id, scheduled_for FROM admiral_due_scheduled_content($1)', [limit]);
    return rows;
  });
  let published = 0;
  for (const row of due) {
    const kind = contentKinds[row.content_type];
    if (!kind) continue;
    const scheduledBy = await db
      .withTenant({ siteId: row.site_id }, async (tx) => (await kind.lock(tx, row.site_id, row.content_id))?.scheduledBy ?? null)
      .catch(() => null);
    const data: ScheduledPublication = {
      siteId: row.site_id,
      contentType: row.content_type,
      contentId: row.content_id,
      scheduledFor: new Date(row.scheduled_for).toISOString(),
      scheduledBy,
    };
    if (await publishScheduled(db, audit, data)) published++;
  }
  return published;
}

/** Scheduled publishing: the delayed job sent when content is scheduled, and the every-minute sweeper behind it. */
export const cmsJobs: JobDefinition[] = [
  defineJob<Partial<ScheduledPublication>>({
    name: PUBLISH_SCHEDULED_JOB,
    description: 'Publishes an article or page at its scheduled time, if it is still scheduled for that time',
    retryLimit: 5,
    retryDelaySeconds: 30,
    async handler(data, context) {
      if (!isPublication(data)) return; // not something this job sends: nothing to do, nothing to retry
      await publishScheduled(context.db, databaseAuditWriter, data);
    },
  }),
  defineJob({
    name: PUBLISH_DUE_JOB,
    description: 'Every minute: publishes scheduled articles and pages whose time has come (catches what a delayed job missed)',
    schedule: '* * * * *',
    retryLimit: 0,
    async handler(_data, context) {
      await publishDue(context.db, databaseAuditWriter);
    },
  }),
];
