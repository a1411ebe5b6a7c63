import { and, asc, countDistinct, desc, eq, or, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../../kernel/db/transaction.js';
import { isolationTesting } from '../../kernel/resources/service.js';
import { approvalActions, approvalRequests, approvalWorkflows } from './schema.js';
import type { ApprovalAction, ApprovalActionKind, ApprovalRequest, ApprovalTarget, ApprovalWorkflow } from './types.js';

/**
 * The transaction's site, as RLS reads it. The engine's methods are called with a tenant transaction and no
 * site id (cms hands over its request's transaction), so their queries name this same site explicitly.
 */
const TRANSACTION_SITE = sql`(select nullif(current_setting('app.site_id', true), '')::uuid)`;

/** The application's own site filter (wall 1; RLS is wall 2, which tests prove alone by switching this off). */
export function siteScope(column: typeof approvalRequests.siteId | typeof approvalWorkflows.siteId, siteId?: string): SQL[] {
  if (isolationTesting.skipApplicationSiteFilter) return [];
  return [siteId === undefined ? sql`${column} = ${TRANSACTION_SITE}` : eq(column, siteId)];
}

/** Locks the request (FOR UPDATE) so concurrent actions on it run one after another. */
export async function lockRequest(tx: Tx, requestId: string): Promise<ApprovalRequest | undefined> {
  const [row] = await tx
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.id, requestId), ...siteScope(approvalRequests.siteId)))
    .for('update');
  return row;
}

/** The target's newest request (ids are UUIDv7: creation order), optionally locked. */
export async function latestRequest(tx: Tx, targetType: string, targetId: string, forUpdate = false): Promise<ApprovalRequest | null> {
  const query = tx
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.targetType, targetType), eq(approvalRequests.targetId, targetId), ...siteScope(approvalRequests.siteId)))
    .orderBy(desc(approvalRequests.id))
    .limit(1);
  const [row] = await (forUpdate ? query.for('update') : query);
  return row ?? null;
}

/** A request's target, without locking (to learn what to lock first). */
export async function peekRequest(tx: Tx, requestId: string): Promise<ApprovalRequest | undefined> {
  const [row] = await tx
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.id, requestId), ...siteScope(approvalRequests.siteId)));
  return row;
}

export async function workflowById(tx: Tx, siteId: string, workflowId: string): Promise<ApprovalWorkflow> {
  const [row] = await tx
    .select()
    .from(approvalWorkflows)
    .where(and(eq(approvalWorkflows.id, workflowId), ...siteScope(approvalWorkflows.siteId, siteId)));
  // The foreign key (no action on delete) keeps a request's workflow in place.
  if (!row) throw new Error(`approval workflow ${workflowId} of a request is missing`);
  return row;
}

/**
 * The active workflow for a target: its trigger names the target's type and, when it lists categories,
 * shares at least one with the target. Lowest priority wins, then the oldest.
 */
export async function matchingWorkflow(tx: Tx, target: ApprovalTarget): Promise<ApprovalWorkflow | null> {
  const conditions = approvalWorkflows.triggerConditions;
  const [row] = await tx
    .select()
    .from(approvalWorkflows)
    .where(
      and(
        ...siteScope(approvalWorkflows.siteId),
        eq(approvalWorkflows.isActive, true),
        sql`${conditions} -> 'targetTypes' ? ${target.type}`,
        or(sql`not (${conditions} ? 'categoryIds')`, sql`${conditions} -> 'categoryIds' ?| ${sql.param([...target.categoryIds])}::text[]`),
      ),
    )
    .orderBy(asc(approvalWorkflows.priority), asc(approvalWorkflows.createdAt), asc(approvalWorkflows.id))
    .limit(1);
  return row ?? null;
}

/** Inserts the request unless one is already pending for the target (null then: the partial unique index says no). */
export async function insertRequest(
  tx: Tx,
  values: { siteId: string; workflowId: string; target: ApprovalTarget; requestedBy: string | null },
): Promise<ApprovalRequest | null> {
  const [row] = await tx
    .insert(approvalRequests)
    .values({
      siteId: values.siteId,
      workflowId: values.workflowId,
      targetType: values.target.type,
      targetId: values.target.id,
      targetVersion: values.target.version,
      targetTitle: values.target.title,
      requestedBy: values.requestedBy,
    })
    .onConflictDoNothing({
      target: [approvalRequests.siteId, approvalRequests.targetType, approvalRequests.targetId],
      where: sql`status = 'pending'`,
    })
    .returning();
  return row ?? null;
}

export async function updateRequest(
  tx: Tx,
  request: ApprovalRequest,
  values: { currentStep?: number; status?: ApprovalRequest['status']; resolved?: boolean },
): Promise<ApprovalRequest> {
  const [row] = await tx
    .update(approvalRequests)
    .set({
      ...(values.currentStep !== undefined ? { currentStep: values.currentStep } : {}),
      ...(values.status !== undefined ? { status: values.status } : {}),
      ...(values.resolved ? { resolvedAt: sql`now()` as unknown as string } : {}),
    })
    .where(and(eq(approvalRequests.id, request.id), ...siteScope(approvalRequests.siteId, request.siteId)))
    .returning();
  if (!row) throw new Error(`approval request ${request.id} vanished while locked`);
  return row;
}

export async function insertAction(
  tx: Tx,
  request: ApprovalRequest,
  values: { action: ApprovalActionKind; actionedBy: string; comment: string | null },
): Promise<ApprovalAction> {
  const [row] = await tx
    .insert(approvalActions)
    .values({ siteId: request.siteId, approvalRequestId: request.id, stepNumber: request.currentStep, ...values })
    .returning();
  return row as ApprovalAction;
}

/** Whether the user has approved this step of the request. */
export async function hasApproved(tx: Tx, request: ApprovalRequest, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: approvalActions.id })
    .from(approvalActions)
    .where(and(...approvalsOnStep(request), eq(approvalActions.actionedBy, userId)))
    .limit(1);
  return row !== undefined;
}

/** Distinct people who approved the request's current step. */
export async function approvalsOnCurrentStep(tx: Tx, request: ApprovalRequest): Promise<number> {
  const [row] = await tx
    .select({ n: countDistinct(approvalActions.actionedBy) })
    .from(approvalActions)
    .where(and(...approvalsOnStep(request)));
  return row?.n ?? 0;
}

function approvalsOnStep(request: ApprovalRequest): SQL[] {
  return [
    eq(approvalActions.siteId, request.siteId),
    eq(approvalActions.approvalRequestId, request.id),
    eq(approvalActions.stepNumber, request.currentStep),
    eq(approvalActions.action, 'approve'),
  ];
}
