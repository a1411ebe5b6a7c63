import { defineModule } from '../../kernel/module.js';
import { approvalActions, approvalRequests, approvalWorkflows } from './schema.js';

export { approvalActions, approvalRequests, approvalWorkflows } from './schema.js';

/** Approval workflows, generic over what they approve. */
export function workflowsModule() {
  return defineModule({ name: 'workflows', tables: { approvalWorkflows, approvalRequests, approvalActions } });
}
