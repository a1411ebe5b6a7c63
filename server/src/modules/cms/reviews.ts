import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Principal } from '../../kernel/auth/principal.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, idCursor, pageFrom } from '../../kernel/http/pagination.js';
import { conflict, forbidden } from '../../kernel/http/problem.js';
import type { Approvals } from './approvals.js';
import { auditContent, stateSummary } from './content-audit.js';
import type { ContentKind, ContentReview, ContentState, ContentStatus } from './content-types.js';
import { lockOrNotFound } from './kinds.js';
import { articles, contentReviews, pages } from './schema.js';

type Decision = ContentReview['decision'];

/** Without a workflow, the one review decision moves the content itself. */
const STATUS_OF_DECISION: Record<Decision, ContentStatus> = { approve: 'approved', reject: 'draft', request_changes: 'changes_requested' };

/**
 * Review decisions. With an open approval request the decision is an action on it (the engine counts approvals
 * and resolves); without one, a single decision by a holder of `*.review` settles it. Either way nobody
 * reviews their own submission. Decisions on articles and pages alike are kept in content_reviews.
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
    return review;
  }

  async list(tx: Tx, kind: ContentKind, siteId: string, id: string, query: { limit?: number; cursor?: string }) {
    await kind.read(tx, siteId, id);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const before = query.cursor ? decodeCursor(query.cursor, '-id').id : undefined;
    const rows = await this.reviewsOf(tx, kind, siteId, id, before, limit + 1);
    return pageFrom(rows, limit, idCursor);
  }

  /** Who submitted the content for the review now open (recorded on submit; null for an API key). */
  private async lastSubmitter(tx: Tx, kind: ContentKind, siteId: string, id: string): Promise<string | null> {
    const table = kind.type === 'article' ? articles : pages;
    const [row] = await tx
      .select({ submittedBy: table.submittedBy })
      .from(table)
      .where(and(eq(table.siteId, siteId), eq(table.id, id)));
    return row?.submittedBy ?? null;
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
    const target = kind.type === 'article' ? { articleId: state.id } : { pageId: state.id };
    const [row] = await tx
      .insert(contentReviews)
      .values({ siteId: state.siteId, ...target, ...values })
      .returning({ id: contentReviews.id, createdAt: contentReviews.createdAt });
    const inserted = row as { id: string; createdAt: string };
    return { id: inserted.id, ...values, createdAt: inserted.createdAt };
  }

  private async reviewsOf(tx: Tx, kind: ContentKind, siteId: string, id: string, before: string | undefined, take: number): Promise<ContentReview[]> {
    const target = kind.type === 'article' ? eq(contentReviews.articleId, id) : eq(contentReviews.pageId, id);
    const conditions: SQL[] = [eq(contentReviews.siteId, siteId), target];
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
}
