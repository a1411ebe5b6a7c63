import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { ProblemError } from '../src/kernel/http/problem.js';
import { MemoryRateLimitStore, RateLimiter, type RateLimitStore, RedisRateLimitStore } from '../src/kernel/http/rate-limit.js';
import { startTestAdmiral, type TestAdmiral } from './helpers/app.js';
import { createUser, signIn, strongPassword } from './helpers/identity.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const rule = { name: 'test', limit: 3, windowSeconds: 60 };

function expectRateLimited(response: { statusCode: number; headers: Record<string, unknown>; json(): { code: string; status: number } }, window = 60) {
  expect(response.statusCode).toBe(429);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(response.json()).toMatchObject({ status: 429, code: 'rate_limited' });
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(window);
}

describe('configuration', () => {
  it('reads REDIS_URL and the AUTH_RATE_LIMIT_* overrides, refusing bad values by name', () => {
    const defaults = loadConfig({});
    expect(defaults.redisUrl).toBeUndefined();
    expect(defaults.authRateLimit).toBeUndefined();
    const set = loadConfig({ REDIS_URL: 'redis://:pw@cache:6380/2', AUTH_RATE_LIMIT_PER_IP: '20', AUTH_RATE_LIMIT_WINDOW_SECONDS: '900' });
    expect(set.redisUrl).toBe('redis://:pw@cache:6380/2');
    expect(set.authRateLimit).toEqual({ perIp: 20, perAccount: undefined, windowSeconds: 900 });
    for (const [env, variable] of [
      [{ REDIS_URL: 'http://cache:6379' }, 'REDIS_URL'],
      [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
      [{ AUTH_RATE_LIMIT_PER_ACCOUNT: '0' }, 'AUTH_RATE_LIMIT_PER_ACCOUNT'],
      [{ AUTH_RATE_LIMIT_WINDOW_SECONDS: 'soon' }, 'AUTH_RATE_LIMIT_WINDOW_SECONDS'],
    ] as const) {
      const error = (() => {
        try {
          loadConfig(env);
        } catch (e) {
          return e;
        }
      })();
      expect(error, variable).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).not.toContain('pw');
    }
  });
});

describe('the limiter and its stores', () => {
  it('memory: counts per key in a window that starts at the key’s first hit, then starts again', async () => {
    let now = 1_700_000_012_345;
    const store = new MemoryRateLimitStore(() => now);
    expect((await store.hit('a', 60_000)).count).toBe(1);
    now += 59_000;
    expect((await store.hit('a', 60_000)).count).toBe(2);
    expect((await store.hit('b', 60_000)).count).toBe(1);
    const { resetAt, count } = await store.hit('a', 60_000);
    expect(count).toBe(3);
    expect(resetAt).toBe(1_700_000_012_345 + 60_000);
    now = resetAt;
    expect((await store.hit('a', 60_000)).count).toBe(1);
  });

  it('answers 429 rate_limited with retry-after once over the limit, per subject', async () => {
    const limiter = new RateLimiter(new MemoryRateLimitStore());
    for (let i = 0; i < 3; i++) await limiter.consume(rule, 'ip-1');
    const error = await limiter.consume(rule, 'ip-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited' });
    const retryAfter = Number((error as ProblemError).headers?.['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await limiter.consume(rule, 'ip-2');
  });

  it('lets requests through (and logs) when the store fails, rather than locking everyone out', async () => {
    const warnings: unknown[] = [];
    const broken: RateLimitStore = { hit: () => Promise.reject(new Error('down')), close: async () => {} };
    const limiter = new RateLimiter(broken, { warn: (obj: unknown) => warnings.push(obj) } as never);
    for (let i = 0; i < 5; i++) await limiter.consume(rule, 'ip');
    expect(warnings).toHaveLength(5);
    const unreachable = new RedisRateLimitStore('redis://127.0.0.1:1');
    const started = Date.now();
    await new RateLimiter(unreachable).consume(rule, 'ip');
    expect(Date.now() - started).toBeLessThan(5000);
    await unreachable.close();
  });

  it('redis: counts atomically across store instances, with keys that expire after the window', async () => {
    const prefix = `admiral-test:${randomBytes(6).toString('hex')}:`;
    const one = new RedisRateLimitStore(REDIS_URL, prefix);
    const two = new RedisRateLimitStore(REDIS_URL, prefix);
    const inspect = new Redis(REDIS_URL);
    try {
      const counts = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).hit('k', 60_000)));
      expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect((await one.hit('other', 60_000)).count).toBe(1);
      const keys = await inspect.keys(`${prefix}*`);
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        const ttl = await inspect.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(61_000);
      }
      await inspect.del(...keys);
    } finally {
      await one.close();
      await two.close();
      inspect.disconnect();
    }
  });
});

describe('rate limits on the sign-in routes (in memory)', () => {
  let admiral: TestAdmiral;
  beforeAll(async () => {
    admiral = await startTestAdmiral({ env: { AUTH_RATE_LIMIT_PER_IP: '6', AUTH_RATE_LIMIT_PER_ACCOUNT: '3', AUTH_RATE_LIMIT_WINDOW_SECONDS: '60' } });
  });
  afterAll(async () => admiral?.stop());

  it('limits one account, then one IP, answering 429 with retry-after', async () => {
    const target = await createUser(admiral);
    for (let i = 0; i < 3; i++) expect((await signIn(admiral, { email: target.email, password: strongPassword() })).statusCode).toBe(401);
    // Over the account's limit: refused before the password is even checked, so the right one fails too.
    expectRateLimited(await signIn(admiral, { email: target.email.toUpperCase(), password: target.password }));
    const other = await createUser(admiral);
    expect((await signIn(admiral, { email: other.email, password: other.password })).statusCode).toBe(200);
    expect((await signIn(admiral, { username: other.username, password: other.password })).statusCode).toBe(200);
    // Six requests from this IP so far: the seventh, for any account, is refused.
    expectRateLimited(await signIn(admiral, { email: `fresh-${Date.now()}@example.test`, password: strongPassword() }));
  });

  it('limits the two-factor route per IP and per challenge', async () => {
    const send = (challenge: string) => admiral.app.inject({ method: 'POST', url: '/v1/auth/two-factor', payload: { challenge, code: '123456' } });
    for (let i = 0; i < 3; i++) expect((await send('admc_same')).statusCode).toBe(401);
    expectRateLimited(await send('admc_same'));
    expect((await send('admc_other')).statusCode).toBe(401);
    expect((await send('admc_third')).statusCode).toBe(401);
    expectRateLimited(await send('admc_fourth'));
  });

  it('limits password-reset requests per address and verification codes per IP', async () => {
    const reset = (email: string) => admiral.app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email } });
    for (let i = 0; i < 3; i++) expect((await reset('someone@example.test')).statusCode).toBe(204);
    expectRateLimited(await reset('Someone@Example.test'));
    const verify = (token: string) => admiral.app.inject({ method: 'POST', url: '/v1/auth/verify-email', payload: { token } });
    for (let i = 0; i < 6; i++) expect((await verify(`admv_guess_${i}`)).statusCode).toBe(400);
    expectRateLimited(await verify('admv_guess_last'));
    const confirm = (token: string) =>
      admiral.app.inject({ method: 'POST', url: '/v1/auth/password-reset/confirm', payload: { token, newPassword: strongPassword() } });
    for (let i = 0; i < 3; i++) expect((await confirm('admv_same')).statusCode).toBe(400);
    expectRateLimited(await confirm('admv_same'));
  });
});

describe('rate limits on the sign-in routes (Redis, shared by two processes)', () => {
  let first: TestAdmiral;
  let second: TestAdmiral;
  const env = {
    REDIS_URL,
    TRUST_PROXY: 'true',
    AUTH_RATE_LIMIT_PER_IP: '5',
    AUTH_RATE_LIMIT_PER_ACCOUNT: '3',
    AUTH_RATE_LIMIT_WINDOW_SECONDS: '120',
  };
  beforeAll(async () => {
    first = await startTestAdmiral({ env });
    second = await startTestAdmiral({ env, database: first.db });
  });
  afterAll(async () => {
    await second?.close();
    await first?.stop();
  });

  it('counts an account across both instances and answers 429', async () => {
    const user = await createUser(first);
    // A fresh client address per run, so counts left in Redis by an earlier run cannot interfere.
    const ip = `10.${randomBytes(3).join('.')}`;
    const headers = { 'x-forwarded-for': ip };
    const wrong = { email: user.email, password: strongPassword() };
    expect((await signIn(first, wrong, headers)).statusCode).toBe(401);
    expect((await signIn(second, wrong, headers)).statusCode).toBe(401);
    expect((await signIn(first, wrong, headers)).statusCode).toBe(401);
    expectRateLimited(await signIn(second, { email: user.email, password: user.password }, headers), 120);
    expect((await signIn(second, { email: user.email, password: user.password }, { 'x-forwarded-for': `${ip}1` })).statusCode).toBe(429);

    const other = await createUser(first);
    expect((await signIn(first, { email: other.email, password: other.password }, headers)).statusCode).toBe(200);
    expectRateLimited(await signIn(second, { email: other.email, password: other.password }, headers), 120);

    const inspect = new Redis(REDIS_URL);
    try {
      expect((await inspect.keys('admiral:rl:sign-in:ip:*')).length).toBeGreaterThan(0);
    } finally {
      inspect.disconnect();
    }
  });
});
