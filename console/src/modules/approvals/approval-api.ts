import { api, type Schema, unwrap } from '../../lib/api';
import type { Page } from '../../lib/use-cursor-list';

/** Approval requests over HTTP (docs/content.md, "Workflows"): the inbox, one request with its history, acting on it. */

export type ApprovalRequest = Schema<'ApprovalRequest'>;
export type ApprovalAction = Schema<'ApprovalAction'>;
export type ApprovalRequestDetail = Schema<'ApprovalRequestDetail'>;
export type RequestStatus = ApprovalRequest['status'];
export type ActionKind = ApprovalAction['action'];

export interface RequestQuery {
  status?: RequestStatus;
  actionable?: boolean;
  targetType?: string;
  targetId?: string;
}

export const listRequests = (siteId: string, query: RequestQuery, cursor: string | undefined, limit = 50): Promise<Page<ApprovalRequest>> =>
  unwrap(api.GET('/v1/sites/{siteId}/approval-requests', { params: { path: { siteId }, query: { ...query, cursor, limit } } }));

export const getRequest = (siteId: string, requestId: string): Promise<ApprovalRequestDetail> =>
  unwrap(api.GET('/v1/sites/{siteId}/approval-requests/{requestId}', { params: { path: { siteId, requestId } } }));

export const actOn = (siteId: string, requestId: string, action: ActionKind, comment: string): Promise<ApprovalRequest> =>
  unwrap(
    api.POST('/v1/sites/{siteId}/approval-requests/{requestId}/actions', {
      params: { path: { siteId, requestId } },
      body: comment.trim() ? { action, comment: comment.trim() } : { action },
    }),
  );

export const approvalsKey = (siteId: string) => ['approval-requests', siteId] as const;
