import { defineModule, type ModuleDefinition, permissionCatalogEntries } from '../../kernel/module.js';
import type { WorkflowEngine } from './engine.js';
import { workflowPermissions } from './permissions.js';
import { approvalRequestRoutes } from './request-routes.js';
import { ApprovalRequestService } from './request-service.js';
import { approvalActions, approvalRequests, approvalWorkflows } from './schema.js';
import { workflowResource } from './workflow-resource.js';

export { WorkflowEngine } from './engine.js';
export { WORKFLOW_PERMISSIONS } from './permissions.js';
export { APPROVAL_ACTIONS, APPROVAL_STATUSES, approvalActions, approvalRequests, approvalWorkflows } from './schema.js';
export type {
  ApprovalAction,
  ApprovalActionInput,
  ApprovalActionKind,
  ApprovalOutcome,
  ApprovalOutcomeHandler,
  ApprovalRequest,
  ApprovalTarget,
  ApprovalWorkflow,
  TriggerConditions,
  WorkflowStep,
} from './types.js';
export { APPROVAL_TARGET_TYPES, type ApprovalTargetType } from './workflow-schemas.js';

const engines = new WeakMap<ModuleDefinition, WorkflowEngine>();

/**
 * Approval workflows, generic over what they approve: the `/workflows` resource, the approval inbox and
 * actions, and the engine other modules submit to. `modules` is the whole module list (read lazily, as it is
 * still being built): a step's permission must be one of its site-level keys.
 */
export function workflowsModule(engine: WorkflowEngine, context: { modules: () => readonly ModuleDefinition[] }): ModuleDefinition {
  let siteKeys: ReadonlySet<string> | undefined;
  const siteCatalog = () => {
    siteKeys ??= new Set(
      permissionCatalogEntries(context.modules())
        .filter((p) => p.scope === 'site')
        .map((p) => p.key),
    );
    return siteKeys;
  };
  const definition = defineModule({
    name: 'workflows',
    tables: { approvalWorkflows, approvalRequests, approvalActions },
    permissions: workflowPermissions,
    resources: [workflowResource(siteCatalog)],
    routes: {
      tenant: (app, kernel) => {
        engine.attach(kernel);
        approvalRequestRoutes(app, new ApprovalRequestService(engine));
      },
    },
  });
  engines.set(definition, engine);
  return definition;
}

/** The engine of a running module list (tests reach the app's engine this way); throws without the workflows module. */
export function workflowEngineOf(modules: readonly ModuleDefinition[]): WorkflowEngine {
  for (const module of modules) {
    const engine = engines.get(module);
    if (engine) return engine;
  }
  throw new Error('the module list has no workflows module');
}
