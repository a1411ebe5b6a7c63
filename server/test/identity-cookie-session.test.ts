import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import { createUser, NO_RATE_LIMITS, signIn } from './helpers/identity.js';

let admiral: TestAdmiral;
beforeAll(async () => {
  admiral = await startTestAdmiral({ env: NO_RATE_LIMITS });
});
afterAll(async () => admiral?.stop());

async function session(cookie: boolean) {
  const user = await createUser(admiral);
  const response = await signIn(admiral, { email: user.email, password: user.password, cookie });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json() as { token: string; refreshToken: string };
  const [row] = (await admiral.db.ownerQuery<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1', [user.id])).rows;
  return { ...body, cookie: `__Host-admiral_session=${body.token}`, sessionId: row?.id as string };
}

/** Moves the session's clock: the token expired `tokenAgo` seconds ago, last seen `seenAgo` seconds ago. */
const age = (sessionId: string, tokenAgo: number, seenAgo: number) =>
  admiral.db.ownerQuery(
    'UPDATE sessions SET token_expires_at = now() - make_interval(secs => $2), last_seen_at = now() - make_interval(secs => $3) WHERE id = $1',
    [sessionId, tokenAgo, seenAgo],
  );
const getMe = (headers: Record<string, string>) => admiral.app.inject({ method: 'GET', url: '/v1/me', headers });

describe('console cookie sessions stay alive while used', () => {
  it('accepts a console session’s cookie past the 1 h token expiry and renews the cookie as the idle expiry slides', async () => {
    const s = await session(true);
    await age(s.sessionId, 10, 120);
    const viaCookie = await getMe({ cookie: s.cookie });
    expect(viaCookie.statusCode, viaCookie.body).toBe(200);
    const renewed = String(viaCookie.headers['set-cookie']);
    expect(renewed).toMatch(new RegExp(`^${s.cookie}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=(\\d+)$`));
    const maxAge = Number(/Max-Age=(\d+)/.exec(renewed)?.[1]);
    expect(maxAge).toBeGreaterThan(12 * 3600 - 60);
    expect(maxAge).toBeLessThanOrEqual(12 * 3600);
    // Seen within the last minute: no write, no new cookie.
    const soon = await getMe({ cookie: s.cookie });
    expect(soon.statusCode).toBe(200);
    expect(soon.headers['set-cookie']).toBeUndefined();
  });

  it('keeps the 1 h expiry for the same token sent as a bearer header, and for sessions signed in without the cookie', async () => {
    const consoleSession = await session(true);
    await age(consoleSession.sessionId, 10, 120);
    expect((await getMe(bearer(consoleSession.token))).statusCode).toBe(401);
    const program = await session(false);
    await age(program.sessionId, 10, 120);
    expect((await getMe({ cookie: program.cookie })).statusCode).toBe(401);
    expect((await getMe(bearer(program.token))).statusCode).toBe(401);
  });

  it('still ends a console session at its idle and absolute limits, and when revoked', async () => {
    const idle = await session(true);
    await admiral.db.ownerQuery("UPDATE sessions SET idle_expires_at = now() - interval '1 second' WHERE id = $1", [idle.sessionId]);
    expect((await getMe({ cookie: idle.cookie })).statusCode).toBe(401);
    const absolute = await session(true);
    await admiral.db.ownerQuery("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [absolute.sessionId]);
    expect((await getMe({ cookie: absolute.cookie })).statusCode).toBe(401);
    const out = await session(true);
    const signOut = await admiral.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-out',
      headers: { cookie: out.cookie, origin: 'http://localhost:80', host: 'localhost:80' },
      payload: {},
    });
    expect(signOut.statusCode, signOut.body).toBe(200);
    expect(String(signOut.headers['set-cookie'])).toMatch(/Max-Age=0$/);
    expect((await getMe({ cookie: out.cookie })).statusCode).toBe(401);
  });

  it('keeps refresh-token rotation for bearer clients: rotated tokens work, a replayed refresh token ends the session', async () => {
    const s = await session(true);
    const refresh = (refreshToken: string) => admiral.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });
    const first = await refresh(s.refreshToken);
    expect(first.statusCode, first.body).toBe(200);
    expect((await getMe(bearer(first.json().token))).statusCode).toBe(200);
    expect((await refresh(s.refreshToken)).json().code).toBe('refresh_token_reused');
    expect((await getMe(bearer(first.json().token))).statusCode).toBe(401);
  });
});
