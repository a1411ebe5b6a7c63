import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolationTesting } from '../src/kernel/resources/service.js';
import { type ApiKey, type ApiKeyWithSecret, accessCounts, createUser, insertSites, type Membership, type Role, SITE_KEYS } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';

let admiral: TestAdmiral;
const siteA = uuidv7();
const siteB = uuidv7();
const ADMIN_A = uuidv7();
const adminA = bearer('admin-a');

/** Site B's records, which site A's administrator must never reach. */
const b = { role: '', membership: '', apiKey: '', systemRole: '', user: '' };
let bSnapshot: unknown;
const B_MARKER = 'b-private-marker';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Call {
  route: string;
  method: Method;
  path: string;
  payload?: Record<string, unknown>;
}

/** Every access route, addressed at the given site with B's record ids. */
function callsOn(site: string): Call[] {
  const base = `/v1/sites/${site}`;
  return [
    { route: 'GET /roles', method: 'GET', path: `${base}/roles` },
    { route: 'POST /roles', method: 'POST', path: `${base}/roles`, payload: { key: 'intruder', name: 'Intruder', permissions: [] } },
    { route: 'GET /roles/:roleId', method: 'GET', path: `${base}/roles/${b.role}` },
    { route: 'PATCH /roles/:roleId', method: 'PATCH', path: `${base}/roles/${b.role}`, payload: { name: 'Hijacked' } },
    {
      route: 'PUT /roles/:roleId/permissions',
      method: 'PUT',
      path: `${base}/roles/${b.role}/permissions`,
      payload: { permissions: [{ key: 'domains.delete' }] },
    },
    { route: 'DELETE /roles/:roleId', method: 'DELETE', path: `${base}/roles/${b.role}` },
    { route: 'GET /memberships', method: 'GET', path: `${base}/memberships?includeRevoked=true` },
    { route: 'POST /memberships', method: 'POST', path: `${base}/memberships`, payload: { userId: b.user, role: 'b-private' } },
    { route: 'GET /memberships/:membershipId', method: 'GET', path: `${base}/memberships/${b.membership}` },
    { route: 'DELETE /memberships/:membershipId', method: 'DELETE', path: `${base}/memberships/${b.membership}` },
    { route: 'GET /api-keys', method: 'GET', path: `${base}/api-keys?includeRevoked=true` },
    { route: 'POST /api-keys', method: 'POST', path: `${base}/api-keys`, payload: { name: 'Intruder', permissions: ['domains.read'] } },
    { route: 'GET /api-keys/:apiKeyId', method: 'GET', path: `${base}/api-keys/${b.apiKey}` },
    { route: 'POST /api-keys/:apiKeyId/rotate', method: 'POST', path: `${base}/api-keys/${b.apiKey}/rotate` },
    { route: 'DELETE /api-keys/:apiKeyId', method: 'DELETE', path: `${base}/api-keys/${b.apiKey}` },
    { route: 'POST /memberships/:membershipId/impersonate', method: 'POST', path: `${base}/memberships/${b.membership}/impersonate`, payload: {} },
  ];
}

async function call(c: Call, headers = adminA): Promise<LightMyRequestResponse> {
  return admiral.app.inject({ method: c.method, url: c.path, headers, ...(c.payload ? { payload: c.payload } : {}) });
}

async function snapshotOfB(): Promise<unknown> {
  const q = async (sql: string) => (await admiral.db.ownerQuery(sql, [siteB])).rows;
  return {
    roles: await q('SELECT * FROM roles WHERE site_id = $1 ORDER BY id'),
    rolePermissions: await q('SELECT * FROM role_permissions WHERE site_id = $1 ORDER BY role_id, permission_key'),
    memberships: await q('SELECT * FROM memberships WHERE site_id = $1 ORDER BY id'),
    apiKeys: await q('SELECT * FROM api_keys WHERE site_id = $1 ORDER BY id'),
    systemPermissions: (await admiral.db.ownerQuery('SELECT * FROM role_permissions WHERE site_id IS NULL ORDER BY role_id, permission_key')).rows,
  };
}

/** B's ids and names never appear in A's answers (problems echo the URL the caller sent, so ids are checked on 2xx only). */
function expectNoBData(res: LightMyRequestResponse): void {
  expect(res.body).not.toContain(B_MARKER);
  if (res.statusCode < 300) for (const id of [siteB, b.role, b.membership, b.apiKey]) expect(res.body).not.toContain(id);
}

async function asApp<T>(site: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: admiral.db.runtimeUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('role', 'admiral_app', true), set_config('app.site_id', $1, true)", [site]);
    return await fn(client);
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end();
  }
}

beforeAll(async () => {
  admiral = await startTestAdmiral({ tokens: { 'admin-a': staticPrincipal({ id: ADMIN_A, sites: { [siteA]: SITE_KEYS } }) } });
  await insertSites(admiral, siteA, siteB);
  const role = await admiral.app.inject({
    method: 'POST',
    url: `/v1/sites/${siteB}/roles`,
    headers: superAdmin,
    payload: { key: 'b-private', name: B_MARKER, description: B_MARKER, permissions: [{ key: 'domains.read' }] },
  });
  expect(role.statusCode, role.body).toBe(201);
  b.role = (role.json() as Role).id;
  b.user = await createUser(admiral);
  const membership = await admiral.app.inject({
    method: 'POST',
    url: `/v1/sites/${siteB}/memberships`,
    headers: superAdmin,
    payload: { userId: b.user, role: 'b-private' },
  });
  expect(membership.statusCode, membership.body).toBe(201);
  b.membership = (membership.json() as Membership).id;
  const key = await admiral.app.inject({
    method: 'POST',
    url: `/v1/sites/${siteB}/api-keys`,
    headers: superAdmin,
    payload: { name: B_MARKER, permissions: ['domains.read'] },
  });
  expect(key.statusCode, key.body).toBe(201);
  b.apiKey = (key.json() as ApiKeyWithSecret).id;
  b.systemRole = (await admiral.db.ownerQuery<{ id: string }>("SELECT id FROM roles WHERE site_id IS NULL AND key = 'editor'")).rows[0]?.id ?? '';
  // Site A has its own rows too, so its lists are not trivially empty.
  await admiral.app.inject({
    method: 'POST',
    url: `/v1/sites/${siteA}/roles`,
    headers: adminA,
    payload: { key: 'a-role', name: 'A role', permissions: [{ key: 'domains.read' }] },
  });
  await admiral.app.inject({
    method: 'POST',
    url: `/v1/sites/${siteA}/memberships`,
    headers: adminA,
    payload: { userId: await createUser(admiral), role: 'a-role' },
  });
  await admiral.app.inject({ method: 'POST', url: `/v1/sites/${siteA}/api-keys`, headers: adminA, payload: { name: 'A key', permissions: ['domains.read'] } });
  bSnapshot = await snapshotOfB();
});
afterAll(async () => {
  isolationTesting.skipApplicationSiteFilter = false;
  await admiral?.stop();
});

describe("site A's administrator against site B", () => {
  it('the calls below cover every access route', () => {
    const ours = new Set(callsOn(siteA).map((c) => c.route));
    const registered = admiral.routes
      .filter((r) => /^\/v1\/sites\/:siteId\/(roles|memberships|api-keys)/.test(r.url))
      .map((r) => `${r.method} ${r.url.replace('/v1/sites/:siteId', '')}`);
    expect(registered.length).toBeGreaterThanOrEqual(15);
    for (const route of registered.filter((r) => !r.startsWith('HEAD '))) expect(ours.has(route), route).toBe(true);
  });

  it("gets 403 on every route of B's own path, and nothing changes", async () => {
    const before = await accessCounts(admiral);
    for (const c of callsOn(siteB)) {
      const res = await call(c);
      expect(res.statusCode, `${c.route} ${res.body}`).toBe(403);
      expect(res.json().code).toBe('permission_denied');
      expectNoBData(res);
    }
    expect(await accessCounts(admiral)).toEqual(before);
    expect(await snapshotOfB()).toEqual(bSnapshot);
  });

  it("gets 404 (or a refusal) for B's records through A's path, never B's data, and B is untouched", async () => {
    for (const c of callsOn(siteA)) {
      const res = await call(c);
      if (['GET /roles', 'GET /memberships', 'GET /api-keys'].includes(c.route)) expect(res.statusCode, c.route).toBe(200);
      else if (c.route === 'POST /memberships') expect(res.json().code, c.route).toBe('unknown_role');
      else if (c.route.startsWith('POST /roles') || c.route === 'POST /api-keys') expect(res.statusCode, c.route).toBe(201);
      else expect(res.statusCode, `${c.route} ${res.body}`).toBe(404);
      expectNoBData(res);
    }
    expect(await snapshotOfB()).toEqual(bSnapshot);
  });

  it("lists show A's rows and the system roles only", async () => {
    const roles = ((await call(callsOn(siteA)[0] as Call)).json() as { data: Role[] }).data;
    expect(roles.every((r) => r.siteId === null || r.siteId === siteA)).toBe(true);
    expect(roles.some((r) => r.id === b.systemRole)).toBe(true);
    expect(roles.some((r) => r.key === 'a-role')).toBe(true);
    const memberships = ((await call(callsOn(siteA)[6] as Call)).json() as { data: Membership[] }).data;
    expect(memberships.length).toBeGreaterThan(0);
    expect(memberships.every((m) => m.siteId === siteA)).toBe(true);
    const keys = ((await call(callsOn(siteA)[10] as Call)).json() as { data: ApiKey[] }).data;
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.siteId === siteA)).toBe(true);
  });
});

describe('row-level security alone', () => {
  it('with the application site filter off, B stays invisible and untouchable through every route; system roles stay visible', async () => {
    isolationTesting.skipApplicationSiteFilter = true;
    try {
      for (const c of callsOn(siteA).filter((x) => x.method !== 'POST' || x.route.includes('rotate'))) {
        const res = await call(c);
        if (c.method === 'GET' && !c.path.includes(b.role) && !c.path.includes(b.membership) && !c.path.includes(b.apiKey)) {
          expect(res.statusCode, c.route).toBe(200);
        } else {
          expect(res.statusCode, `${c.route} ${res.body}`).toBe(404);
        }
        expectNoBData(res);
      }
      const roles = ((await call(callsOn(siteA)[0] as Call)).json() as { data: Role[] }).data;
      expect(roles.filter((r) => r.system)).toHaveLength(9);
      expect(roles.every((r) => r.siteId === null || r.siteId === siteA)).toBe(true);
      const editor = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/roles/${b.systemRole}`, headers: adminA });
      expect(editor.statusCode).toBe(200);
    } finally {
      isolationTesting.skipApplicationSiteFilter = false;
    }
    expect(await snapshotOfB()).toEqual(bSnapshot);
  });

  it('SQL as the application role bound to A reads only A and the system roles, with no WHERE clause', async () => {
    await asApp(siteA, async (c) => {
      const sites = async (table: string) => (await c.query<{ site_id: string | null }>(`SELECT DISTINCT site_id FROM ${table}`)).rows.map((r) => r.site_id);
      expect(await sites('memberships')).toEqual([siteA]);
      expect(await sites('api_keys')).toEqual([siteA]);
      expect((await sites('roles')).sort()).toEqual([siteA, null].sort());
      expect((await sites('role_permissions')).sort()).toEqual([siteA, null].sort());
      expect((await c.query('SELECT 1 FROM roles WHERE id = $1', [b.role])).rowCount).toBe(0);
    });
  });

  it('SQL as the application role bound to A cannot write B or the system roles', async () => {
    const attempts: Array<[string, (c: pg.Client) => Promise<unknown>, string | number]> = [
      ['insert a role for B', (c) => c.query("INSERT INTO roles (id, site_id, key, name) VALUES ($1, $2, 'evil', 'Evil')", [uuidv7(), siteB]), '42501'],
      ['insert a system role', (c) => c.query("INSERT INTO roles (id, site_id, key, name) VALUES ($1, NULL, 'evil', 'Evil')", [uuidv7()]), '42501'],
      ['rename B role', (c) => c.query("UPDATE roles SET name = 'x' WHERE id = $1", [b.role]), 0],
      ['rename a system role', (c) => c.query("UPDATE roles SET name = 'x' WHERE id = $1", [b.systemRole]), 0],
      ['delete a system role', (c) => c.query('DELETE FROM roles WHERE id = $1', [b.systemRole]), 0],
      ['strip system permissions', (c) => c.query('DELETE FROM role_permissions WHERE site_id IS NULL'), 0],
      // A row of A's naming a system role would grant on every site: the (role_id, site_id) reference refuses it.
      [
        'add to a system role under A',
        (c) => c.query("INSERT INTO role_permissions (role_id, site_id, permission_key) VALUES ($1, $2, 'domains.delete')", [b.systemRole, siteA]),
        '23503',
      ],
      [
        "add to B's role under A",
        (c) => c.query("INSERT INTO role_permissions (role_id, site_id, permission_key) VALUES ($1, $2, 'domains.delete')", [b.role, siteA]),
        '23503',
      ],
      ['revoke B membership', (c) => c.query('UPDATE memberships SET revoked_at = now() WHERE id = $1', [b.membership]), 0],
      ['revoke B key', (c) => c.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [b.apiKey]), 0],
    ];
    for (const [label, attempt, expected] of attempts) {
      if (typeof expected === 'number') {
        const result = (await asApp(siteA, attempt)) as { rowCount: number };
        expect(result.rowCount, label).toBe(expected);
      } else {
        await expect(asApp(siteA, attempt), label).rejects.toMatchObject({ code: expected });
      }
    }
    expect(await snapshotOfB()).toEqual(bSnapshot);
  });

  it('a platform transaction (no site) sees the system roles and no tenant rows', async () => {
    await asApp('', async (c) => {
      expect((await c.query('SELECT 1 FROM memberships')).rowCount).toBe(0);
      expect((await c.query('SELECT 1 FROM api_keys')).rowCount).toBe(0);
      const roles = await c.query<{ site_id: string | null }>('SELECT site_id FROM roles');
      expect(roles.rows.length).toBe(9);
      expect(roles.rows.every((r) => r.site_id === null)).toBe(true);
    });
  });
});
