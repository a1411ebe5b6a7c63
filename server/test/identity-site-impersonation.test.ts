import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ROLES, systemRoleGrants } from '../src/modules/access/system-roles.js';
import { catalog, expectProblem, insertSites } from './helpers/access.js';
import { bearer, startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';
import { createUser, me, NO_RATE_LIMITS, signIn, signInOk, type TestUser } from './helpers/identity.js';

/** A site administrator impersonates a member of their site: the session works there and nowhere else. */

let admiral: TestAdmiral;
const siteA = uuidv7();
const siteB = uuidv7();
const SAME_ORIGIN = { origin: 'http://localhost:80', host: 'localhost:80' };

beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
  await insertSites(admiral, siteA, siteB);
});
afterAll(async () => admiral?.stop());

async function grant(user: TestUser, role: string, site = siteA): Promise<string> {
  const res = await admiral.app.inject({ method: 'POST', url: `/v1/sites/${site}/memberships`, headers: superAdmin, payload: { userId: user.id, role } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** A signed-in person with a role on site A (and optionally others), and their bearer token. */
async function member(role: string, elsewhere: Record<string, string> = {}) {
  const user = await createUser(admiral);
  const membershipId = await grant(user, role);
  for (const [site, other] of Object.entries(elsewhere)) await grant(user, other, site);
  return { user, membershipId, token: (await signInOk(admiral, user)).token };
}

const impersonate = (token: string, membershipId: string, site = siteA, payload: object = {}) =>
  admiral.app.inject({ method: 'POST', url: `/v1/sites/${site}/memberships/${membershipId}/impersonate`, headers: bearer(token), payload });

const get = (token: string, url: string) => admiral.app.inject({ method: 'GET', url, headers: bearer(token) });

async function siteAudit(site: string, action: string, targetId: string) {
  const { rows } = await admiral.db.ownerQuery<{ site_id: string | null; actor_user_id: string; impersonator_user_id: string | null; metadata: object }>(
    'SELECT site_id, actor_user_id, impersonator_user_id, metadata FROM audit_logs WHERE action = $1 AND target_id = $2 ORDER BY seq',
    [action, targetId],
  );
  return rows.filter((r) => r.site_id === site);
}

describe('site-bound impersonation', () => {
  it('acts with the member’s permissions on the site, holds nothing on their other sites, and is audited on the site’s chain', async () => {
    const admin = await member('admin');
    const target = await member('analyst', { [siteB]: 'analyst' });

    const started = await impersonate(admin.token, target.membershipId);
    expect(started.statusCode, started.body).toBe(200);
    expect(started.headers['cache-control']).toBe('no-store');
    const { token, expiresAt } = started.json() as { token: string; expiresAt: string };
    const { rows } = await admiral.db.ownerQuery<{ impersonated_by: string; impersonation_site_id: string; lifetime: number }>(
      'SELECT impersonated_by, impersonation_site_id, extract(epoch FROM expires_at - created_at)::int AS lifetime FROM sessions WHERE user_id = $1 AND impersonated_by IS NOT NULL',
      [target.user.id],
    );
    expect(rows).toEqual([{ impersonated_by: admin.user.id, impersonation_site_id: siteA, lifetime: 30 * 60 }]);
    expect(Date.parse(expiresAt)).toBeLessThanOrEqual(Date.now() + 30 * 60 * 1000);

    // On A: the analyst's reads work, an admin-only change does not (the member's permissions, not the admin's).
    expect((await get(token, `/v1/sites/${siteA}/memberships`)).statusCode).toBe(200);
    const change = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/roles`,
      headers: bearer(token),
      payload: { key: 'sneaky', name: 'Sneaky', permissions: [] },
    });
    expectProblem(change, 403, 'permission_denied');
    // On B the member's own session reads; the impersonation is refused there, for reads and for joining alike.
    expect((await get(target.token, `/v1/sites/${siteB}/memberships`)).statusCode).toBe(200);
    expectProblem(await get(token, `/v1/sites/${siteB}/memberships`), 403, 'impersonation_site_bound');
    const join = await admiral.app.inject({ method: 'POST', url: `/v1/sites/${siteB}/join`, headers: bearer(token), payload: {} });
    expectProblem(join, 403, 'impersonation_site_bound');

    // /v1/me lists site A only (the member's own session lists both) and names the impersonator.
    const who = (await me(admiral, token)).json();
    expect(who).toMatchObject({ user: { id: target.user.id }, impersonatedBy: admin.user.id });
    expect(who.sites.map((s: { id: string }) => s.id)).toEqual([siteA]);
    expect(who.sites[0].role.key).toBe('analyst');
    const own = (await me(admiral, target.token)).json();
    expect(own.sites.map((s: { id: string }) => s.id).sort()).toEqual([siteA, siteB].sort());

    // Both identities on A's chain: the start (by the admin) and what the impersonation does.
    expect(await siteAudit(siteA, 'auth.impersonation_started', target.user.id)).toEqual([
      { site_id: siteA, actor_user_id: admin.user.id, impersonator_user_id: admin.user.id, metadata: expect.objectContaining({ siteBound: true }) },
    ]);
    const made = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/memberships`,
      headers: bearer(token),
      payload: { userId: (await createUser(admiral)).id, role: 'guest' },
    });
    expectProblem(made, 403, 'permission_denied');
    const ended = await admiral.app.inject({ method: 'POST', url: '/v1/auth/impersonation/end', headers: bearer(token), payload: {} });
    expect(ended.json()).toEqual({ restored: false, userId: null });
    expect(await siteAudit(siteA, 'auth.impersonation_ended', target.user.id)).toEqual([
      { site_id: siteA, actor_user_id: target.user.id, impersonator_user_id: admin.user.id, metadata: expect.objectContaining({ restored: false }) },
    ]);
    expect((await get(token, `/v1/sites/${siteA}/memberships`)).statusCode).toBe(401);
  });

  it('records what the impersonation changes with both identities on the site’s chain', async () => {
    const admin = await member('admin');
    const target = await member('admin', { [siteB]: 'admin' });
    const { token } = (await impersonate(admin.token, target.membershipId)).json();
    const guest = await createUser(admiral);
    const made = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/memberships`,
      headers: bearer(token),
      payload: { userId: guest.id, role: 'guest' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const { rows } = await admiral.db.ownerQuery('SELECT site_id, actor_user_id, impersonator_user_id FROM audit_logs WHERE action = $1 AND target_id = $2', [
      'membership.granted',
      made.json().id,
    ]);
    expect(rows).toEqual([{ site_id: siteA, actor_user_id: target.user.id, impersonator_user_id: admin.user.id }]);
    // The target is an admin of B too: the impersonation still reaches nothing there.
    const onB = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteB}/memberships`,
      headers: bearer(token),
      payload: { userId: guest.id, role: 'guest' },
    });
    expectProblem(onB, 403, 'impersonation_site_bound');
    // No nesting: the impersonated admin cannot impersonate in turn.
    const other = await member('guest');
    expectProblem(await impersonate(token, other.membershipId), 403, 'nested_impersonation');
  });

  it('the console switches its cookie and keeps the admin’s session, as the platform route does', async () => {
    const admin = await member('admin');
    const target = await member('editor');
    const signedIn = await signIn(admiral, { email: admin.user.email, password: admin.user.password, cookie: true });
    const adminCookie = /__Host-admiral_session=([^;]+)/.exec(String(signedIn.headers['set-cookie']))?.[1] as string;
    const res = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/memberships/${target.membershipId}/impersonate`,
      headers: { cookie: `__Host-admiral_session=${adminCookie}`, ...SAME_ORIGIN },
      payload: { cookie: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    const cookies = [res.headers['set-cookie']].flat().map(String);
    expect(cookies[0]).toBe(`__Host-admiral_session=${res.json().token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${30 * 60}`);
    expect(cookies[1]).toMatch(new RegExp(`^__Host-admiral_origin=${adminCookie}; `));
    // cookie: true needs a cookie session.
    expectProblem(await impersonate(admin.token, target.membershipId, siteA, { cookie: true }), 400, 'cookie_session_required');
  });

  it('refuses: no permission, a role beyond the caller’s, super admins, oneself, other sites’ and revoked memberships', async () => {
    const admin = await member('admin');
    const analyst = await member('analyst');
    const target = await member('analyst', { [siteB]: 'admin' });
    const before = (await admiral.db.ownerQuery<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE impersonated_by IS NOT NULL')).rows[0]?.n;

    expectProblem(await impersonate(analyst.token, target.membershipId), 403, 'permission_denied');

    // A custom role that may impersonate but holds less than an analyst.
    const role = await admiral.app.inject({
      method: 'POST',
      url: `/v1/sites/${siteA}/roles`,
      headers: superAdmin,
      payload: { key: 'helpdesk', name: 'Helpdesk', permissions: [{ key: 'members.impersonate' }, { key: 'memberships.read' }] },
    });
    expect(role.statusCode, role.body).toBe(201);
    const helpdesk = await member('helpdesk');
    const escalation = await impersonate(helpdesk.token, target.membershipId);
    expectProblem(escalation, 403, 'permission_escalation');
    // …but a member whose role grants nothing beyond it is fine.
    const guest = await member('guest');
    expect((await impersonate(helpdesk.token, guest.membershipId)).statusCode).toBe(200);

    const boss = await createUser(admiral, { isSuperAdmin: true });
    expectProblem(await impersonate(admin.token, await grant(boss, 'guest')), 403, 'cannot_impersonate_super_admin');
    expectProblem(await impersonate(admin.token, admin.membershipId), 422, 'cannot_impersonate_self');

    // The target's membership on B is not reachable through A (and A's admin holds nothing on B).
    const { rows } = await admiral.db.ownerQuery<{ id: string }>('SELECT id FROM memberships WHERE user_id = $1 AND site_id = $2', [target.user.id, siteB]);
    const onB = rows[0]?.id as string;
    expectProblem(await impersonate(admin.token, onB), 404, 'not_found');
    expectProblem(await impersonate(admin.token, onB, siteB), 403, 'permission_denied');

    const revoked = await member('guest');
    expect(
      (await admiral.app.inject({ method: 'DELETE', url: `/v1/sites/${siteA}/memberships/${revoked.membershipId}`, headers: superAdmin })).statusCode,
    ).toBe(200);
    expectProblem(await impersonate(admin.token, revoked.membershipId), 409, 'membership_revoked');

    const after = (await admiral.db.ownerQuery<{ n: number }>('SELECT count(*)::int AS n FROM sessions WHERE impersonated_by IS NOT NULL')).rows[0]?.n;
    expect(after).toBe((before ?? 0) + 1);
  });
});

describe('members.impersonate in the system roles', () => {
  it('is a site permission that only admin (and super_admin) receive', () => {
    const entry = catalog.find((p) => p.key === 'members.impersonate');
    expect(entry).toMatchObject({ scope: 'site', module: 'access' });
    const holders = SYSTEM_ROLES.filter((role) => systemRoleGrants(role, catalog).some((g) => g.key === 'members.impersonate')).map((r) => r.key);
    expect(holders).toEqual(['admin', 'super_admin']);
  });
});
