import { Type } from '@sinclair/typebox';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { problemResponses as problems } from '../../kernel/http/problem.js';
import { WORKFLOW_PERMISSIONS as P } from './permissions.js';
import {
  ApprovalActionCreateSchema,
  ApprovalActionSchema,
  ApprovalRequestDetailSchema,
  ApprovalRequestListQuerySchema,
  ApprovalRequestPageSchema,
  ApprovalRequestParamsSchema,
  ApprovalRequestSchema,
} from './request-schemas.js';
import type { ApprovalRequestService } from './request-service.js';

const tags = ['Approval requests'];
const SiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });

/** /approval-requests: the inbox, one request with its history, and acting on it. */
export function approvalRequestRoutes(app: AdmiralApp, service: ApprovalRequestService): void {
  for (const schema of [ApprovalRequestSchema, ApprovalActionSchema, ApprovalRequestDetailSchema, ApprovalActionCreateSchema]) app.addSchema(schema);

  app.get(
    '/approval-requests',
    {
      config: { permission: P.approvalsRead },
      schema: {
        tags,
        operationId: 'listApprovalRequests',
        summary: 'List approval requests, newest first (actionable=true: the ones waiting for you)',
        params: SiteParams,
        querystring: ApprovalRequestListQuerySchema,
        response: { 200: ApprovalRequestPageSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => request.tenant((tx) => service.list(tx, request.siteId as string, request.principal, request.query)),
  );

  app.get(
    '/approval-requests/:requestId',
    {
      config: { permission: P.approvalsRead },
      schema: {
        tags,
        operationId: 'getApprovalRequest',
        summary: 'An approval request with its actions and its workflow’s steps',
        params: ApprovalRequestParamsSchema,
        response: { 200: Type.Ref(ApprovalRequestDetailSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => request.tenant((tx) => service.detail(tx, request.siteId as string, request.params.requestId)),
  );

  app.post(
    '/approval-requests/:requestId/actions',
    {
      // The route lets readers in; whether the caller may act on the current step is the engine's decision (403 not_an_approver).
      config: { permission: P.approvalsRead },
      schema: {
        tags,
        operationId: 'actOnApprovalRequest',
        summary: 'Approve, reject, request changes or comment; returns the request as it now stands',
        description:
          'Only people the current step names may act (403 not_an_approver); the requester may comment but not decide (403 own_submission). ' +
          'One approval per person per step (409 already_approved); a resolved request takes no more actions (409 approval_not_pending).',
        params: ApprovalRequestParamsSchema,
        body: Type.Ref(ApprovalActionCreateSchema),
        response: { 200: Type.Ref(ApprovalRequestSchema), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request) => {
      const caller = request.principal;
      if (!caller) throw new Error('an authorised route ran without a principal');
      return request.tenant((tx) => service.act(tx, request.auditActor(), caller, request.params.requestId, request.body));
    },
  );
}
