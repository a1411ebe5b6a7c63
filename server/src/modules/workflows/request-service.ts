import type { Static } from '@sinclair/typebox';
import { and, asc, desc, eq, lt, type SQL, sql } from 'drizzle-orm';
import type { AuditActor } from '../../kernel/audit/writer.js';
import type { Principal } from '../../kernel/auth/principal.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, idCursor, pageFrom } from '../../kernel/http/pagination.js';
import { notFound, unprocessable } from '../../kernel/http/problem.js';
import type { WorkflowEngine } from './engine.js';
import type { ApprovalActionCreateSchema, ApprovalRequestDetailSchema, ApprovalRequestListQuerySchema } from './request-schemas.js';
import { siteScope, workflowById } from './request-store.js';
import { approvalActions, approvalRequests, approvalWorkflows } from './schema.js';
import { currentStepActionableBy, stepAuthorityOf } from './step-authority.js';
import type { ApprovalRequest } from './types.js';

type ListQuery = Static<typeof ApprovalRequestListQuerySchema>;
type ApprovalRequestDetail = Static<typeof ApprovalRequestDetailSchema>;

/** The approval inbox and a request's page, for the routes; decisions go through the engine. */
export class ApprovalRequestService {
  constructor(private readonly engine: WorkflowEngine) {}

  /** Newest first, keyset-paginated. `actionable`: pending, someone else's, current step names the caller, not yet approved by them. */
  async list(tx: Tx, siteId: string, caller: Principal | null, query: ListQuery): Promise<{ data: ApprovalRequest[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const conditions: SQL[] = siteScope(approvalRequests.siteId, siteId);
    if (query.status) conditions.push(eq(approvalRequests.status, query.status));
    if (query.targetType) conditions.push(eq(approvalRequests.targetType, query.targetType));
    if (query.targetId) conditions.push(eq(approvalRequests.targetId, query.targetId));
    if (query.cursor) conditions.push(lt(approvalRequests.id, decodeCursor(query.cursor, '-id').id));
    if (query.actionable) {
      const userId = caller?.userId;
      if (!caller || !userId) return { data: [], nextCursor: null };
      conditions.push(
        eq(approvalRequests.status, 'pending'),
        sql`${approvalRequests.requestedBy} is distinct from ${userId}`,
        currentStepActionableBy(await stepAuthorityOf(tx, siteId, caller)),
        sql`not exists (select 1 from ${approvalActions} where ${approvalActions.approvalRequestId} = ${approvalRequests.id}
          and ${approvalActions.stepNumber} = ${approvalRequests.currentStep} and ${approvalActions.action} = 'approve'
          and ${approvalActions.actionedBy} = ${userId})`,
      );
      const rows = await tx
        .select({ request: approvalRequests })
        .from(approvalRequests)
        .innerJoin(approvalWorkflows, and(eq(approvalWorkflows.id, approvalRequests.workflowId), eq(approvalWorkflows.siteId, approvalRequests.siteId)))
        .where(and(...conditions))
        .orderBy(desc(approvalRequests.id))
        .limit(limit + 1);
      return pageFrom(
        rows.map((r) => r.request),
        limit,
        idCursor,
      );
    }
    const rows = await tx
      .select()
      .from(approvalRequests)
      .where(and(...conditions))
      .orderBy(desc(approvalRequests.id))
      .limit(limit + 1);
    return pageFrom(rows, limit, idCursor);
  }

  /** The request with its actions (oldest first) and its workflow's steps. */
  async detail(tx: Tx, siteId: string, requestId: string): Promise<ApprovalRequestDetail> {
    const [request] = await tx
      .select()
      .from(approvalRequests)
      .where(and(eq(approvalRequests.id, requestId), ...siteScope(approvalRequests.siteId, siteId)));
    if (!request) throw notFound('Approval request', `Approval request ${requestId} was not found.`);
    const [actions, workflow] = [
      await tx
        .select()
        .from(approvalActions)
        .where(and(eq(approvalActions.approvalRequestId, request.id), eq(approvalActions.siteId, request.siteId)))
        .orderBy(asc(approvalActions.id)),
      await workflowById(tx, request.siteId, request.workflowId),
    ];
    return { ...request, actions, workflow: { id: workflow.id, name: workflow.name, steps: workflow.steps } };
  }

  /** An action from the HTTP API: a comment must say something; the engine decides the rest. */
  async act(tx: Tx, actor: AuditActor, caller: Principal, requestId: string, input: Static<typeof ApprovalActionCreateSchema>): Promise<ApprovalRequest> {
    const comment = input.comment?.trim() || null;
    if (input.action === 'comment' && !comment) {
      throw unprocessable('comment_required', 'A comment needs some text.', [{ in: 'body', pointer: '/comment', detail: 'is required for a comment' }]);
    }
    return this.engine.act(tx, actor, caller, requestId, { action: input.action, comment });
  }
}
