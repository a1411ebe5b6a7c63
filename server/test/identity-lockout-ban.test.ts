import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/kernel/audit/writer.js';
import { bearer, startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';
import { auditRows, createUser, me, NO_RATE_LIMITS, signIn, signInOk, strongPassword } from './helpers/identity.js';

let admiral: TestAdmiral;
beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
});
afterAll(async () => admiral?.stop());

/** The lockout columns, the lock's end in epoch ms. */
const lockState = async (userId: string) => {
  const { rows } = await admiral.db.ownerQuery<{ failed_sign_ins: number; locked_until: number | null }>(
    'SELECT failed_sign_ins, (extract(epoch FROM locked_until) * 1000)::float8 AS locked_until FROM users WHERE id = $1',
    [userId],
  );
  const row = rows[0] as { failed_sign_ins: number; locked_until: number | null };
  return { failed_sign_ins: row.failed_sign_ins, locked_until: row.locked_until === null ? null : Number(row.locked_until) };
};

describe('lockout with backoff', () => {
  it('locks after 5 failures, refuses even the right password while locked, and the lock grows', async () => {
    const user = await createUser(admiral);
    const wrong = { email: user.email, password: strongPassword() };
    for (let i = 1; i <= 4; i++) {
      expect((await signIn(admiral, wrong)).statusCode).toBe(401);
      expect(await lockState(user.id)).toEqual({ failed_sign_ins: i, locked_until: null });
    }
    expect((await signIn(admiral, wrong)).statusCode).toBe(401);
    const first = await lockState(user.id);
    expect(first.failed_sign_ins).toBe(5);
    expect(first.locked_until).toBeGreaterThan(Date.now() + 25_000);
    expect(first.locked_until).toBeLessThanOrEqual(Date.now() + 30_000);

    const right = await signIn(admiral, { email: user.email, password: user.password });
    expect(right.statusCode).toBe(401);
    expect(right.json().code).toBe('invalid_credentials');
    const second = await lockState(user.id);
    expect(second.failed_sign_ins).toBe(6);
    expect(second.locked_until).toBeGreaterThan((first.locked_until ?? 0) + 25_000);

    expect((await signIn(admiral, wrong)).statusCode).toBe(401);
    const third = await lockState(user.id);
    expect(third.locked_until).toBeGreaterThan((second.locked_until ?? 0) + 55_000);
    const audits = await auditRows(admiral, "action = 'auth.sign_in' AND actor_user_id = $1", [user.id]);
    expect(audits.map((a) => a.error)).toEqual([...Array(5).fill('wrong_password'), 'locked', 'locked']);
    expect(audits.every((a) => a.success === false)).toBe(true);
    expect(Date.parse(String(audits.at(-1)?.metadata.lockedUntil))).toBe(third.locked_until);

    // Once the lock has passed, the right password works and the counters reset.
    await admiral.db.ownerQuery("UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1", [user.id]);
    await signInOk(admiral, user);
    expect(await lockState(user.id)).toEqual({ failed_sign_ins: 0, locked_until: null });
  });

  it('does not lock before the fifth failure, and a success resets the count', async () => {
    const user = await createUser(admiral);
    for (let i = 0; i < 4; i++) await signIn(admiral, { email: user.email, password: strongPassword() });
    await signInOk(admiral, user);
    expect(await lockState(user.id)).toEqual({ failed_sign_ins: 0, locked_until: null });
  });
});

describe('bans with an expiry', () => {
  const ban = (userId: string, expiresAt: string | null) =>
    admiral.app.inject({ method: 'POST', url: `/v1/users/${userId}/ban`, headers: superAdmin, payload: { reason: 'abuse', expiresAt } });

  it('ends the sessions and refuses sign-in until the expiry, then sign-in works again (lifting the ban, audited)', async () => {
    const user = await createUser(admiral);
    const { token } = await signInOk(admiral, user);
    const banned = await ban(user.id, new Date(Date.now() + 3_600_000).toISOString());
    expect(banned.statusCode, banned.body).toBe(200);
    expect(banned.json()).toMatchObject({ banned: true, banReason: 'abuse' });
    expect((await me(admiral, token)).statusCode).toBe(401);
    const refused = await signIn(admiral, { email: user.email, password: user.password });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('invalid_credentials');
    const [banAudit] = await auditRows(admiral, "action = 'user.banned' AND target_id = $1", [user.id]);
    expect(banAudit?.metadata).toEqual({ sessionsEnded: 1 });

    await admiral.db.ownerQuery("UPDATE users SET ban_expires = now() - interval '1 second' WHERE id = $1", [user.id]);
    const back = await signInOk(admiral, user);
    expect((await me(admiral, back.token)).json().user).toMatchObject({ banned: false, banReason: null, banExpires: null });
    const [lift] = await auditRows(admiral, "action = 'user.ban_expired' AND target_id = $1", [user.id]);
    expect(lift).toMatchObject({ success: true, after: { banned: false } });
  });

  it('the identity.lift-expired-bans job clears expired bans with an audit row, and leaves the others', async () => {
    const expired = await createUser(admiral);
    const current = await createUser(admiral);
    const forever = await createUser(admiral);
    expect((await ban(expired.id, new Date(Date.now() + 60_000).toISOString())).statusCode).toBe(200);
    expect((await ban(current.id, new Date(Date.now() + 3_600_000).toISOString())).statusCode).toBe(200);
    expect((await ban(forever.id, null)).statusCode).toBe(200);
    await admiral.db.ownerQuery("UPDATE users SET ban_expires = now() - interval '1 second' WHERE id = $1", [expired.id]);

    const job = admiral.modules.flatMap((m) => m.jobs ?? []).find((j) => j.name === 'identity.lift-expired-bans');
    expect(job?.schedule).toBeDefined();
    await job?.handler({}, { jobId: 'test', attempt: 1, db: admiral.kernel.db });

    const { rows } = await admiral.db.ownerQuery<{ id: string; banned: boolean }>('SELECT id, banned FROM users WHERE id = ANY($1) ORDER BY id', [
      [expired.id, current.id, forever.id],
    ]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.banned]))).toEqual({ [expired.id]: false, [current.id]: true, [forever.id]: true });
    const lifts = await auditRows(admiral, "action = 'user.ban_expired'", []);
    expect(lifts.filter((l) => l.target_id === expired.id)).toHaveLength(1);
    expect(lifts.find((l) => l.target_id === expired.id)).toMatchObject({ actor_user_id: systemActor.userId, success: true });
    expect(lifts.some((l) => l.target_id === current.id || l.target_id === forever.id)).toBe(false);
    await signInOk(admiral, expired);
  });
});

describe('impersonation', () => {
  it('a super admin acts as a user; /v1/me shows it and actions are audited with both identities', async () => {
    const admin = await createUser(admiral, { isSuperAdmin: true });
    const target = await createUser(admiral);
    const adminTokens = await signInOk(admiral, admin);
    const targetOwn = await signInOk(admiral, target);

    const start = await admiral.app.inject({ method: 'POST', url: `/v1/users/${target.id}/impersonate`, headers: bearer(adminTokens.token), payload: {} });
    expect(start.statusCode, start.body).toBe(200);
    const imp = start.json();
    expect(Date.parse(imp.expiresAt)).toBeLessThanOrEqual(Date.now() + 30 * 60_000 + 1000);

    const who = await me(admiral, imp.token);
    expect(who.statusCode, who.body).toBe(200);
    expect(who.json()).toMatchObject({ user: { id: target.id }, impersonatedBy: admin.id });

    const sessions = await admiral.app.inject({ method: 'GET', url: '/v1/me/sessions', headers: bearer(imp.token) });
    const ownSession = (sessions.json().data as { id: string; impersonatedBy: string | null }[]).find((s) => s.impersonatedBy === null);
    const revoke = await admiral.app.inject({ method: 'DELETE', url: `/v1/me/sessions/${ownSession?.id}`, headers: bearer(imp.token) });
    expect(revoke.statusCode, revoke.body).toBe(204);
    expect((await me(admiral, targetOwn.token)).statusCode).toBe(401);
    const [audit] = await auditRows(admiral, "action = 'session.revoked' AND target_id = $1", [ownSession?.id]);
    expect(audit).toMatchObject({ actor_user_id: target.id, impersonator_user_id: admin.id, success: true });
    const [started] = await auditRows(admiral, "action = 'auth.impersonation_started' AND target_id = $1", [target.id]);
    expect(started).toMatchObject({ actor_user_id: admin.id, impersonator_user_id: admin.id });

    // The impersonator cannot change the account's credentials, nor impersonate further.
    for (const [method, url, payload] of [
      ['POST', '/v1/me/two-factor', {}],
      ['POST', '/v1/me/password', { currentPassword: target.password, newPassword: strongPassword() }],
    ] as const) {
      const response = await admiral.app.inject({ method, url, headers: bearer(imp.token), payload });
      expect(response.statusCode, url).toBe(403);
      expect(response.json().code).toBe('not_while_impersonating');
    }
    const other = await createUser(admiral);
    const nested = await admiral.app.inject({ method: 'POST', url: `/v1/users/${other.id}/impersonate`, headers: bearer(imp.token), payload: {} });
    expect(nested.statusCode).toBe(403);
  });

  it('refuses to impersonate a super admin, and refuses callers without the permission', async () => {
    const admin = await createUser(admiral, { isSuperAdmin: true });
    const otherAdmin = await createUser(admiral, { isSuperAdmin: true });
    const plain = await createUser(admiral);
    const adminTokens = await signInOk(admiral, admin);
    const refused = await admiral.app.inject({
      method: 'POST',
      url: `/v1/users/${otherAdmin.id}/impersonate`,
      headers: bearer(adminTokens.token),
      payload: {},
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('cannot_impersonate_super_admin');
    const plainTokens = await signInOk(admiral, plain);
    const denied = await admiral.app.inject({ method: 'POST', url: `/v1/users/${admin.id}/impersonate`, headers: bearer(plainTokens.token), payload: {} });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('permission_denied');
    const { rows } = await admiral.db.ownerQuery('SELECT count(*)::int AS n FROM sessions WHERE impersonated_by IS NOT NULL AND user_id = ANY($1)', [
      [admin.id, otherAdmin.id],
    ]);
    expect(rows[0]).toEqual({ n: 0 });
  });
});
