import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashingLoad } from '../src/kernel/crypto/passwords.js';
import { bearer, startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import { createUser, NO_RATE_LIMITS, signIn, signInOk } from './helpers/identity.js';

const ALLOWED_ORIGIN = 'https://console.example.test';
const HOST = 'admin.example.test';
const OWN_ORIGIN = `http://${HOST}`;
const PUBLIC_URL = 'https://public.example.test';

let admiral: TestAdmiral;
beforeAll(async () => {
  admiral = await startTestAdmiral({ env: { ...NO_RATE_LIMITS, CORS_ORIGINS: ALLOWED_ORIGIN, PUBLIC_URL } });
});
afterAll(async () => admiral?.stop());

async function cookieSession(): Promise<{ cookie: string; setCookie: string }> {
  const user = await createUser(admiral);
  const response = await signIn(admiral, { email: user.email, password: user.password, cookie: true });
  expect(response.statusCode, response.body).toBe(200);
  const setCookie = String(response.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0] as string, setCookie };
}

describe('the session cookie', () => {
  it('is __Host-admiral_session, HttpOnly, Secure, SameSite=Strict, Path=/ and host-only', async () => {
    const { cookie, setCookie } = await cookieSession();
    expect(cookie).toMatch(/^__Host-admiral_session=adms_[\w-]{43}$/);
    const attributes = setCookie
      .split(';')
      .slice(1)
      .map((part) => part.trim());
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'Secure', 'SameSite=Strict']));
    expect(attributes.find((a) => a.startsWith('Max-Age='))).toMatch(/^Max-Age=\d+$/);
    expect(attributes.some((a) => /^domain=/i.test(a))).toBe(false);
    const who = await admiral.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie, host: HOST } });
    expect(who.statusCode, who.body).toBe(200);
  });

  it('is not set unless asked for', async () => {
    const user = await createUser(admiral);
    const response = await signIn(admiral, { email: user.email, password: user.password });
    expect(response.headers['set-cookie']).toBeUndefined();
  });
});

describe('CSRF: cookie-authenticated changes need a same-origin Origin or Referer', () => {
  it('refuses an unsafe request with no Origin/Referer, or a foreign one', async () => {
    const { cookie } = await cookieSession();
    for (const extra of [{}, { origin: 'https://evil.example' }, { referer: 'https://evil.example/page' }, { origin: 'null' }, { referer: 'not a url' }]) {
      const response = await admiral.app.inject({ method: 'POST', url: '/v1/me/two-factor', headers: { cookie, host: HOST, ...extra }, payload: {} });
      expect(response.statusCode, JSON.stringify(extra)).toBe(403);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().code).toBe('csrf_rejected');
    }
    expect((await admiral.db.ownerQuery('SELECT count(*)::int AS n FROM two_factors')).rows[0]).toEqual({ n: 0 });
  });

  it('accepts the own origin, the own origin as Referer, a configured console origin and PUBLIC_URL', async () => {
    const { cookie } = await cookieSession();
    const behindProxy = await admiral.app.inject({
      method: 'POST',
      url: '/v1/me/two-factor',
      headers: { cookie, host: HOST, origin: PUBLIC_URL },
      payload: {},
    });
    expect(behindProxy.statusCode, behindProxy.body).toBe(201);
    const own = await admiral.app.inject({ method: 'POST', url: '/v1/me/two-factor', headers: { cookie, host: HOST, origin: OWN_ORIGIN }, payload: {} });
    expect(own.statusCode, own.body).toBe(201);
    const allowed = await admiral.app.inject({
      method: 'POST',
      url: '/v1/me/two-factor',
      headers: { cookie, host: HOST, origin: ALLOWED_ORIGIN },
      payload: {},
    });
    expect(allowed.statusCode, allowed.body).toBe(201);
    const out = await admiral.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-out',
      headers: { cookie, host: HOST, referer: `${OWN_ORIGIN}/console/account` },
      payload: {},
    });
    expect(out.statusCode, out.body).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/^__Host-admiral_session=; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=0$/);
    const after = await admiral.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie, host: HOST } });
    expect(after.statusCode).toBe(401);
  });

  it('does not apply to bearer tokens (not sent by browsers on their own)', async () => {
    const user = await createUser(admiral);
    const { token } = await signInOk(admiral, user);
    const response = await admiral.app.inject({
      method: 'POST',
      url: '/v1/me/two-factor',
      headers: { ...bearer(token), origin: 'https://evil.example' },
      payload: {},
    });
    expect(response.statusCode, response.body).toBe(201);
  });
});

describe('secrets stay secret', () => {
  it('refuses Idempotency-Key on routes that answer tokens (they would be stored for replay)', async () => {
    const user = await createUser(admiral);
    const response = await signIn(admiral, { email: user.email, password: user.password }, { 'idempotency-key': 'sign-in-1' });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('idempotency_unsupported');
    const { refreshToken } = await signInOk(admiral, user);
    const refresh = await admiral.app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      headers: { 'idempotency-key': 'refresh-1' },
      payload: { refreshToken },
    });
    expect(refresh.statusCode).toBe(400);
  });

  it('writes no password or token into the audit trail', async () => {
    const user = await createUser(admiral);
    const tokens = await signInOk(admiral, user);
    await signIn(admiral, { email: user.email, password: `${user.password}-wrong` });
    await admiral.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: tokens.refreshToken } });
    const { rows } = await admiral.db.ownerQuery('SELECT * FROM audit_logs');
    const trail = JSON.stringify(rows);
    for (const secret of [user.password, tokens.token, tokens.refreshToken]) expect(trail).not.toContain(secret);
  });
});

describe('argon2 concurrency', () => {
  it('never runs more than 2 hashes at once during a burst of 20 sign-ins', async () => {
    const user = await createUser(admiral);
    const other = await createUser(admiral);
    hashingLoad({ resetPeak: true });
    let maxSeen = 0;
    const sampler = setInterval(() => {
      maxSeen = Math.max(maxSeen, hashingLoad().active);
    }, 1);
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        signIn(
          admiral,
          i % 3 === 0
            ? { email: user.email, password: user.password }
            : { email: i % 2 ? other.email : `ghost${i}@example.test`, password: 'Wrong-but-long-enough' },
        ),
      ),
    );
    const elapsed = performance.now() - started;
    clearInterval(sampler);
    expect(responses.map((r) => r.statusCode).sort()).toEqual([...Array(7).fill(200), ...Array(13).fill(401)]);
    const load = hashingLoad();
    expect(load.limit).toBe(2);
    expect(load.peak).toBeLessThanOrEqual(2);
    expect(load.peak).toBe(2); // the burst did overlap: the cap, not a lack of load, kept it at 2
    expect(maxSeen).toBeLessThanOrEqual(2);
    expect(load.active).toBe(0);
    expect(elapsed).toBeGreaterThan(0);
  });
});
