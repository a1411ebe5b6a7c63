import { defineModule } from '../../kernel/module.js';
import type { WorkflowEngine } from './engine.js';
import { approvalActions, approvalRequests, approvalWorkflows } from './schema.js';

export { WorkflowEngine } from './engine.js';
export { approvalActions, approvalRequests, approvalWorkflows } from './schema.js';

/** Approval workflows, generic over what they approve. */
export function workflowsModule(_engine: WorkflowEngine) {
  return defineModule({ name: 'workflows', tables: { approvalWorkflows, approvalRequests, approvalActions } });
}
