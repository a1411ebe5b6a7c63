import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import { auditRows, createUser, NO_RATE_LIMITS, signIn, signInOk, type TestUser } from './helpers/identity.js';

/** The console's impersonation: the cookie switches to the impersonated session and back to the administrator's own. */

let admiral: TestAdmiral;
beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
});
afterAll(async () => admiral?.stop());

const SAME_ORIGIN = { origin: 'http://localhost:80', host: 'localhost:80' };

/** The cookies a response sets, by name: value and Max-Age. */
function setCookies(response: LightMyRequestResponse): Record<string, { value: string; maxAge: number; attributes: string }> {
  const raw = [response.headers['set-cookie'] ?? []].flat().map(String);
  return Object.fromEntries(
    raw.map((line) => {
      const [pair = '', ...attributes] = line.split('; ');
      const index = pair.indexOf('=');
      return [pair.slice(0, index), { value: pair.slice(index + 1), maxAge: Number(/Max-Age=(\d+)/.exec(line)?.[1]), attributes: attributes.join('; ') }];
    }),
  );
}

const cookieHeader = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');

async function consoleSignIn(user: TestUser): Promise<string> {
  const response = await signIn(admiral, { email: user.email, password: user.password, cookie: true });
  expect(response.statusCode, response.body).toBe(200);
  return setCookies(response)['__Host-admiral_session']?.value as string;
}

const call = (method: 'GET' | 'POST', url: string, cookies: Record<string, string>) =>
  admiral.app.inject({ method, url, headers: { cookie: cookieHeader(cookies), ...SAME_ORIGIN }, ...(method === 'POST' ? { payload: {} } : {}) });

async function impersonate(adminToken: string, target: TestUser) {
  const response = await admiral.app.inject({
    method: 'POST',
    url: `/v1/users/${target.id}/impersonate`,
    headers: { cookie: `__Host-admiral_session=${adminToken}`, ...SAME_ORIGIN },
    payload: { cookie: true },
  });
  expect(response.statusCode, response.body).toBe(200);
  return { response, cookies: setCookies(response) };
}

describe('impersonating from the console', () => {
  it('switches the cookie to the impersonation, keeps the admin’s session aside, and ending it restores the admin (both identities audited)', async () => {
    const admin = await createUser(admiral, { isSuperAdmin: true });
    const target = await createUser(admiral);
    const adminToken = await consoleSignIn(admin);

    const { response, cookies } = await impersonate(adminToken, target);
    const session = cookies['__Host-admiral_session'];
    const origin = cookies['__Host-admiral_origin'];
    expect(session?.value).toBe(response.json().token);
    expect(session?.maxAge).toBe(30 * 60);
    expect(session?.attributes).toBe(`Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${30 * 60}`);
    expect(origin?.value).toBe(adminToken);
    expect(origin?.attributes).toMatch(/^Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=\d+$/);

    const jar = { '__Host-admiral_session': session?.value as string, '__Host-admiral_origin': adminToken };
    const who = await call('GET', '/v1/me', jar);
    expect(who.json()).toMatchObject({ user: { id: target.id }, impersonatedBy: admin.id });
    // Something done in the impersonation carries both identities.
    expect((await call('POST', '/v1/me/email-verification', jar)).statusCode).toBe(204);
    const [asked] = await auditRows(admiral, "action = 'user.email_verification_requested' AND target_id = $1", [target.id]);
    expect(asked).toMatchObject({ actor_user_id: target.id, impersonator_user_id: admin.id });
    const [started] = await auditRows(admiral, "action = 'auth.impersonation_started' AND target_id = $1", [target.id]);
    expect(started).toMatchObject({ actor_user_id: admin.id, impersonator_user_id: admin.id });

    const ended = await call('POST', '/v1/auth/impersonation/end', jar);
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toEqual({ restored: true, userId: admin.id });
    const after = setCookies(ended);
    expect(after['__Host-admiral_session']?.value).toBe(adminToken);
    expect(after['__Host-admiral_origin']).toMatchObject({ value: '', maxAge: 0 });

    const [endedRow] = await auditRows(admiral, "action = 'auth.impersonation_ended' AND target_id = $1", [target.id]);
    expect(endedRow).toMatchObject({ actor_user_id: target.id, impersonator_user_id: admin.id, success: true, metadata: { restored: true } });
    // The impersonation session is over; the admin's own works and is the admin again.
    expect((await call('GET', '/v1/me', { '__Host-admiral_session': session?.value as string })).statusCode).toBe(401);
    const back = await call('GET', '/v1/me', { '__Host-admiral_session': adminToken });
    expect(back.json()).toMatchObject({ user: { id: admin.id }, impersonatedBy: null });
    const { rows } = await admiral.db.ownerQuery<{ revoked_reason: string }>('SELECT revoked_reason FROM sessions WHERE user_id = $1', [target.id]);
    expect(rows).toEqual([{ revoked_reason: 'impersonation_ended' }]);
  });

  it('signs the browser out when the admin’s own session is gone, or when the kept session is not the impersonator’s', async () => {
    const admin = await createUser(admiral, { isSuperAdmin: true });
    const target = await createUser(admiral);
    const adminToken = await consoleSignIn(admin);

    // The admin's session ended meanwhile (e.g. signed out elsewhere): nothing to go back to.
    const first = await impersonate(adminToken, target);
    await admiral.db.ownerQuery("UPDATE sessions SET revoked_at = now() WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [adminToken]);
    const ended = await call('POST', '/v1/auth/impersonation/end', {
      '__Host-admiral_session': first.cookies['__Host-admiral_session']?.value as string,
      '__Host-admiral_origin': adminToken,
    });
    expect(ended.json()).toEqual({ restored: false, userId: null });
    expect(setCookies(ended)['__Host-admiral_session']).toMatchObject({ value: '', maxAge: 0 });

    // A kept cookie with someone else's live session is not handed back.
    const freshAdmin = await consoleSignIn(admin);
    const bystander = await createUser(admiral);
    const bystanderToken = await consoleSignIn(bystander);
    const second = await impersonate(freshAdmin, target);
    const swapped = await call('POST', '/v1/auth/impersonation/end', {
      '__Host-admiral_session': second.cookies['__Host-admiral_session']?.value as string,
      '__Host-admiral_origin': bystanderToken,
    });
    expect(swapped.json()).toEqual({ restored: false, userId: null });
    expect(setCookies(swapped)['__Host-admiral_session']?.value).toBe('');
  });

  it('refuses cookie: true without a console session, and ending a session that is not an impersonation', async () => {
    const admin = await createUser(admiral, { isSuperAdmin: true });
    const target = await createUser(admiral);
    const { token } = await signInOk(admiral, admin);
    const viaBearer = await admiral.app.inject({
      method: 'POST',
      url: `/v1/users/${target.id}/impersonate`,
      headers: bearer(token),
      payload: { cookie: true },
    });
    expect(viaBearer.statusCode).toBe(400);
    expect(viaBearer.json().code).toBe('cookie_session_required');
    const { rows } = await admiral.db.ownerQuery('SELECT 1 FROM sessions WHERE user_id = $1', [target.id]);
    expect(rows).toHaveLength(0);

    const adminToken = await consoleSignIn(admin);
    const notImpersonating = await call('POST', '/v1/auth/impersonation/end', { '__Host-admiral_session': adminToken });
    expect(notImpersonating.statusCode).toBe(409);
    expect(notImpersonating.json().code).toBe('not_impersonating');
    expect((await call('GET', '/v1/me', { '__Host-admiral_session': adminToken })).statusCode).toBe(200);
  });

  it('signing out of an impersonation also drops the kept session cookie', async () => {
    const admin = await createUser(admiral, { isSuperAdmin: true });
    const target = await createUser(admiral);
    const adminToken = await consoleSignIn(admin);
    const { cookies } = await impersonate(adminToken, target);
    const out = await call('POST', '/v1/auth/sign-out', {
      '__Host-admiral_session': cookies['__Host-admiral_session']?.value as string,
      '__Host-admiral_origin': adminToken,
    });
    expect(out.statusCode, out.body).toBe(200);
    const cleared = setCookies(out);
    expect(cleared['__Host-admiral_session']).toMatchObject({ value: '', maxAge: 0 });
    expect(cleared['__Host-admiral_origin']).toMatchObject({ value: '', maxAge: 0 });
  });
});
