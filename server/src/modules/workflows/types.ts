import type { AuditActor } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import type { APPROVAL_ACTIONS, approvalActions, approvalRequests, approvalWorkflows } from './schema.js';

export type { TriggerConditions, WorkflowStep } from './schema.js';

/** A row of approval_workflows. */
export type ApprovalWorkflow = typeof approvalWorkflows.$inferSelect;
/** A row of approval_requests. */
export type ApprovalRequest = typeof approvalRequests.$inferSelect;
/** A row of approval_actions. */
export type ApprovalAction = typeof approvalActions.$inferSelect;

export type ApprovalActionKind = (typeof APPROVAL_ACTIONS)[number];
export type ApprovalOutcome = 'approved' | 'rejected' | 'changes_requested';

/** What is submitted for approval: a piece of content, in the version the approvers will see. */
export interface ApprovalTarget {
  type: string;
  id: string;
  version: number | null;
  title: string;
  categoryIds: readonly string[];
}

/** The owner of a target type (cms for articles and pages) hears how its requests end. */
export interface ApprovalOutcomeHandler {
  /** Called in the deciding transaction when a request resolves. */
  onResolved(tx: Tx, actor: AuditActor, request: ApprovalRequest, outcome: ApprovalOutcome): Promise<void>;
  /**
   * Optional: lock the target's row (SELECT … FOR UPDATE). `act` calls it before it locks the request, so
   * locks are taken target first, request second — the order of an edit that locks its content and then
   * cancels the request — and the two cannot deadlock.
   */
  lockTarget?(tx: Tx, targetId: string): Promise<void>;
}

export interface ApprovalActionInput {
  action: ApprovalActionKind;
  comment?: string | null;
}
