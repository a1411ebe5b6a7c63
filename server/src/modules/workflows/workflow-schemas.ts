import { Type } from '@sinclair/typebox';

/**
 * The kinds of content a workflow can govern. A module that makes something else approvable adds its type
 * here (workflows' trigger conditions accept only these) and registers a handler with the engine.
 */
export const APPROVAL_TARGET_TYPES = ['article', 'page'] as const;
export type ApprovalTargetType = (typeof APPROVAL_TARGET_TYPES)[number];

/** The role key form the access module enforces (roles_key_check). */
export const ROLE_KEY_PATTERN = '^[a-z][a-z0-9_-]{1,62}$';
/** The permission key form defineModule enforces. */
const PERMISSION_KEY_PATTERN = '^[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)+$';

export const MAX_STEPS = 20;
export const MAX_APPROVALS_PER_STEP = 10;

export const WorkflowStepSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Shown to approvers, e.g. "Legal review"' }),
    permission: Type.Optional(
      Type.String({ maxLength: 100, pattern: PERMISSION_KEY_PATTERN, description: 'A site permission key, e.g. articles.review (or give role)' }),
    ),
    role: Type.Optional(Type.String({ pattern: ROLE_KEY_PATTERN, description: 'A role key, e.g. editor (or give permission)' })),
    approvals: Type.Integer({ minimum: 1, maximum: MAX_APPROVALS_PER_STEP, description: 'Distinct people who must approve this step' }),
  },
  { additionalProperties: false, description: 'Who may act on the step (exactly one of permission or role) and how many approvals it needs' },
);

export const WorkflowStepsSchema = Type.Array(WorkflowStepSchema, {
  minItems: 1,
  maxItems: MAX_STEPS,
  description: 'Ordered steps; each needs its approvals before the next begins',
});

export const TriggerConditionsSchema = Type.Object(
  {
    targetTypes: Type.Array(Type.Unsafe<ApprovalTargetType>({ type: 'string', enum: [...APPROVAL_TARGET_TYPES] }), {
      minItems: 1,
      maxItems: APPROVAL_TARGET_TYPES.length,
      uniqueItems: true,
      description: 'Kinds of content the workflow applies to',
    }),
    categoryIds: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), {
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        description: 'Only content in at least one of these categories (leave out for all content)',
      }),
    ),
  },
  { additionalProperties: false, description: 'When the workflow applies' },
);
