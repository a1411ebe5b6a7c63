import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/kernel/crypto/tokens.js';
import { accessCounts, auditCount, auditsFor, createUser, expectProblem, insertSites, type Membership, type Role, SITE_KEYS } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';

let admiral: TestAdmiral;
const siteA = uuidv7();
const siteB = uuidv7();
const ADMIN = uuidv7();
const LIMITED = uuidv7();
const KEY_ID = uuidv7();
const admin = bearer('admin');
const limited = bearer('limited');
const machine = bearer('machine');

const url = (site = siteA) => `/v1/sites/${site}/memberships`;

async function grant(userId: string, role: string, headers = admin, site = siteA): Promise<Membership> {
  const res = await admiral.app.inject({ method: 'POST', url: url(site), headers, payload: { userId, role } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Membership;
}

async function revoke(id: string, headers = admin): Promise<Membership> {
  const res = await admiral.app.inject({ method: 'DELETE', url: `${url()}/${id}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Membership;
}

/** Runs SQL as the application role bound to a site, as a request's transaction is. */
async function asApp<T>(site: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: admiral.db.runtimeUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('role', 'admiral_app', true), set_config('app.site_id', $1, true)", [site]);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  admiral = await startTestAdmiral({
    tokens: {
      admin: staticPrincipal({ id: ADMIN, sites: { [siteA]: SITE_KEYS } }),
      limited: staticPrincipal({ id: LIMITED, sites: { [siteA]: ['memberships.read', 'memberships.create', 'memberships.delete', 'domains.read'] } }),
      machine: staticPrincipal({ id: KEY_ID, kind: 'api_key', sites: { [siteA]: SITE_KEYS } }),
    },
  });
  await insertSites(admiral, siteA, siteB);
});
afterAll(async () => admiral?.stop());

describe('granting', () => {
  it('grants a system role: assigned by the caller, now; audited once', async () => {
    const user = await createUser(admiral);
    const before = await auditCount(admiral);
    const started = Date.now();
    const res = await admiral.app.inject({ method: 'POST', url: url(), headers: admin, payload: { userId: user, role: 'editor' } });
    expect(res.statusCode, res.body).toBe(201);
    const membership = res.json() as Membership;
    const editor = (await admiral.db.ownerQuery<{ id: string }>("SELECT id FROM roles WHERE site_id IS NULL AND key = 'editor'")).rows[0];
    expect(membership).toMatchObject({
      siteId: siteA,
      userId: user,
      roleId: editor?.id,
      roleKey: 'editor',
      active: true,
      assignedBy: ADMIN,
      revokedAt: null,
      revokedBy: null,
    });
    expect(Date.parse(membership.assignedAt)).toBeGreaterThanOrEqual(started - 1000);
    expect(res.headers.location).toBe(`${url()}/${membership.id}`);
    expect(await auditCount(admiral)).toBe(before + 1);
    const [audit] = await auditsFor(admiral, membership.id);
    expect(audit).toMatchObject({
      site_id: siteA,
      action: 'membership.granted',
      category: 'access',
      target_type: 'membership',
      actor_user_id: ADMIN,
      before: null,
    });
    expect(audit?.after).toEqual(JSON.parse(JSON.stringify(membership)));
    const got = await admiral.app.inject({ method: 'GET', url: `${url()}/${membership.id}`, headers: admin });
    expect(got.json()).toEqual(membership);
  });

  it("grants one of the site's custom roles", async () => {
    const role = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/roles`,
      headers: admin,
      payload: { key: 'domain-reader', name: 'Domain reader', permissions: [{ key: 'domains.read' }] },
    });
    expect(role.statusCode, role.body).toBe(201);
    const membership = await grant(await createUser(admiral), 'domain-reader');
    expect(membership).toMatchObject({ roleId: (role.json() as Role).id, roleKey: 'domain-reader' });
  });

  it('an API key can grant: assigned_by is null and the audit names the key', async () => {
    const membership = await grant(await createUser(admiral), 'author', machine);
    expect(membership.assignedBy).toBeNull();
    const [audit] = await auditsFor(admiral, membership.id);
    expect(audit).toMatchObject({ actor_user_id: null, actor_api_key_id: KEY_ID });
  });

  it('refuses unknown users and roles, the super_admin role, and roles of another site (422), writing nothing', async () => {
    const user = await createUser(admiral);
    const other = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteB}/roles`,
      headers: superAdmin,
      payload: { key: 'b-only', name: 'B only', permissions: [{ key: 'domains.read' }] },
    });
    expect(other.statusCode).toBe(201);
    const before = await accessCounts(admiral);
    expectProblem(await admiral.app.inject({ method: 'POST', url: url(), headers: admin, payload: { userId: uuidv7(), role: 'editor' } }), 422, 'unknown_user');
    expectProblem(
      await admiral.app.inject({ method: 'POST', url: url(), headers: admin, payload: { userId: user, role: 'no-such-role' } }),
      422,
      'unknown_role',
    );
    expectProblem(await admiral.app.inject({ method: 'POST', url: url(), headers: admin, payload: { userId: user, role: 'b-only' } }), 422, 'unknown_role');
    expectProblem(
      await admiral.app.inject({ method: 'POST', url: url(), headers: superAdmin, payload: { userId: user, role: 'super_admin' } }),
      422,
      'role_not_assignable',
    );
    expectProblem(
      await admiral.app.inject({ method: 'POST', url: url(), headers: admin, payload: { userId: 'not-a-uuid', role: 'editor' } }),
      400,
      'validation_failed',
    );
    expect(await accessCounts(admiral)).toEqual(before);
  });

  it('allows one active membership per user and site: a second grant is 409 membership_exists', async () => {
    const user = await createUser(admiral);
    await grant(user, 'support');
    const before = await accessCounts(admiral);
    for (const role of ['support', 'admin']) {
      expectProblem(await admiral.app.inject({ method: 'POST', url: url(), headers: admin, payload: { userId: user, role } }), 409, 'membership_exists');
    }
    expect(await accessCounts(admiral)).toEqual(before);
    // The same user may hold a membership on another site.
    await grant(user, 'support', superAdmin, siteB);
  });

  it('concurrent grants to one user: exactly one wins, the rest are 409', async () => {
    const user = await createUser(admiral);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        admiral.app.inject({ method: 'POST', url: url(), headers: admin, payload: { userId: user, role: i % 2 ? 'editor' : 'analyst' } }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const res of results.filter((r) => r.statusCode === 409)) expect(res.json().code).toBe('membership_exists');
    const { rows } = await admiral.db.ownerQuery('SELECT 1 FROM memberships WHERE user_id = $1', [user]);
    expect(rows).toHaveLength(1);
  });

  it('nobody grants a role that holds more than they do (403 permission_escalation)', async () => {
    const user = await createUser(admiral);
    const before = await accessCounts(admiral);
    const res = await admiral.app.inject({ method: 'POST', url: url(), headers: limited, payload: { userId: user, role: 'admin' } });
    expectProblem(res, 403, 'permission_escalation');
    expect(await accessCounts(admiral)).toEqual(before);
    // A role within their own permissions is fine (registered grants nothing; domain-reader grants domains.read).
    await grant(user, 'domain-reader', limited);
  });
});

describe('revoking and history', () => {
  it('revokes by stamping revoked_at/by; the row stays; a second revoke is 409; audited once', async () => {
    const user = await createUser(admiral);
    const membership = await grant(user, 'analyst');
    const before = await auditCount(admiral);
    const revoked = await revoke(membership.id);
    expect(revoked).toMatchObject({ id: membership.id, active: false, revokedBy: ADMIN, userId: user, roleKey: 'analyst', assignedAt: membership.assignedAt });
    expect(revoked.revokedAt).not.toBeNull();
    expect(await auditCount(admiral)).toBe(before + 1);
    const audit = (await auditsFor(admiral, membership.id)).at(-1);
    expect(audit).toMatchObject({ action: 'membership.revoked', actor_user_id: ADMIN, metadata: { userId: user, role: 'analyst' } });
    expect(audit?.before).toEqual({ active: true, revokedAt: null, revokedBy: null });
    expect(audit?.after).toEqual({ active: false, revokedAt: revoked.revokedAt, revokedBy: ADMIN });

    const counts = await accessCounts(admiral);
    expectProblem(await admiral.app.inject({ method: 'DELETE', url: `${url()}/${membership.id}`, headers: admin }), 409, 'membership_revoked');
    expectProblem(await admiral.app.inject({ method: 'DELETE', url: `${url()}/${uuidv7()}`, headers: admin }), 404, 'not_found');
    expect(await accessCounts(admiral)).toEqual(counts);
    const stored = await admiral.db.ownerQuery('SELECT revoked_at, revoked_by FROM memberships WHERE id = $1', [membership.id]);
    expect(stored.rows[0]?.revoked_by).toBe(ADMIN);
  });

  it('a revoked user can be granted again; the list shows active ones, includeRevoked the history, userId filters', async () => {
    const user = await createUser(admiral);
    const first = await grant(user, 'editor');
    await revoke(first.id);
    const second = await grant(user, 'moderator');
    const active = await admiral.app.inject({ method: 'GET', url: `${url()}?userId=${user}`, headers: admin });
    expect((active.json() as { data: Membership[] }).data.map((m) => m.id)).toEqual([second.id]);
    const history = await admiral.app.inject({ method: 'GET', url: `${url()}?userId=${user}&includeRevoked=true`, headers: admin });
    const rows = (history.json() as { data: Membership[] }).data;
    expect(rows.map((m) => [m.id, m.roleKey, m.active])).toEqual([
      [second.id, 'moderator', true],
      [first.id, 'editor', false],
    ]);
  });

  it('pages through with a cursor, newest first', async () => {
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await grant(await createUser(admiral), 'registered')).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: string = `${url()}?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await admiral.app.inject({ method: 'GET', url: page, headers: admin });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { data: Membership[]; nextCursor: string | null };
      expect(body.data.length).toBeLessThanOrEqual(3);
      seen.push(...body.data.map((m) => m.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 7)).toEqual([...made].reverse());
    expectProblem(await admiral.app.inject({ method: 'GET', url: `${url()}?cursor=garbage`, headers: admin }), 400, 'invalid_cursor');
  });

  it('nobody revokes a membership whose role holds more than they do', async () => {
    const membership = await grant(await createUser(admiral), 'admin');
    const before = await accessCounts(admiral);
    expectProblem(await admiral.app.inject({ method: 'DELETE', url: `${url()}/${membership.id}`, headers: limited }), 403, 'permission_escalation');
    expect(await accessCounts(admiral)).toEqual(before);
  });
});

describe('the database keeps the history immutable', () => {
  it('a revoked membership never changes again, not even for the table owner', async () => {
    const membership = await grant(await createUser(admiral), 'editor');
    await revoke(membership.id);
    const stored = (await admiral.db.ownerQuery('SELECT * FROM memberships WHERE id = $1', [membership.id])).rows;
    await expect(
      asApp(siteA, (c) => c.query('UPDATE memberships SET revoked_at = NULL, revoked_by = NULL WHERE id = $1', [membership.id])),
    ).rejects.toMatchObject({
      code: '23514',
      constraint: 'memberships_history_immutable',
    });
    await expect(admiral.db.ownerQuery("UPDATE memberships SET revoked_at = now() - interval '1 day' WHERE id = $1", [membership.id])).rejects.toMatchObject({
      code: '23514',
    });
    await expect(asApp(siteA, (c) => c.query('DELETE FROM memberships WHERE id = $1', [membership.id]))).rejects.toMatchObject({ code: '42501' });
    expect((await admiral.db.ownerQuery('SELECT * FROM memberships WHERE id = $1', [membership.id])).rows).toEqual(stored);
  });

  it('an active membership changes only by being revoked (no role swap, no reassigning)', async () => {
    const membership = await grant(await createUser(admiral), 'editor');
    const adminRole = (await admiral.db.ownerQuery<{ id: string }>("SELECT id FROM roles WHERE site_id IS NULL AND key = 'admin'")).rows[0]?.id;
    await expect(asApp(siteA, (c) => c.query('UPDATE memberships SET role_id = $2 WHERE id = $1', [membership.id, adminRole]))).rejects.toMatchObject({
      code: '23514',
    });
    await expect(asApp(siteA, (c) => c.query('UPDATE memberships SET assigned_by = $2 WHERE id = $1', [membership.id, uuidv7()]))).rejects.toMatchObject({
      code: '23514',
    });
  });

  it("a membership cannot point at another site's role, even written directly", async () => {
    const user = await createUser(admiral);
    const bRole = (await admiral.db.ownerQuery<{ id: string }>("SELECT id FROM roles WHERE site_id = $1 AND key = 'b-only'", [siteB])).rows[0]?.id;
    await expect(
      asApp(siteA, (c) => c.query('INSERT INTO memberships (id, site_id, user_id, role_id) VALUES ($1, $2, $3, $4)', [uuidv7(), siteA, user, bRole])),
    ).rejects.toMatchObject({ code: '23503' });
    await expect(
      admiral.db.ownerQuery('INSERT INTO memberships (id, site_id, user_id, role_id) VALUES ($1, $2, $3, $4)', [uuidv7(), siteA, user, bRole]),
    ).rejects.toMatchObject({ code: '23503', constraint: 'memberships_role_site_check' });
  });

  it('deleting a user still removes their memberships (the cascade runs as the owner, though the app role may not delete them)', async () => {
    const user = await createUser(admiral);
    const membership = await grant(user, 'editor');
    await revoke(membership.id);
    await grant(user, 'analyst');
    await asApp(siteA, (c) => c.query('DELETE FROM users WHERE id = $1', [user]));
    expect((await admiral.db.ownerQuery('SELECT 1 FROM memberships WHERE user_id = $1', [user])).rowCount).toBe(0);
  });
});

describe('what a membership grants', () => {
  it("a signed-in member resolves to their role's permissions on that site, and to none once revoked", async () => {
    const user = await createUser(admiral);
    const token = `adms_${randomBytes(32).toString('base64url')}`;
    await admiral.db.ownerQuery(
      `INSERT INTO sessions (id, user_id, token_hash, refresh_token_hash, token_expires_at, idle_expires_at, expires_at)
       VALUES ($1, $2, $3, $4, now() + interval '1 hour', now() + interval '1 hour', now() + interval '1 day')`,
      [uuidv7(), user, sha256Hex(token), sha256Hex(`${token}-refresh`)],
    );
    const resolve = async (site: string) =>
      (
        await admiral.db.ownerQuery<{ permissions: string[]; own_permissions: string[] }>(
          'SELECT permissions, own_permissions FROM admiral_resolve_session($1, $2, 3600, false)',
          [sha256Hex(token), site],
        )
      ).rows[0];
    expect((await resolve(siteA))?.permissions).toEqual([]);
    const membership = await grant(user, 'analyst');
    const analyst = (await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/roles`, headers: admin })).json() as { data: Role[] };
    const expected = analyst.data.find((r) => r.key === 'analyst')?.permissions.map((g) => g.key) ?? [];
    expect(expected.length).toBeGreaterThan(3);
    expect((await resolve(siteA))?.permissions.sort()).toEqual([...expected].sort());
    expect((await resolve(siteB))?.permissions).toEqual([]);
    await revoke(membership.id);
    expect((await resolve(siteA))?.permissions).toEqual([]);
  });

  it('GET /v1/me lists a role that grants nothing with no permissions (not a null key)', async () => {
    const user = await createUser(admiral);
    const token = `adms_${randomBytes(32).toString('base64url')}`;
    await admiral.db.ownerQuery(
      `INSERT INTO sessions (id, user_id, token_hash, refresh_token_hash, token_expires_at, idle_expires_at, expires_at)
       VALUES ($1, $2, $3, $4, now() + interval '1 hour', now() + interval '1 hour', now() + interval '1 day')`,
      [uuidv7(), user, sha256Hex(token), sha256Hex(`${token}-refresh`)],
    );
    const created = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/roles`,
      headers: admin,
      payload: { key: 'observer', name: 'Observer', permissions: [] },
    });
    expect(created.statusCode, created.body).toBe(201);
    await grant(user, 'observer');
    const me = await admiral.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode, me.body).toBe(200);
    const site = (me.json() as { sites: { id: string; role: { key: string }; permissions: string[]; ownOnlyPermissions: string[] }[] }).sites.find(
      (s) => s.id === siteA,
    );
    expect(site).toMatchObject({ role: { key: 'observer' }, permissions: [], ownOnlyPermissions: [] });
  });
});
