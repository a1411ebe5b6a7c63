import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';
import { auditRows, createUser, me, NO_RATE_LIMITS, signIn, signInOk, strongPassword } from './helpers/identity.js';

let admiral: TestAdmiral;
beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
});
afterAll(async () => admiral?.stop());

const problemOf = (body: string) => {
  const { requestId: _r, instance: _i, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return rest;
};

const countRows = async (sql: string, values: unknown[]) => Number((await admiral.db.ownerQuery<{ n: string }>(sql, values)).rows[0]?.n);

describe('sign-in with the real identity resolver', () => {
  it('signs in by email and by username and the bearer token works on GET /v1/me', async () => {
    const user = await createUser(admiral);
    for (const payload of [
      { email: user.email, password: user.password },
      { username: user.username.toUpperCase(), password: user.password },
    ]) {
      const response = await signIn(admiral, payload);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(['expiresAt', 'refreshToken', 'token', 'user']);
      expect(body.token).toMatch(/^adms_[\w-]{43}$/);
      expect(body.refreshToken).toMatch(/^admr_[\w-]{43}$/);
      expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
      expect(body.user).toMatchObject({ id: user.id, email: user.email, username: user.username, twoFactorEnabled: false });
      expect(body.user).not.toHaveProperty('failedSignIns');
      const who = await me(admiral, body.token);
      expect(who.statusCode, who.body).toBe(200);
      expect(who.json()).toMatchObject({ user: { id: user.id }, impersonatedBy: null, sites: [] });
    }
    const [row] = await auditRows(admiral, "action = 'auth.sign_in' AND actor_user_id = $1 AND success", [user.id]);
    expect(row?.metadata).toMatchObject({ twoFactor: null });
  });

  it('answers unknown user, wrong password, suspended and banned users with the same 401, writing only the audit row', async () => {
    const wrong = await createUser(admiral);
    const suspended = await createUser(admiral);
    const banned = await createUser(admiral);
    await admiral.db.ownerQuery("UPDATE users SET status = 'suspended' WHERE id = $1", [suspended.id]);
    const ban = await admiral.app.inject({ method: 'POST', url: `/v1/users/${banned.id}/ban`, headers: superAdmin, payload: { reason: 'spam' } });
    expect(ban.statusCode, ban.body).toBe(200);

    const attempts = [
      { name: 'unknown', userId: null, payload: { email: 'nobody-at-all@example.test', password: strongPassword() }, error: 'unknown_user' },
      { name: 'wrong', userId: wrong.id, payload: { email: wrong.email, password: `${wrong.password}x` }, error: 'wrong_password' },
      { name: 'suspended', userId: suspended.id, payload: { email: suspended.email, password: suspended.password }, error: 'status_suspended' },
      { name: 'banned', userId: banned.id, payload: { email: banned.email, password: banned.password }, error: 'banned' },
    ];
    const bodies: unknown[] = [];
    for (const attempt of attempts) {
      const userBefore = attempt.userId ? (await admiral.db.ownerQuery('SELECT * FROM users WHERE id = $1', [attempt.userId])).rows[0] : undefined;
      const sessionsBefore = await countRows('SELECT count(*) AS n FROM sessions', []);
      const devicesBefore = await countRows('SELECT count(*) AS n FROM devices', []);
      const auditBefore = await countRows('SELECT count(*) AS n FROM audit_logs', []);
      const response = await signIn(admiral, attempt.payload);
      expect(response.statusCode, attempt.name).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      bodies.push(problemOf(response.body));
      expect(await countRows('SELECT count(*) AS n FROM sessions', [])).toBe(sessionsBefore);
      expect(await countRows('SELECT count(*) AS n FROM devices', [])).toBe(devicesBefore);
      expect(await countRows('SELECT count(*) AS n FROM audit_logs', [])).toBe(auditBefore + 1);
      const [audit] = await admiral.db
        .ownerQuery<{ action: string; success: boolean; error: string; actor_user_id: string | null }>(
          'SELECT action, success, error, actor_user_id FROM audit_logs ORDER BY created_at DESC, seq DESC LIMIT 1',
        )
        .then((r) => r.rows);
      expect(audit).toEqual({ action: 'auth.sign_in', success: false, error: attempt.error, actor_user_id: attempt.userId });
      if (attempt.userId) {
        const userAfter = (await admiral.db.ownerQuery('SELECT * FROM users WHERE id = $1', [attempt.userId])).rows[0];
        // The wrong password only moves the lockout counter; nothing else about the user changes.
        const expected = attempt.name === 'wrong' ? { ...userBefore, failed_sign_ins: 1, updated_at: userAfter?.updated_at } : userBefore;
        expect(userAfter).toEqual(expected);
      }
    }
    expect(bodies[0]).toMatchObject({ status: 401, code: 'invalid_credentials' });
    for (const body of bodies) expect(body).toEqual(bodies[0]);
  });

  it('takes about as long for an unknown user as for a wrong password (one argon2 verification each)', async () => {
    const user = await createUser(admiral);
    const time = async (payload: Record<string, unknown>) => {
      const started = performance.now();
      const response = await signIn(admiral, payload);
      expect(response.statusCode).toBe(401);
      return performance.now() - started;
    };
    await time({ email: 'warm-up@example.test', password: 'x' }); // the decoy hash is made once
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 4; i++) {
      unknown.push(await time({ email: `missing-${i}@example.test`, password: strongPassword() }));
      wrong.push(await time({ email: user.email, password: strongPassword() }));
    }
    expect(median(unknown) * 3).toBeGreaterThan(median(wrong));
    expect(median(wrong) * 3).toBeGreaterThan(median(unknown));
  });
});

describe('refresh tokens', () => {
  it('rotates both tokens, and a reused refresh token ends the whole session', async () => {
    const user = await createUser(admiral);
    const first = await signInOk(admiral, user);
    const refreshed = await admiral.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: first.refreshToken } });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const second = refreshed.json();
    expect(second.token).not.toBe(first.token);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await me(admiral, first.token)).statusCode).toBe(401);
    expect((await me(admiral, second.token)).statusCode).toBe(200);

    const reuse = await admiral.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: first.refreshToken } });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().code).toBe('refresh_token_reused');
    const after = await me(admiral, second.token);
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('unauthenticated');
    const again = await admiral.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: second.refreshToken } });
    expect(again.statusCode).toBe(401);
    const [audit] = await auditRows(admiral, "action = 'auth.refresh_reuse' AND actor_user_id = $1", [user.id]);
    expect(audit?.success).toBe(false);
  });
});

describe('ending sessions', () => {
  it('refuses a signed-out token on the very next request', async () => {
    const user = await createUser(admiral);
    const { token } = await signInOk(admiral, user);
    const out = await admiral.app.inject({ method: 'POST', url: '/v1/auth/sign-out', headers: bearer(token), payload: {} });
    expect(out.statusCode, out.body).toBe(200);
    expect(out.json()).toEqual({ ended: 1 });
    expect((await me(admiral, token)).statusCode).toBe(401);
  });

  it('refuses a session revoked with DELETE /v1/me/sessions/{id} on the very next request', async () => {
    const user = await createUser(admiral);
    const keep = await signInOk(admiral, user);
    const doomed = await signInOk(admiral, user);
    const list = await admiral.app.inject({ method: 'GET', url: '/v1/me/sessions', headers: bearer(doomed.token) });
    expect(list.statusCode, list.body).toBe(200);
    const sessions = list.json().data as { id: string; current: boolean }[];
    expect(sessions).toHaveLength(2);
    const doomedId = sessions.find((s) => s.current)?.id;
    const revoke = await admiral.app.inject({ method: 'DELETE', url: `/v1/me/sessions/${doomedId}`, headers: bearer(keep.token) });
    expect(revoke.statusCode, revoke.body).toBe(204);
    expect((await me(admiral, doomed.token)).statusCode).toBe(401);
    expect((await me(admiral, keep.token)).statusCode).toBe(200);
    const other = await createUser(admiral);
    const stranger = await signInOk(admiral, other);
    const foreign = await admiral.app.inject({ method: 'DELETE', url: `/v1/me/sessions/${doomedId}`, headers: bearer(stranger.token) });
    expect(foreign.statusCode).toBe(404);
  });

  it('answers malformed tokens and expired sessions with a clear 401 problem', async () => {
    for (const authorization of ['Bearer adms_short', 'Bearer', 'Basic dXNlcjpwYXNz', `Bearer adms_${'x'.repeat(43)}`]) {
      const response = await admiral.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization } });
      expect(response.statusCode, authorization).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
    }
    const cookie = await admiral.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: '__Host-admiral_session=not-a-token' } });
    expect(cookie.statusCode).toBe(401);
    expect(cookie.json().detail).toMatch(/malformed/);

    const user = await createUser(admiral);
    const access = await signInOk(admiral, user);
    await admiral.db.ownerQuery("UPDATE sessions SET token_expires_at = now() - interval '1 second' WHERE user_id = $1", [user.id]);
    const expired = await me(admiral, access.token);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().detail).toMatch(/not valid or has ended/);
    const absolute = await signInOk(admiral, user);
    await admiral.db.ownerQuery("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1", [user.id]);
    expect((await me(admiral, absolute.token)).statusCode).toBe(401);
    const refresh = await admiral.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: absolute.refreshToken } });
    expect(refresh.statusCode).toBe(401);
    expect(refresh.json().code).toBe('session_expired');
  });
});

describe('passwords', () => {
  it('refuses passwords shorter than 12 characters or on the breached list with 422 weak_password', async () => {
    for (const password of ['short-pass1', 'changeme1234', 'Administrator', '1qaz2wsx3edc4rfv']) {
      const response = await admiral.app.inject({
        method: 'POST',
        url: '/v1/users',
        headers: superAdmin,
        payload: { email: `weak-${Math.random().toString(36).slice(2)}@example.test`, password },
      });
      expect(response.statusCode, password).toBe(422);
      expect(response.json()).toMatchObject({ code: 'weak_password', errors: [{ in: 'body', pointer: '/password' }] });
    }
    const user = await createUser(admiral);
    const { token } = await signInOk(admiral, user);
    const change = await admiral.app.inject({
      method: 'POST',
      url: '/v1/me/password',
      headers: bearer(token),
      payload: { currentPassword: user.password, newPassword: 'tooshort' },
    });
    expect(change.statusCode).toBe(422);
    expect(change.json()).toMatchObject({ code: 'weak_password', errors: [{ pointer: '/newPassword' }] });
  });

  it('changing the password ends every other session and the old password stops working', async () => {
    const user = await createUser(admiral);
    const current = await signInOk(admiral, user);
    const other = await signInOk(admiral, user);
    const next = strongPassword();
    const wrong = await admiral.app.inject({
      method: 'POST',
      url: '/v1/me/password',
      headers: bearer(current.token),
      payload: { currentPassword: `${user.password}!`, newPassword: next },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().code).toBe('wrong_password');
    const change = await admiral.app.inject({
      method: 'POST',
      url: '/v1/me/password',
      headers: bearer(current.token),
      payload: { currentPassword: user.password, newPassword: next },
    });
    expect(change.statusCode, change.body).toBe(204);
    expect((await me(admiral, other.token)).statusCode).toBe(401);
    expect((await me(admiral, current.token)).statusCode).toBe(200);
    expect((await signIn(admiral, { email: user.email, password: user.password })).statusCode).toBe(401);
    await signInOk(admiral, { email: user.email, password: next });
    const [audit] = await auditRows(admiral, "action = 'user.password_changed' AND target_id = $1", [user.id]);
    expect(audit?.metadata).toEqual({ sessionsEnded: 1 });
    expect(JSON.stringify(await auditRows(admiral, 'actor_user_id = $1', [user.id]))).not.toContain(next);
  });
});
