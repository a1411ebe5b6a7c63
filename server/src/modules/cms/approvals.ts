import type { ApprovalOutcome, ApprovalRequest, ApprovalTarget, WorkflowEngine } from '../workflows/index.js';

/**
 * What the content lifecycle uses of the workflows module's engine (docs/content.md, "Module interfaces"):
 * naming the subset keeps the dependency visible and lets a test stand in for it.
 */
export type Approvals = Pick<WorkflowEngine, 'registerTarget' | 'workflowFor' | 'submit' | 'act' | 'cancel' | 'latest' | 'isApproved'>;

export type { ApprovalOutcome, ApprovalRequest, ApprovalTarget };
