import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { expect } from 'vitest';
import { insertSites } from './access.js';
import { bearer, superAdmin, type TestAdmiral } from './app.js';
import { createUser, signInOk } from './identity.js';

/** A real user with a real membership (system role) on a site, signed in. */
export interface Member {
  id: string;
  headers: Record<string, string>;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A new site (inserted as the owner, as tests do before the app knows it). */
export async function newSite(admiral: TestAdmiral): Promise<string> {
  const id = uuidv7();
  await insertSites(admiral, id);
  return id;
}

/** Creates a user, grants `role` on each site through the memberships API, and signs them in. */
export async function member(admiral: TestAdmiral, role: string, ...sites: string[]): Promise<Member> {
  const user = await createUser(admiral);
  for (const site of sites) {
    const granted = await admiral.app.inject({ method: 'POST', url: `/v1/sites/${site}/memberships`, headers: superAdmin, payload: { userId: user.id, role } });
    expect(granted.statusCode, granted.body).toBe(201);
  }
  const { token } = await signInOk(admiral, user);
  return { id: user.id, headers: bearer(token) };
}

/** One request to a site's API as `who`, with optional body and extra headers (If-Match). */
export function call(
  admiral: TestAdmiral,
  who: { headers: Record<string, string> },
  method: Method,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return admiral.app.inject({
    method,
    url,
    headers: { ...who.headers, ...headers },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

export function expectStatus(res: LightMyRequestResponse, status: number): void {
  expect(res.statusCode, res.body).toBe(status);
}

export function expectProblem(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
}

/** The actions of a target's audit rows, oldest first (as the owner sees them). */
export async function auditActions(admiral: TestAdmiral, targetId: string): Promise<string[]> {
  const { rows } = await admiral.db.ownerQuery<{ action: string }>('SELECT action FROM audit_logs WHERE target_id = $1 ORDER BY site_id, seq', [targetId]);
  return rows.map((r) => r.action);
}

export interface AuditRecord {
  action: string;
  actor_user_id: string | null;
  site_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  metadata: Record<string, unknown>;
}

export async function auditRecords(admiral: TestAdmiral, targetId: string, action?: string): Promise<AuditRecord[]> {
  const { rows } = await admiral.db.ownerQuery<AuditRecord>(
    `SELECT action, actor_user_id, site_id, before, after, metadata FROM audit_logs WHERE target_id = $1 ${action ? 'AND action = $2' : ''} ORDER BY site_id, seq`,
    action ? [targetId, action] : [targetId],
  );
  return rows;
}

/** Row counts of the content tables and the audit trail: a refused call must leave them all unchanged. */
export async function contentCounts(admiral: TestAdmiral): Promise<Record<string, number>> {
  const { rows } = await admiral.db.ownerQuery<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM articles) AS articles, (SELECT count(*)::int FROM article_versions) AS article_versions,
            (SELECT count(*)::int FROM article_categories) AS article_categories, (SELECT count(*)::int FROM article_tags) AS article_tags,
            (SELECT count(*)::int FROM pages) AS pages, (SELECT count(*)::int FROM page_versions) AS page_versions,
            (SELECT count(*)::int FROM seo_metadata) AS seo_metadata, (SELECT count(*)::int FROM content_reviews) AS content_reviews,
            (SELECT count(*)::int FROM approval_requests) AS approval_requests, (SELECT count(*)::int FROM audit_logs) AS audit_logs`,
  );
  return rows[0] ?? {};
}

/** A category or tag made through its resource API. */
export async function term(admiral: TestAdmiral, site: string, kind: 'categories' | 'tags', slug: string): Promise<string> {
  const res = await admiral.app.inject({ method: 'POST', url: `/v1/sites/${site}/${kind}`, headers: superAdmin, payload: { name: slug, slug } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** An approval workflow through the workflows API, made by a site admin: one step of `approvals` holders of `permission`. */
export async function workflow(
  admiral: TestAdmiral,
  admin: Member,
  site: string,
  targetTypes: string[],
  options: { permission?: string; approvals?: number; categoryIds?: string[]; name?: string } = {},
): Promise<string> {
  const res = await admiral.app.inject({
    method: 'POST',
    url: `/v1/sites/${site}/workflows`,
    headers: admin.headers,
    payload: {
      name: options.name ?? `Review ${uuidv7().slice(-8)}`,
      steps: [{ name: 'Editorial review', permission: options.permission ?? `${targetTypes[0]}s.review`, approvals: options.approvals ?? 1 }],
      triggerConditions: { targetTypes, ...(options.categoryIds ? { categoryIds: options.categoryIds } : {}) },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

let slugCounter = 0;
/** A slug no other test in the file uses. */
export const uniqueSlug = (prefix = 'post') => `${prefix}-${Date.now().toString(36)}-${++slugCounter}`;

/** Runs one query as the application role bound to a site (as a request's transaction is), with no site filter of its own. */
export async function asApp<R extends pg.QueryResultRow>(admiral: TestAdmiral, site: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: admiral.db.runtimeUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('role', 'admiral_app', true), set_config('app.site_id', $1, true)", [site]);
    const { rows } = await client.query<R>(text, values);
    await client.query('COMMIT');
    return rows;
  } finally {
    await client.end();
  }
}
