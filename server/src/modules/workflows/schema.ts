import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, jsonb, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestampColumn } from '../../kernel/db/columns.js';
import { tenantTable } from '../../kernel/db/tenant-table.js';
import { users } from '../identity/schema.js';

/** One step of a workflow: who may act (a permission key or a role key) and how many distinct approvals it needs. */
export interface WorkflowStep {
  name: string;
  permission?: string;
  role?: string;
  approvals: number;
}

/** When a workflow applies: to which kinds of content, and (when given) only to content in one of these categories. */
export interface TriggerConditions {
  targetTypes: string[];
  categoryIds?: string[];
}

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'changes_requested', 'cancelled'] as const;
export const APPROVAL_ACTIONS = ['approve', 'reject', 'request_changes', 'comment'] as const;

/** Seed 002 APPROVAL_WORKFLOWS: ordered steps and the conditions that make a workflow apply. */
export const approvalWorkflows = tenantTable(
  'approval_workflows',
  {
    name: text('name').notNull(),
    description: text('description'),
    steps: jsonb('steps').$type<WorkflowStep[]>().notNull(),
    triggerConditions: jsonb('trigger_conditions').$type<TriggerConditions>().notNull(),
    /** Lower first when several active workflows match the same content. */
    priority: integer('priority').notNull().default(100),
    isActive: boolean('is_active').notNull().default(true),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    unique('approval_workflows_id_site_id_key').on(t.id, t.siteId),
    uniqueIndex('approval_workflows_site_name_key').on(t.siteId, t.name),
    check('approval_workflows_steps_check', sql`jsonb_typeof(${t.steps}) = 'array' and jsonb_array_length(${t.steps}) between 1 and 20`),
    check('approval_workflows_trigger_check', sql`jsonb_typeof(${t.triggerConditions}) = 'object'`),
  ],
);

/** Seed 002 APPROVAL_REQUESTS, generic over what is approved (target_type + target_id). At most one open per target. */
export const approvalRequests = tenantTable(
  'approval_requests',
  {
    workflowId: uuid('workflow_id').notNull(),
    targetType: text('target_type').notNull(),
    targetId: uuid('target_id').notNull(),
    /** The version of the content that was submitted (what the approvers saw). */
    targetVersion: integer('target_version'),
    /** A human label for inboxes (the content's title when submitted). */
    targetTitle: text('target_title'),
    currentStep: integer('current_step').notNull().default(1),
    status: text('status', { enum: APPROVAL_STATUSES }).notNull().default('pending'),
    requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
    requestedAt: timestampColumn('requested_at').notNull().default(sql`now()`),
    resolvedAt: timestampColumn('resolved_at'),
  },
  (t) => [
    foreignKey({ name: 'approval_requests_workflow_fk', columns: [t.workflowId, t.siteId], foreignColumns: [approvalWorkflows.id, approvalWorkflows.siteId] }),
    unique('approval_requests_id_site_id_key').on(t.id, t.siteId),
    uniqueIndex('approval_requests_one_open_per_target').on(t.siteId, t.targetType, t.targetId).where(sql`status = 'pending'`),
    index('approval_requests_target_idx').on(t.siteId, t.targetType, t.targetId, t.id),
    index('approval_requests_open_idx').on(t.siteId, t.id).where(sql`status = 'pending'`),
    check('approval_requests_status_check', sql`${t.status} in ('pending', 'approved', 'rejected', 'changes_requested', 'cancelled')`),
    check('approval_requests_step_check', sql`${t.currentStep} >= 1`),
    check('approval_requests_resolved_check', sql`(${t.status} = 'pending') = (${t.resolvedAt} is null)`),
  ],
);

/** Seed 002 APPROVAL_ACTIONS: every approval, rejection, change request and comment, by step. Append-only. */
export const approvalActions = tenantTable(
  'approval_actions',
  {
    approvalRequestId: uuid('approval_request_id').notNull(),
    stepNumber: integer('step_number').notNull(),
    action: text('action', { enum: APPROVAL_ACTIONS }).notNull(),
    actionedBy: uuid('actioned_by').references(() => users.id, { onDelete: 'set null' }),
    comment: text('comment'),
    actionedAt: timestampColumn('actioned_at').notNull().default(sql`now()`),
  },
  (t) => [
    foreignKey({
      name: 'approval_actions_request_fk',
      columns: [t.approvalRequestId, t.siteId],
      foreignColumns: [approvalRequests.id, approvalRequests.siteId],
    }).onDelete('cascade'),
    index('approval_actions_request_idx').on(t.approvalRequestId, t.id),
    uniqueIndex('approval_actions_one_approval_per_step').on(t.approvalRequestId, t.stepNumber, t.actionedBy).where(sql`action = 'approve'`),
    check('approval_actions_action_check', sql`${t.action} in ('approve', 'reject', 'request_changes', 'comment')`),
  ],
);
