import { Type } from '@sinclair/typebox';
import type { FieldError } from '../../kernel/http/problem.js';
import { unprocessable } from '../../kernel/http/problem.js';
import { defineResource } from '../../kernel/resources/define-resource.js';
import { approvalWorkflows, type WorkflowStep } from './schema.js';
import { TriggerConditionsSchema, WorkflowStepsSchema } from './workflow-schemas.js';

/**
 * `/workflows`: approval workflows as a plain resource (workflows.read|create|update|delete). The shape of
 * steps and trigger conditions is checked by their schemas (400 with pointers); what a schema cannot know —
 * that a step names exactly one of permission or role, and that a permission exists in the catalog and can
 * be granted on a site — is checked in `normalize`, inside the write's transaction (422 with pointers).
 *
 * `siteKeys` is the site-level permission catalog, read when a workflow is written (the module list is still
 * being assembled when this is defined).
 */
export function workflowResource(siteKeys: () => ReadonlySet<string>) {
  return defineResource({
    name: 'workflow',
    plural: 'workflows',
    label: 'Workflow',
    pluralLabel: 'Workflows',
    description: 'An approval workflow: ordered steps of approvers, and the content it applies to',
    table: approvalWorkflows,
    writable: ['name', 'description', 'steps', 'triggerConditions', 'priority', 'isActive'],
    filters: ['isActive'],
    sortable: ['name', 'priority', 'createdAt'],
    search: ['name'],
    ownerColumn: 'createdBy',
    listColumns: ['name', 'priority', 'isActive', 'createdAt'],
    fieldSchemas: {
      name: Type.String({ minLength: 1, maxLength: 200 }),
      description: Type.String({ maxLength: 2000 }),
      steps: WorkflowStepsSchema,
      triggerConditions: TriggerConditionsSchema,
      priority: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Lower wins when several active workflows match the same content' }),
    },
    normalize: (values) => {
      if (Array.isArray(values.steps)) assertStepAuthorities(values.steps as WorkflowStep[], siteKeys());
      return values;
    },
    ui: { titleField: 'name', group: 'Content', labels: { triggerConditions: 'Applies to' } },
  });
}

/** Each step names exactly one of permission or role; a permission must be a site-level key of the catalog. */
export function assertStepAuthorities(steps: readonly WorkflowStep[], siteKeys: ReadonlySet<string>): void {
  const ambiguous: FieldError[] = [];
  const unknown: FieldError[] = [];
  steps.forEach((step, index) => {
    const hasPermission = step.permission !== undefined;
    if (hasPermission === (step.role !== undefined)) {
      ambiguous.push({ in: 'body', pointer: `/steps/${index}`, detail: 'must name exactly one of permission or role' });
    } else if (hasPermission && !siteKeys.has(step.permission as string)) {
      unknown.push({ in: 'body', pointer: `/steps/${index}/permission`, detail: `${step.permission} is not a permission that can be granted on a site` });
    }
  });
  if (ambiguous.length > 0) {
    throw unprocessable('step_approver_ambiguous', 'Each step must name exactly one of permission or role.', ambiguous);
  }
  if (unknown.length > 0) {
    throw unprocessable('unknown_permission', `Unknown permission ${unknown.length === 1 ? 'key' : 'keys'} in the steps.`, unknown);
  }
}
