import { and, desc, eq, lt, type SQL, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { auditLogs } from '../../kernel/audit/schema.js';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Principal } from '../../kernel/auth/principal.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, idCursor, pageFrom } from '../../kernel/http/pagination.js';
import { conflict, forbidden } from '../../kernel/http/problem.js';
import type { Approvals } from './approvals.js';
import { auditContent, stateSummary } from './content-audit.js';
import type { ContentKind, ContentReview, ContentState, ContentStatus } from './content-types.js';
import { lockOrNotFound } from './kinds.js';
import { contentReviews } from './schema.js';

type Decision = ContentReview['decision'];

/** Without a workflow, the one review decision moves the content itself. */
const STATUS_OF_DECISION: Record<Decision, ContentStatus> = { approve: 'approved', reject: 'draft', request_changes: 'changes_requested' };

/**
 * Review decisions. With an open approval request the decision is an action on it (the engine counts approvals
 * and resolves); without one, a single decision by a holder of `*.review` settles it. Either way nobody
 * reviews their own submission. Articles keep decisions in content_reviews; pages (which have no review
 * table) in their audit trail, which the review list reads back.
 */
export class ContentReviews {
  constructor(
    private readonly audit: AuditWriter,
    private readonly approvals: Approvals,
  ) {}

  async review(
    tx: Tx,
    actor: AuditActor,
    caller: Principal,
    kind: ContentKind,
    siteId: string,
    id: string,
    input: { decision: Decision; notes?: string },
  ): Promise<ContentReview> {
    const state = await lockOrNotFound(tx, kind, siteId, id);
    if (state.status !== 'in_review') throw conflict('not_in_review', `Only content in review can be reviewed; this ${kind.type} is ${state.status}.`);
    const latest = await this.approvals.latest(tx, kind.type, id);
    const open = latest?.status === 'pending' ? latest : null;
    const submitter = open ? open.requestedBy : await this.lastSubmitter(tx, kind, siteId, id);
    if (submitter !== null && submitter === caller.userId) {
      throw forbidden('own_submission', `You submitted this ${kind.type}; someone else must review it.`);
    }
    if (open) {
      await this.approvals.act(tx, actor, caller, open.id, { action: input.decision, ...(input.notes ? { comment: input.notes } : {}) });
    } else {
      await kind.applyState(tx, state, { status: STATUS_OF_DECISION[input.decision] });
    }
    const after = (await kind.lock(tx, siteId, id)) as ContentState;
    const review = await this.record(tx, actor, kind, state, input, open?.id ?? null);
    await auditContent(this.audit, tx, actor, kind, siteId, id, 'reviewed', {
      before: stateSummary(state),
      after: stateSummary(after),
      metadata: {
        reviewId: review.id,
        decision: input.decision,
        notes: input.notes ?? null,
        versionNo: state.versionNo,
        approvalRequestId: open?.id ?? null,
      },
    });
    return kind.type === 'page' ? { ...review, createdAt: await this.pageReviewTime(tx, siteId, id, review.id) } : review;
  }

  /** When the audit row recording a page review was written (the database stamps it). */
  private async pageReviewTime(tx: Tx, siteId: string, pageId: string, reviewId: string): Promise<string> {
    const [row] = await tx
      .select({ createdAt: auditLogs.createdAt })
      .from(auditLogs)
      .where(
        and(
          eq(auditLogs.siteId, siteId),
          eq(auditLogs.targetType, 'page'),
          eq(auditLogs.targetId, pageId),
          eq(auditLogs.action, 'page.reviewed'),
          sql`${auditLogs.metadata}->>'reviewId' = ${reviewId}`,
        ),
      );
    return row?.createdAt ?? new Date().toISOString();
  }

  async list(tx: Tx, kind: ContentKind, siteId: string, id: string, query: { limit?: number; cursor?: string }) {
    await kind.read(tx, siteId, id);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const before = query.cursor ? decodeCursor(query.cursor, '-id').id : undefined;
    const rows =
      kind.type === 'article' ? await this.articleReviews(tx, siteId, id, before, limit + 1) : await this.pageReviews(tx, siteId, id, before, limit + 1);
    return pageFrom(rows, limit, idCursor);
  }

  /** Who submitted the content for the review now open (the audit trail records it; null for an API key). */
  private async lastSubmitter(tx: Tx, kind: ContentKind, siteId: string, id: string): Promise<string | null> {
    const [row] = await tx
      .select({ actor: auditLogs.actorUserId })
      .from(auditLogs)
      .where(and(eq(auditLogs.siteId, siteId), eq(auditLogs.targetType, kind.type), eq(auditLogs.targetId, id), eq(auditLogs.action, `${kind.type}.submitted`)))
      .orderBy(desc(auditLogs.seq))
      .limit(1);
    return row?.actor ?? null;
  }

  private async record(
    tx: Tx,
    actor: AuditActor,
    kind: ContentKind,
    state: ContentState,
    input: { decision: Decision; notes?: string },
    approvalRequestId: string | null,
  ): Promise<ContentReview> {
    const values = {
      versionNo: state.versionNo,
      reviewerId: actor.userId,
      decision: input.decision,
      notes: input.notes ?? null,
      approvalRequestId,
    };
    // A page's review lives in its audit row, written next; `createdAt` is read back from it then.
    if (kind.type === 'page') return { id: uuidv7(), ...values, createdAt: '' };
    const [row] = await tx
      .insert(contentReviews)
      .values({ siteId: state.siteId, articleId: state.id, ...values })
      .returning({ id: contentReviews.id, createdAt: contentReviews.createdAt });
    const inserted = row as { id: string; createdAt: string };
    return { id: inserted.id, ...values, createdAt: inserted.createdAt };
  }

  private async articleReviews(tx: Tx, siteId: string, id: string, before: string | undefined, take: number): Promise<ContentReview[]> {
    const conditions: SQL[] = [eq(contentReviews.siteId, siteId), eq(contentReviews.articleId, id)];
    if (before) conditions.push(lt(contentReviews.id, before));
    return tx
      .select({
        id: contentReviews.id,
        versionNo: contentReviews.versionNo,
        reviewerId: contentReviews.reviewerId,
        decision: contentReviews.decision,
        notes: contentReviews.notes,
        approvalRequestId: contentReviews.approvalRequestId,
        createdAt: contentReviews.createdAt,
      })
      .from(contentReviews)
      .where(and(...conditions))
      .orderBy(desc(contentReviews.id))
      .limit(take);
  }

  private async pageReviews(tx: Tx, siteId: string, id: string, before: string | undefined, take: number): Promise<ContentReview[]> {
    const reviewId = sql<string>`(${auditLogs.metadata}->>'reviewId')::uuid`;
    const conditions: SQL[] = [
      eq(auditLogs.siteId, siteId),
      eq(auditLogs.targetType, 'page'),
      eq(auditLogs.targetId, id),
      eq(auditLogs.action, 'page.reviewed'),
      eq(auditLogs.success, true),
    ];
    if (before) conditions.push(sql`${reviewId} < ${before}::uuid`);
    const rows = await tx
      .select({ id: sql<string>`${reviewId}::text`, actor: auditLogs.actorUserId, metadata: auditLogs.metadata, createdAt: auditLogs.createdAt })
      .from(auditLogs)
      .where(and(...conditions))
      .orderBy(desc(reviewId))
      .limit(take);
    return rows.map((row) => {
      const meta = row.metadata as { versionNo?: number; decision?: Decision; notes?: string | null; approvalRequestId?: string | null };
      return {
        id: row.id,
        versionNo: meta.versionNo ?? 0,
        reviewerId: row.actor,
        decision: meta.decision ?? 'approve',
        notes: meta.notes ?? null,
        approvalRequestId: meta.approvalRequestId ?? null,
        createdAt: row.createdAt,
      };
    });
  }
}
