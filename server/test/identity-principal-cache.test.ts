import { setTimeout as sleep } from 'node:timers/promises';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSites } from './helpers/access.js';
import { bearer, startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';
import { createUser, NO_RATE_LIMITS, signInOk, strongPassword } from './helpers/identity.js';

// Two apps on one database: one reuses resolved callers for a second, one resolves every request.
let cached: TestAdmiral;
let uncached: TestAdmiral;
const [siteA, siteB] = [uuidv7(), uuidv7()];
beforeAll(async () => {
  cached = await startTestAdmiral({ env: { ...NO_RATE_LIMITS, AUTH_CACHE_SECONDS: '1' } });
  uncached = await startTestAdmiral({ env: { ...NO_RATE_LIMITS, AUTH_CACHE_SECONDS: '0' }, database: cached.db });
  await insertSites(cached, siteA, siteB);
});
afterAll(async () => {
  await uncached?.stop();
  await cached?.stop();
});

const TTL_MS = 1000;
const get = (app: TestAdmiral, url: string, token: string) => app.app.inject({ method: 'GET', url, headers: bearer(token) });
const me = (token: string, app = cached) => get(app, '/v1/me', token);
const post = (url: string, headers: Record<string, string>, payload: object = {}) => cached.app.inject({ method: 'POST', url, headers, payload });

async function member(siteId: string, role = 'admin') {
  const user = await createUser(cached);
  const granted = await post(`/v1/sites/${siteId}/memberships`, superAdmin, { userId: user.id, role });
  expect(granted.statusCode, granted.body).toBe(201);
  return { user, tokens: await signInOk(cached, user) };
}

async function apiKey(siteId: string) {
  const created = await post(`/v1/sites/${siteId}/api-keys`, superAdmin, { name: `key ${uuidv7()}`, permissions: ['domains.read'] });
  expect(created.statusCode, created.body).toBe(201);
  return created.json() as { id: string; key: string };
}

describe('resolved callers are reused for AUTH_CACHE_SECONDS', () => {
  const revokeInDatabase = (token: string) =>
    cached.db.ownerQuery("UPDATE sessions SET revoked_at = now() WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [token]);

  it('answers from memory within the TTL, then resolves again (announcements switched off to show it)', async () => {
    const { tokens } = await member(siteA);
    expect((await me(tokens.token)).statusCode).toBe(200);
    await cached.db.ownerQuery('ALTER TABLE sessions DISABLE TRIGGER sessions_auth_change');
    try {
      // Behind the app's back and unannounced: only resolving again can notice.
      await revokeInDatabase(tokens.token);
      await cached.identity.settled();
      expect((await me(tokens.token)).statusCode).toBe(200);
      expect((await me(tokens.token, uncached)).statusCode).toBe(401);
      await sleep(TTL_MS + 100);
      expect((await me(tokens.token)).statusCode).toBe(401);
    } finally {
      await cached.db.ownerQuery('ALTER TABLE sessions ENABLE TRIGGER sessions_auth_change');
    }
  });

  it('hears changes made elsewhere (another process, SQL) when they commit: sessions, bans, memberships, roles, keys', async () => {
    const revoked = await member(siteA);
    expect((await me(revoked.tokens.token)).statusCode).toBe(200);
    await revokeInDatabase(revoked.tokens.token);
    await cached.identity.settled();
    expect((await me(revoked.tokens.token)).statusCode).toBe(401);

    const banned = await member(siteA);
    expect((await me(banned.tokens.token)).statusCode).toBe(200);
    await cached.db.ownerQuery('UPDATE users SET banned = true WHERE id = $1', [banned.user.id]);
    await cached.identity.settled();
    expect((await me(banned.tokens.token)).statusCode).toBe(401);

    const demoted = await member(siteA);
    const domains = () => get(cached, `/v1/sites/${siteA}/domains`, demoted.tokens.token);
    expect((await domains()).statusCode).toBe(200);
    await cached.db.ownerQuery('UPDATE memberships SET revoked_at = now() WHERE user_id = $1', [demoted.user.id]);
    await cached.identity.settled();
    expect((await domains()).statusCode).toBe(403);

    const narrowed = await member(siteA, 'analyst');
    const asAnalyst = () => get(cached, `/v1/sites/${siteA}/domains`, narrowed.tokens.token);
    expect((await asAnalyst()).statusCode).toBe(200);
    await cached.db.ownerQuery(
      "DELETE FROM role_permissions WHERE permission_key = 'domains.read' AND role_id = (SELECT id FROM roles WHERE site_id IS NULL AND key = 'analyst')",
    );
    try {
      await cached.identity.settled();
      expect((await asAnalyst()).statusCode).toBe(403);
    } finally {
      await cached.db.ownerQuery(
        "INSERT INTO role_permissions (role_id, permission_key) SELECT id, 'domains.read' FROM roles WHERE site_id IS NULL AND key = 'analyst'",
      );
    }

    const key = await apiKey(siteA);
    expect((await get(cached, `/v1/sites/${siteA}/domains`, key.key)).statusCode).toBe(200);
    await cached.db.ownerQuery('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [key.id]);
    await cached.identity.settled();
    expect((await get(cached, `/v1/sites/${siteA}/domains`, key.key)).statusCode).toBe(401);
  });

  it('serves nothing from memory while it cannot hear announcements, and reuses again once it listens', async () => {
    const { tokens } = await member(siteA);
    expect((await me(tokens.token)).statusCode).toBe(200);
    await cached.db.ownerQuery(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'admiral-auth-listener' AND datname = current_database()",
    );
    await cached.db.ownerQuery('ALTER TABLE sessions DISABLE TRIGGER sessions_auth_change');
    try {
      await sleep(100); // the listener notices its connection went
      await revokeInDatabase(tokens.token);
      expect((await me(tokens.token)).statusCode).toBe(401);
    } finally {
      await cached.db.ownerQuery('ALTER TABLE sessions ENABLE TRIGGER sessions_auth_change');
    }
    // It reconnects on its own, and callers are kept again.
    const again = await member(siteA);
    await expect
      .poll(
        async () => {
          await cached.identity.settled();
          return (
            await cached.db.ownerQuery<{ n: number }>(
              "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'admiral-auth-listener' AND datname = current_database()",
            )
          ).rows[0]?.n;
        },
        { timeout: 5000 },
      )
      .toBe(1);
    expect((await me(again.tokens.token)).statusCode).toBe(200);
    await cached.db.ownerQuery('ALTER TABLE sessions DISABLE TRIGGER sessions_auth_change');
    try {
      await revokeInDatabase(again.tokens.token);
      expect((await me(again.tokens.token)).statusCode).toBe(200); // from memory: proves reuse resumed
    } finally {
      await cached.db.ownerQuery('ALTER TABLE sessions ENABLE TRIGGER sessions_auth_change');
    }
  });

  it('never keeps a refusal: a credential that works again is accepted at once', async () => {
    const { tokens } = await member(siteA);
    await cached.db.ownerQuery("UPDATE sessions SET revoked_at = now() WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [tokens.token]);
    expect((await me(tokens.token)).statusCode).toBe(401);
    await cached.db.ownerQuery("UPDATE sessions SET revoked_at = NULL WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [tokens.token]);
    expect((await me(tokens.token)).statusCode).toBe(200);
  });

  it('keeps each site’s permissions apart', async () => {
    const { tokens } = await member(siteA);
    expect((await get(cached, `/v1/sites/${siteA}/domains`, tokens.token)).statusCode).toBe(200);
    expect((await get(cached, `/v1/sites/${siteB}/domains`, tokens.token)).statusCode).toBe(403);
    expect((await get(cached, `/v1/sites/${siteA}/domains`, tokens.token)).statusCode).toBe(200);
  });

  it('drops a session at once when this process ends it: sign-out, refresh, ban, password change', async () => {
    const signedOut = await member(siteA);
    expect((await me(signedOut.tokens.token)).statusCode).toBe(200);
    expect((await post('/v1/auth/sign-out', bearer(signedOut.tokens.token))).statusCode).toBe(200);
    expect((await me(signedOut.tokens.token)).statusCode).toBe(401);

    const refreshed = await member(siteA);
    expect((await me(refreshed.tokens.token)).statusCode).toBe(200);
    const next = await post('/v1/auth/refresh', {}, { refreshToken: refreshed.tokens.refreshToken });
    expect(next.statusCode, next.body).toBe(200);
    expect((await me(refreshed.tokens.token)).statusCode).toBe(401);
    expect((await me(next.json().token)).statusCode).toBe(200);

    const banned = await member(siteA);
    expect((await me(banned.tokens.token)).statusCode).toBe(200);
    expect((await post(`/v1/users/${banned.user.id}/ban`, superAdmin, { reason: 'spam' })).statusCode).toBe(200);
    expect((await me(banned.tokens.token)).statusCode).toBe(401);

    const changer = await member(siteA);
    const other = await signInOk(cached, changer.user);
    expect((await me(other.token)).statusCode).toBe(200);
    const changed = await post('/v1/me/password', bearer(changer.tokens.token), { currentPassword: changer.user.password, newPassword: strongPassword() });
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await me(other.token)).statusCode).toBe(401);
    expect((await me(changer.tokens.token)).statusCode).toBe(200);
  });

  it('drops an API key at once when this process revokes or rotates it', async () => {
    const revoked = await apiKey(siteA);
    expect((await get(cached, `/v1/sites/${siteA}/domains`, revoked.key)).statusCode).toBe(200);
    const gone = await cached.app.inject({ method: 'DELETE', url: `/v1/sites/${siteA}/api-keys/${revoked.id}`, headers: superAdmin });
    expect(gone.statusCode, gone.body).toBe(200);
    expect((await get(cached, `/v1/sites/${siteA}/domains`, revoked.key)).statusCode).toBe(401);

    const rotated = await apiKey(siteA);
    expect((await get(cached, `/v1/sites/${siteA}/domains`, rotated.key)).statusCode).toBe(200);
    const successor = await post(`/v1/sites/${siteA}/api-keys/${rotated.id}/rotate`, superAdmin);
    expect(successor.statusCode, successor.body).toBeLessThan(300);
    expect((await get(cached, `/v1/sites/${siteA}/domains`, rotated.key)).statusCode).toBe(401);
    expect((await get(cached, `/v1/sites/${siteA}/domains`, successor.json().key)).statusCode).toBe(200);
  });
});

describe('the resolvers write usage at most once a minute', () => {
  it('slides a session’s last_seen_at only when it is more than a minute old', async () => {
    const { tokens } = await member(siteA);
    const where = "token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')";
    const seen = async () =>
      (
        await cached.db.ownerQuery<{ seen_ago: number; idle_left: number }>(
          `SELECT extract(epoch FROM now() - last_seen_at)::float8 AS seen_ago, extract(epoch FROM idle_expires_at - now())::float8 AS idle_left
           FROM sessions WHERE ${where}`,
          [tokens.token],
        )
      ).rows[0];
    const setSeen = (secondsAgo: number) =>
      cached.db.ownerQuery(`UPDATE sessions SET last_seen_at = now() - make_interval(secs => $2), idle_expires_at = now() + interval '1 hour' WHERE ${where}`, [
        tokens.token,
        secondsAgo,
      ]);
    await setSeen(30);
    for (let i = 0; i < 3; i++) expect((await me(tokens.token, uncached)).statusCode).toBe(200);
    const untouched = await seen();
    expect(untouched?.seen_ago).toBeGreaterThan(29);
    expect(untouched?.idle_left).toBeLessThan(3601);
    await setSeen(61);
    expect((await me(tokens.token, uncached)).statusCode).toBe(200);
    const slid = await seen();
    expect(slid?.seen_ago).toBeLessThan(5);
    expect(slid?.idle_left).toBeGreaterThan(11 * 3600); // the 12 h idle window starts again
  });

  it('stamps an API key’s last_used_at only when it is more than a minute old', async () => {
    const key = await apiKey(siteA);
    const usedAgo = async () =>
      (
        await cached.db.ownerQuery<{ ago: number | null }>('SELECT extract(epoch FROM now() - last_used_at)::float8 AS ago FROM api_keys WHERE id = $1', [
          key.id,
        ])
      ).rows[0]?.ago;
    const list = () => get(uncached, `/v1/sites/${siteA}/domains`, key.key);
    expect(await usedAgo()).toBeNull();
    expect((await list()).statusCode).toBe(200);
    expect(await usedAgo()).toBeLessThan(5);
    await cached.db.ownerQuery("UPDATE api_keys SET last_used_at = now() - interval '30 seconds' WHERE id = $1", [key.id]);
    for (let i = 0; i < 3; i++) expect((await list()).statusCode).toBe(200);
    expect(await usedAgo()).toBeGreaterThan(29);
    await cached.db.ownerQuery("UPDATE api_keys SET last_used_at = now() - interval '61 seconds' WHERE id = $1", [key.id]);
    expect((await list()).statusCode).toBe(200);
    expect(await usedAgo()).toBeLessThan(5);
  });
});
