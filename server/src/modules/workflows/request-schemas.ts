import { type TSchema, Type } from '@sinclair/typebox';
import { PageQuerySchema, pageOf } from '../../kernel/http/pagination.js';
import { APPROVAL_ACTIONS, APPROVAL_STATUSES } from './schema.js';
import { WorkflowStepsSchema } from './workflow-schemas.js';

const Uuid = Type.String({ format: 'uuid' });
const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const TARGET_TYPE = Type.String({ pattern: '^[a-z][a-z0-9_]{0,49}$', description: 'A content type, e.g. article' });

export const ApprovalRequestSchema = Type.Object(
  {
    id: Uuid,
    siteId: Uuid,
    workflowId: Uuid,
    targetType: Type.String(),
    targetId: Uuid,
    targetVersion: Nullable(Type.Integer({ description: 'The version submitted (what the approvers judge)' })),
    targetTitle: Nullable(Type.String({ description: "The content's title when submitted" })),
    currentStep: Type.Integer({ minimum: 1, description: 'The step waiting for approvals (1-based); the last one reached once resolved' }),
    status: Type.Unsafe<(typeof APPROVAL_STATUSES)[number]>({ type: 'string', enum: [...APPROVAL_STATUSES] }),
    requestedBy: Nullable(Uuid),
    requestedAt: Timestamp,
    resolvedAt: Nullable(Type.String({ format: 'date-time', description: 'When it was approved, rejected, sent back or cancelled' })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ApprovalRequest', additionalProperties: false },
);

export const ApprovalActionSchema = Type.Object(
  {
    id: Uuid,
    siteId: Uuid,
    approvalRequestId: Uuid,
    stepNumber: Type.Integer({ minimum: 1 }),
    action: Type.Unsafe<(typeof APPROVAL_ACTIONS)[number]>({ type: 'string', enum: [...APPROVAL_ACTIONS] }),
    actionedBy: Nullable(Uuid),
    comment: Nullable(Type.String()),
    actionedAt: Timestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ApprovalAction', additionalProperties: false },
);

export const ApprovalRequestDetailSchema = Type.Object(
  {
    ...ApprovalRequestSchema.properties,
    actions: Type.Array(Type.Ref(ApprovalActionSchema), { description: 'Every approval, decision and comment, oldest first' }),
    workflow: Type.Object(
      { id: Uuid, name: Type.String(), steps: WorkflowStepsSchema },
      { additionalProperties: false, description: 'The workflow the request follows (its steps as they are now)' },
    ),
  },
  { $id: 'ApprovalRequestDetail', additionalProperties: false },
);

export const ApprovalRequestPageSchema = pageOf(Type.Ref(ApprovalRequestSchema), 'ApprovalRequest');

export const ApprovalRequestListQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    status: Type.Optional(Type.Unsafe<(typeof APPROVAL_STATUSES)[number]>({ type: 'string', enum: [...APPROVAL_STATUSES] })),
    targetType: Type.Optional(TARGET_TYPE),
    targetId: Type.Optional(Uuid),
    actionable: Type.Optional(
      Type.Boolean({
        description:
          'true: only pending requests the caller can act on now (their current step names the caller, someone else submitted them, and the caller has not approved that step yet)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ApprovalActionCreateSchema = Type.Object(
  {
    action: Type.Unsafe<(typeof APPROVAL_ACTIONS)[number]>({ type: 'string', enum: [...APPROVAL_ACTIONS] }),
    comment: Type.Optional(Type.String({ minLength: 1, maxLength: 5000, description: 'Required for comment; optional otherwise' })),
  },
  { $id: 'ApprovalActionCreate', additionalProperties: false },
);

export const ApprovalRequestParamsSchema = Type.Object({ siteId: Uuid, requestId: Uuid });
