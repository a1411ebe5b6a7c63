import { eq, gte, isNull, like, lt, type SQL } from 'drizzle-orm';
import { auditLogs } from '../../kernel/audit/schema.js';
import { escapeLike } from '../../kernel/db/like.js';
import { type Cursor, decodeCursor, encodeCursor } from '../../kernel/http/pagination.js';
import { badRequest } from '../../kernel/http/problem.js';
import { isolationTesting } from '../../kernel/resources/service.js';
import type { AuditFilters } from './schemas.js';

/** Which chain a query reads: one site's (siteId), or the platform chain (null). */
export interface AuditScope {
  siteId: string | null;
}

const SORT = '-seq';

/**
 * The chain's rows. For a site this is the application's own filter (wall 1; RLS is wall 2, and tests switch
 * this one off through `isolationTesting.skipApplicationSiteFilter` to prove RLS alone keeps sites apart).
 */
export function chainConditions(scope: AuditScope): SQL[] {
  if (scope.siteId === null) return [isNull(auditLogs.siteId)];
  return isolationTesting.skipApplicationSiteFilter ? [] : [eq(auditLogs.siteId, scope.siteId)];
}

/** `domain.created` matches exactly; `domain.*` matches every action starting with `domain.`. */
export function actionCondition(action: string): SQL {
  return action.endsWith('*') ? like(auditLogs.action, `${escapeLike(action.slice(0, -1))}%`) : eq(auditLogs.action, action);
}

/** The query's filters as conditions (every one narrows; absent ones do not apply). */
export function filterConditions(filters: AuditFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.actorUserId !== undefined) conditions.push(eq(auditLogs.actorUserId, filters.actorUserId));
  if (filters.actorApiKeyId !== undefined) conditions.push(eq(auditLogs.actorApiKeyId, filters.actorApiKeyId));
  if (filters.action !== undefined) conditions.push(actionCondition(filters.action));
  if (filters.category !== undefined) conditions.push(eq(auditLogs.category, filters.category));
  if (filters.targetType !== undefined) conditions.push(eq(auditLogs.targetType, filters.targetType));
  if (filters.targetId !== undefined) conditions.push(eq(auditLogs.targetId, filters.targetId));
  if (filters.success !== undefined) conditions.push(eq(auditLogs.success, filters.success));
  if (filters.from !== undefined) conditions.push(gte(auditLogs.createdAt, filters.from));
  if (filters.to !== undefined) conditions.push(lt(auditLogs.createdAt, filters.to));
  return conditions;
}

/**
 * Pages run over seq, descending: unique within a chain and never reused (the table is append-only), so a
 * cursor is stable — rows written while a client pages through land before its first page, never between.
 */
export function encodeSeqCursor(row: { seq: number; id: string }): string {
  return encodeCursor({ sort: SORT, value: row.seq, id: row.id });
}

export function decodeSeqCursor(raw: string): number {
  const cursor: Cursor = decodeCursor(raw, SORT);
  if (typeof cursor.value !== 'number' || !Number.isSafeInteger(cursor.value) || cursor.value < 1) {
    throw badRequest('invalid_cursor', 'The cursor is not one this server issued.');
  }
  return cursor.value;
}
