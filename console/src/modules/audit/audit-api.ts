import { api, type Schema, unwrap } from '../../lib/api';

export type AuditLog = Schema<'AuditLog'>;
export type ChainReport = Schema<'AuditChainReport'>;

/** Which trail a screen reads: one site's chain, or the platform's (entries with no site). */
export type AuditChain = { kind: 'site'; siteId: string } | { kind: 'platform' };

/** The filter bar's values, as kept in the URL (`?action=site.*&result=failed`). All optional. */
export interface AuditSearch {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** ISO date-times. */
  from?: string;
  to?: string;
  result?: 'succeeded' | 'failed';
  /** The entry open in the drawer. */
  entry?: string;
}

const FILTER_KEYS = ['actor', 'action', 'targetType', 'targetId', 'from', 'to', 'result', 'entry'] as const;

/** Route search validation: keeps the known keys that are non-empty strings, drops the rest. */
export function auditSearchFrom(search: Record<string, unknown>): AuditSearch {
  const out: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = search[key];
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  if (out.result !== undefined && out.result !== 'succeeded' && out.result !== 'failed') delete out.result;
  return out as AuditSearch;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The API's query for the filters (what list and export share). */
export function auditQuery(search: AuditSearch) {
  return {
    actorUserId: search.actor,
    action: search.action,
    targetType: search.targetType,
    targetId: search.targetId,
    from: search.from,
    to: search.to,
    success: search.result === undefined ? undefined : search.result === 'succeeded',
  };
}

export const auditKey = (chain: AuditChain) => ['audit-logs', chain.kind === 'site' ? chain.siteId : 'platform'] as const;

export function listAuditPage(chain: AuditChain, search: AuditSearch, cursor: string | undefined) {
  const query = { ...auditQuery(search), cursor, limit: 100 };
  return chain.kind === 'site'
    ? unwrap(api.GET('/v1/sites/{siteId}/audit-logs', { params: { path: { siteId: chain.siteId }, query } }))
    : unwrap(api.GET('/v1/audit-logs', { params: { query } }));
}

export function getAuditEntry(chain: AuditChain, auditLogId: string) {
  return chain.kind === 'site'
    ? unwrap(api.GET('/v1/sites/{siteId}/audit-logs/{auditLogId}', { params: { path: { siteId: chain.siteId, auditLogId } } }))
    : unwrap(api.GET('/v1/audit-logs/{auditLogId}', { params: { path: { auditLogId } } }));
}

export function verifyChain(chain: AuditChain) {
  return chain.kind === 'site'
    ? unwrap(api.GET('/v1/sites/{siteId}/audit-logs/verify', { params: { path: { siteId: chain.siteId } } }))
    : unwrap(api.GET('/v1/audit-logs/verify'));
}

/**
 * The export's address with the current filters. A plain link downloads it: the session cookie goes with a
 * same-origin navigation (SameSite=Strict allows that), and the server answers `Content-Disposition: attachment`.
 */
export function exportUrl(chain: AuditChain, format: 'csv' | 'ndjson', search: AuditSearch): string {
  const params = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(auditQuery(search))) if (value !== undefined) params.set(key, String(value));
  const base = chain.kind === 'site' ? `/v1/sites/${chain.siteId}` : '/v1';
  return `${base}/audit-logs/export?${params.toString()}`;
}
