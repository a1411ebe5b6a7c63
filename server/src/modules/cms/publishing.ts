import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { conflict, unprocessable } from '../../kernel/http/problem.js';
import type { JobQueue } from '../../kernel/jobs/queue.js';
import type { Approvals } from './approvals.js';
import { auditContent, stateSummary, summaryAfter } from './content-audit.js';
import { checkIfMatch } from './content-problems.js';
import type { ContentKind, ContentState, StateChange } from './content-types.js';
import { lockOrNotFound } from './kinds.js';

export const PUBLISH_SCHEDULED_JOB = 'cms.publish-scheduled';
export const PUBLISH_DUE_JOB = 'cms.publish-due';

/** How far ahead content may be scheduled. */
const MAX_SCHEDULE_MS = 5 * 366 * 24 * 3600 * 1000;

/** What the delayed job carries: enough to open the site's transaction and recognise the schedule it was sent for. */
export interface ScheduledPublication {
  siteId: string;
  contentType: ContentKind['type'];
  contentId: string;
  scheduledFor: string;
  scheduledBy: string | null;
}

/** Makes the working copy's current version the live one (shared by publish now and scheduled publishing). */
export async function publishNow(
  audit: AuditWriter,
  tx: Tx,
  actor: AuditActor,
  kind: ContentKind,
  state: ContentState,
  metadata: Record<string, unknown> = {},
): Promise<void> {
  const change: StateChange = { status: 'published', live: state.versionNo };
  await kind.applyState(tx, state, change);
  await auditContent(audit, tx, actor, kind, state.siteId, state.id, 'published', {
    before: stateSummary(state),
    after: summaryAfter(state, change),
    metadata: { versionNo: state.versionNo, ...metadata },
  });
}

/** Publish, schedule, unschedule, unpublish: `*.publish` decisions about what readers get. */
export class ContentPublishing {
  constructor(
    private readonly audit: AuditWriter,
    private readonly jobs: JobQueue,
    private readonly approvals: Approvals,
  ) {}

  async publish(tx: Tx, actor: AuditActor, kind: ContentKind, siteId: string, id: string, ifMatch?: string): Promise<void> {
    const state = await this.lockForPublication(tx, kind, siteId, id, ifMatch);
    await publishNow(this.audit, tx, actor, kind, state);
  }

  /** `scheduled` until `at`; the delayed job is written in this transaction, so it exists only if this commits. */
  async schedule(tx: Tx, actor: AuditActor, kind: ContentKind, siteId: string, id: string, at: string, ifMatch?: string): Promise<void> {
    const when = Date.parse(at);
    const now = Date.now();
    if (!(when > now) || when - now > MAX_SCHEDULE_MS) {
      throw unprocessable('invalid_schedule', 'Schedule publication for a time in the future, at most 5 years ahead.', [
        { in: 'body', pointer: '/at', detail: when > now ? 'is more than 5 years ahead' : 'is not in the future' },
      ]);
    }
    const state = await this.lockForPublication(tx, kind, siteId, id, ifMatch);
    // Stored with millisecond precision: the job recognises its schedule by this exact string.
    const scheduledFor = new Date(when).toISOString();
    const change: StateChange = { status: 'scheduled', schedule: { at: scheduledFor, by: actor.userId } };
    await kind.applyState(tx, state, change);
    const data: ScheduledPublication = { siteId, contentType: kind.type, contentId: id, scheduledFor, scheduledBy: actor.userId };
    const jobId = await this.jobs.send(PUBLISH_SCHEDULED_JOB, data, {
      tx,
      startAfterSeconds: Math.max(1, Math.ceil((when - now) / 1000)),
      singletonKey: `${kind.type}:${id}:${scheduledFor}`,
    });
    await auditContent(this.audit, tx, actor, kind, siteId, id, 'scheduled', {
      before: stateSummary(state),
      after: summaryAfter(state, change),
      metadata: { versionNo: state.versionNo, scheduledFor, jobId },
    });
  }

  /** Back to `approved` when an approval of this version stands, else `draft`. */
  async unschedule(tx: Tx, actor: AuditActor, kind: ContentKind, siteId: string, id: string, ifMatch?: string): Promise<void> {
    const state = await lockOrNotFound(tx, kind, siteId, id);
    if (ifMatch !== undefined) checkIfMatch(ifMatch, await kind.read(tx, siteId, id));
    if (state.status !== 'scheduled') throw conflict('not_scheduled', `The ${kind.type} is not scheduled (it is ${state.status}).`);
    const approved = await this.approvals.isApproved(tx, kind.type, id, state.versionNo);
    const change: StateChange = { status: approved ? 'approved' : 'draft' };
    await kind.applyState(tx, state, change);
    await auditContent(this.audit, tx, actor, kind, siteId, id, 'unscheduled', { before: stateSummary(state), after: summaryAfter(state, change) });
  }

  /**
   * Nothing live. Published content becomes a draft; a working copy in another status (in review, approved,
   * scheduled: an edit after publication) keeps it, since that status is about the copy, not what was live.
   */
  async unpublish(tx: Tx, actor: AuditActor, kind: ContentKind, siteId: string, id: string, ifMatch?: string): Promise<void> {
    const state = await lockOrNotFound(tx, kind, siteId, id);
    if (ifMatch !== undefined) checkIfMatch(ifMatch, await kind.read(tx, siteId, id));
    if (state.publishedVersionNo === null) throw conflict('not_published', `The ${kind.type} is not published.`);
    const change: StateChange = {
      status: state.status === 'published' ? 'draft' : state.status,
      live: null,
      ...(state.status === 'scheduled' && state.scheduledFor ? { schedule: { at: state.scheduledFor, by: state.scheduledBy } } : {}),
    };
    await kind.applyState(tx, state, change);
    await auditContent(this.audit, tx, actor, kind, siteId, id, 'unpublished', { before: stateSummary(state), after: summaryAfter(state, change) });
  }

  /** The row locked, If-Match checked, and the rule: no workflow applies, or this version's request was approved. */
  private async lockForPublication(tx: Tx, kind: ContentKind, siteId: string, id: string, ifMatch: string | undefined): Promise<ContentState> {
    const state = await lockOrNotFound(tx, kind, siteId, id);
    if (ifMatch !== undefined) checkIfMatch(ifMatch, await kind.read(tx, siteId, id));
    if (state.status === 'published' && state.publishedVersionNo === state.versionNo) {
      throw conflict('already_published', `Version ${state.versionNo} of this ${kind.type} is already published.`);
    }
    const workflow = await this.approvals.workflowFor(tx, {
      type: kind.type,
      id,
      version: state.versionNo,
      title: state.title,
      categoryIds: state.categoryIds,
    });
    if (workflow && !(await this.approvals.isApproved(tx, kind.type, id, state.versionNo))) {
      throw conflict(
        'approval_required',
        `An approval workflow applies to this ${kind.type}: version ${state.versionNo} must be approved before it is published.`,
      );
    }
    return state;
  }
}
