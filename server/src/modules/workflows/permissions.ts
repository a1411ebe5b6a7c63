import type { PermissionDefinition } from '../../kernel/module.js';

/** The workflows module's keys. `workflows.*` come from the resource; `approvals.read` is declared here. */
export const WORKFLOW_PERMISSIONS = {
  workflowsRead: 'workflows.read',
  workflowsCreate: 'workflows.create',
  workflowsUpdate: 'workflows.update',
  workflowsDelete: 'workflows.delete',
  approvalsRead: 'approvals.read',
} as const;

export const workflowPermissions: PermissionDefinition[] = [
  {
    key: WORKFLOW_PERMISSIONS.approvalsRead,
    description: 'See approval requests (the inbox) and act on them where a workflow step names the caller',
  },
];
