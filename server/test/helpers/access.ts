import type { LightMyRequestResponse } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { expect } from 'vitest';
import { permissionCatalogEntries } from '../../src/kernel/module.js';
import { createModules } from '../../src/modules/index.js';
import type { TestAdmiral } from './app.js';

export interface Grant {
  key: string;
  condition: 'own' | null;
}

export interface Role {
  id: string;
  siteId: string | null;
  key: string;
  name: string;
  description: string | null;
  system: boolean;
  assignable: boolean;
  permissions: Grant[];
  createdAt: string;
  updatedAt: string;
}

export interface Membership {
  id: string;
  siteId: string;
  userId: string;
  roleId: string;
  roleKey: string;
  active: boolean;
  assignedBy: string | null;
  assignedAt: string;
  revokedBy: string | null;
  revokedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKey {
  id: string;
  siteId: string;
  name: string;
  prefix: string;
  permissions: string[];
  status: 'active' | 'expired' | 'revoked';
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdBy: string | null;
  rotatedFromId: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ApiKeyWithSecret = ApiKey & { key: string };

export interface AuditRow {
  id: string;
  site_id: string | null;
  seq: number;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  action: string;
  category: string;
  target_type: string | null;
  target_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  metadata: Record<string, unknown>;
  request_id: string | null;
}

/** The catalog the app serves, with modules and scopes. */
export const catalog = permissionCatalogEntries(createModules({}));
/** Every site-level permission key: what a site administrator holds. */
export const SITE_KEYS = catalog.filter((p) => p.scope === 'site').map((p) => p.key);

export function expectProblem(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
}

/** Inserts sites with the given ids (made before the app starts, so fixed tokens can name them). */
export async function insertSites(admiral: TestAdmiral, ...ids: string[]): Promise<void> {
  for (const id of ids)
    await admiral.db.ownerQuery('INSERT INTO sites (id, name, slug) VALUES ($1, $2, $3)', [id, `Site ${id.slice(-6)}`, `site-${id.slice(-12)}`]);
}

export async function createUser(admiral: TestAdmiral, id = uuidv7()): Promise<string> {
  await admiral.db.ownerQuery('INSERT INTO users (id, email) VALUES ($1, $2)', [id, `${id}@access.test`]);
  return id;
}

export async function auditsFor(admiral: TestAdmiral, targetId: string): Promise<AuditRow[]> {
  return (await admiral.db.ownerQuery<AuditRow>('SELECT * FROM audit_logs WHERE target_id = $1 ORDER BY site_id, seq', [targetId])).rows;
}

export async function auditCount(admiral: TestAdmiral): Promise<number> {
  return (await admiral.db.ownerQuery<{ n: number }>('SELECT count(*)::int AS n FROM audit_logs')).rows[0]?.n ?? -1;
}

/** Counts of every access table and the audit trail: a refused call must leave them all unchanged. */
export async function accessCounts(admiral: TestAdmiral): Promise<Record<string, number>> {
  const { rows } = await admiral.db.ownerQuery<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM roles) AS roles, (SELECT count(*)::int FROM roles WHERE deleted_at IS NOT NULL) AS deleted_roles,
            (SELECT count(*)::int FROM role_permissions) AS role_permissions, (SELECT count(*)::int FROM memberships) AS memberships,
            (SELECT count(*)::int FROM memberships WHERE revoked_at IS NOT NULL) AS revoked_memberships,
            (SELECT count(*)::int FROM api_keys) AS api_keys, (SELECT count(*)::int FROM api_keys WHERE revoked_at IS NOT NULL) AS revoked_api_keys,
            (SELECT count(*)::int FROM audit_logs) AS audit_logs`,
  );
  return rows[0] ?? {};
}
