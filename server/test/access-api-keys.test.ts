import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/kernel/crypto/tokens.js';
import { API_KEY_PATTERN } from '../src/modules/access/api-key-secret.js';
import { type ApiKey, type ApiKeyWithSecret, accessCounts, auditCount, auditsFor, expectProblem, insertSites, SITE_KEYS } from './helpers/access.js';
import { bearer, startTestAdmiral, staticPrincipal, superAdmin, type TestAdmiral } from './helpers/app.js';

let admiral: TestAdmiral;
const siteA = uuidv7();
const siteB = uuidv7();
const ADMIN = uuidv7();
const LIMITED = uuidv7();
const admin = bearer('admin');
const limited = bearer('limited');
const secrets: string[] = [];

const url = (site = siteA) => `/v1/sites/${site}/api-keys`;

async function create(payload: Record<string, unknown>, headers = admin): Promise<ApiKeyWithSecret> {
  const res = await admiral.app.inject({ method: 'POST', url: url(), headers, payload });
  expect(res.statusCode, res.body).toBe(201);
  const created = res.json() as ApiKeyWithSecret;
  secrets.push(created.key);
  return created;
}

/** Every table in every schema the application uses, searched for a string in any column. */
async function databaseContains(needle: string): Promise<string[]> {
  const { rows: tables } = await admiral.db.ownerQuery<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  expect(tables.length).toBeGreaterThan(10);
  const found: string[] = [];
  for (const { schema, name } of tables) {
    const { rows } = await admiral.db.ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}"."${name}" t WHERE strpos(t::text, $1) > 0`, [
      needle,
    ]);
    if ((rows[0]?.n ?? 0) > 0) found.push(`${schema}.${name}`);
  }
  return found;
}

async function asApp<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: admiral.db.runtimeUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('role', 'admiral_app', true), set_config('app.site_id', $1, true)", [siteA]);
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
      limited: staticPrincipal({ id: LIMITED, sites: { [siteA]: ['api-keys.read', 'api-keys.create', 'api-keys.update', 'api-keys.delete', 'domains.read'] } }),
    },
  });
  await insertSites(admiral, siteA, siteB);
});
afterAll(async () => admiral?.stop());

describe('creating a key', () => {
  it('answers 201 with the whole key once; stores only its prefix and SHA-256; audited once without secrets', async () => {
    const before = await auditCount(admiral);
    const res = await admiral.app.inject({
      method: 'POST',
      url: url(),
      headers: admin,
      payload: { name: 'CI deploys', permissions: ['domains.read', 'domains.create'] },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const created = res.json() as ApiKeyWithSecret;
    secrets.push(created.key);
    const match = API_KEY_PATTERN.exec(created.key);
    expect(match, created.key).not.toBeNull();
    expect(match?.[1]).toBe(created.prefix);
    expect(created.prefix).toMatch(/^[a-z0-9]{12}$/);
    expect(Buffer.from(match?.[2] ?? '', 'base64url')).toHaveLength(32);
    expect(created).toMatchObject({
      siteId: siteA,
      name: 'CI deploys',
      permissions: ['domains.read', 'domains.create'],
      status: 'active',
      expiresAt: null,
      createdBy: ADMIN,
      rotatedFromId: null,
      revokedAt: null,
    });
    expect(created).not.toHaveProperty('secretHash');
    expect(res.headers.location).toBe(`${url()}/${created.id}`);

    const stored = await admiral.db.ownerQuery<{ prefix: string; secret_hash: string }>('SELECT prefix, secret_hash FROM api_keys WHERE id = $1', [created.id]);
    expect(stored.rows[0]).toEqual({ prefix: created.prefix, secret_hash: sha256Hex(created.key) });

    expect(await auditCount(admiral)).toBe(before + 1);
    const [audit] = await auditsFor(admiral, created.id);
    expect(audit).toMatchObject({ action: 'api_key.created', category: 'access', target_type: 'api_key', actor_user_id: ADMIN, site_id: siteA });
    const { key: _shownOnce, ...publicView } = created;
    expect(audit?.after).toEqual(publicView);
    const auditText = JSON.stringify(audit);
    expect(auditText).not.toContain(match?.[2]);
    expect(auditText).not.toContain(sha256Hex(created.key));
  });

  it('lists and gets keys without the secret or its hash', async () => {
    const created = await create({ name: 'Listed', permissions: ['domains.read'] });
    const secret = created.key.split('_').slice(2).join('_');
    const list = await admiral.app.inject({ method: 'GET', url: url(), headers: admin });
    expect(list.statusCode).toBe(200);
    const keys = (list.json() as { data: ApiKey[] }).data;
    const listed = keys.find((k) => k.id === created.id);
    const { key: _once, ...publicView } = created;
    expect(listed).toEqual(publicView);
    for (const body of [list.body, (await admiral.app.inject({ method: 'GET', url: `${url()}/${created.id}`, headers: admin })).body]) {
      expect(body).not.toContain(secret);
      expect(body).not.toContain(sha256Hex(created.key));
      expect(body).not.toMatch(/"key"|secretHash|secret_hash/);
    }
  });

  it('authenticates requests for its own site with exactly its permissions', async () => {
    const created = await create({ name: 'Reader', permissions: ['domains.read'] });
    const read = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/domains`, headers: bearer(created.key) });
    expect(read.statusCode, read.body).toBe(200);
    expectProblem(
      await admiral.app.inject({ method: 'POST', url: `/v1/sites/${siteA}/domains`, headers: bearer(created.key), payload: { domainName: 'k.example.test' } }),
      403,
      'permission_denied',
    );
    expectProblem(await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteB}/domains`, headers: bearer(created.key) }), 403, 'permission_denied');
    // A key whose secret is wrong but prefix right is refused.
    const forged = `${created.key.slice(0, -4)}AAAA`;
    expectProblem(await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/domains`, headers: bearer(forged) }), 401, 'unauthenticated');
  });

  it('refuses unknown, platform-level and repeated permissions (422) and an empty list (400)', async () => {
    const before = await accessCounts(admiral);
    const cases: Array<[string[], string, string[]]> = [
      [['domains.read', 'no.such'], 'unknown_permission', ['/permissions/1']],
      [['sites.create'], 'unknown_permission', ['/permissions/0']],
      [['domains.read', 'domains.read'], 'duplicate_permission', ['/permissions/1']],
    ];
    for (const [permissions, code, pointers] of cases) {
      const res = await admiral.app.inject({ method: 'POST', url: url(), headers: superAdmin, payload: { name: 'Bad', permissions } });
      expectProblem(res, 422, code);
      expect((res.json() as { errors: Array<{ pointer: string }> }).errors.map((e) => e.pointer)).toEqual(pointers);
    }
    expectProblem(
      await admiral.app.inject({ method: 'POST', url: url(), headers: admin, payload: { name: 'Empty', permissions: [] } }),
      400,
      'validation_failed',
    );
    expectProblem(
      await admiral.app.inject({ method: 'POST', url: url(), headers: admin, payload: { name: '', permissions: ['domains.read'] } }),
      400,
      'validation_failed',
    );
    expect(await accessCounts(admiral)).toEqual(before);
  });

  it('grants no more than the creator holds (super admins may grant any site permission)', async () => {
    const before = await accessCounts(admiral);
    const res = await admiral.app.inject({
      method: 'POST',
      url: url(),
      headers: limited,
      payload: { name: 'Too strong', permissions: ['domains.read', 'domains.delete'] },
    });
    expectProblem(res, 403, 'permission_escalation');
    expect(res.json().detail).toContain('domains.delete');
    expect(await accessCounts(admiral)).toEqual(before);
    const ok = await create({ name: 'Within', permissions: ['domains.read'] }, limited);
    expect(ok.createdBy).toBe(LIMITED);
    const sup = await admiral.app.inject({
      method: 'POST',
      url: url(),
      headers: superAdmin,
      payload: { name: 'Anything', permissions: ['roles.delete', 'api-keys.create'] },
    });
    expect(sup.statusCode, sup.body).toBe(201);
    secrets.push((sup.json() as ApiKeyWithSecret).key);
  });

  it('refuses an expiry in the past (422 invalid_expiry)', async () => {
    const before = await accessCounts(admiral);
    const res = await admiral.app.inject({
      method: 'POST',
      url: url(),
      headers: admin,
      payload: { name: 'Stale', permissions: ['domains.read'], expiresAt: new Date(Date.now() - 60_000).toISOString() },
    });
    expectProblem(res, 422, 'invalid_expiry');
    expect(await accessCounts(admiral)).toEqual(before);
  });

  it('refuses Idempotency-Key, since the response holds a secret that is never stored', async () => {
    const before = await accessCounts(admiral);
    const res = await admiral.app.inject({
      method: 'POST',
      url: url(),
      headers: { ...admin, 'idempotency-key': 'create-key-1' },
      payload: { name: 'Replayed', permissions: ['domains.read'] },
    });
    expectProblem(res, 400, 'idempotency_unsupported');
    expect(await accessCounts(admiral)).toEqual(before);
    expect((await admiral.db.ownerQuery("SELECT 1 FROM idempotency_keys WHERE key = 'create-key-1'")).rowCount).toBe(0);
  });
});

describe('expiry', () => {
  it('a key past its expiresAt reads as expired, stops authenticating, and cannot be rotated', async () => {
    const created = await create({ name: 'Short-lived', permissions: ['domains.read'], expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect(created.status).toBe('active');
    expect((await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/domains`, headers: bearer(created.key) })).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    const got = await admiral.app.inject({ method: 'GET', url: `${url()}/${created.id}`, headers: admin });
    expect(got.json()).toMatchObject({ id: created.id, status: 'expired', revokedAt: null });
    expectProblem(await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/domains`, headers: bearer(created.key) }), 401, 'unauthenticated');
    expectProblem(await admiral.app.inject({ method: 'POST', url: `${url()}/${created.id}/rotate`, headers: admin }), 409, 'api_key_expired');
  });
});

describe('rotation', () => {
  it('revokes the old key and returns a new one (same name, permissions, expiry; rotatedFromId) once, audited once', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const old = await create({ name: 'Rotated', permissions: ['domains.read'], expiresAt });
    const before = await auditCount(admiral);
    const res = await admiral.app.inject({ method: 'POST', url: `${url()}/${old.id}/rotate`, headers: admin });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const fresh = res.json() as ApiKeyWithSecret;
    secrets.push(fresh.key);
    expect(fresh).toMatchObject({
      name: 'Rotated',
      permissions: ['domains.read'],
      expiresAt: old.expiresAt,
      rotatedFromId: old.id,
      status: 'active',
      createdBy: ADMIN,
    });
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.key).not.toBe(old.key);
    expect(fresh.prefix).not.toBe(old.prefix);
    expect(res.headers.location).toBe(`${url()}/${fresh.id}`);
    const previous = await admiral.app.inject({ method: 'GET', url: `${url()}/${old.id}`, headers: admin });
    expect(previous.json()).toMatchObject({ status: 'revoked', revokedBy: ADMIN });

    expect(await auditCount(admiral)).toBe(before + 1);
    const [audit] = await auditsFor(admiral, fresh.id);
    expect(audit).toMatchObject({ action: 'api_key.rotated', target_id: fresh.id, metadata: { revokedKeyId: old.id } });
    const { key: _oldKey, ...oldView } = old;
    const { key: _newKey, ...newView } = fresh;
    expect(audit?.before).toEqual(oldView);
    expect(audit?.after).toEqual(newView);
    for (const key of [old.key, fresh.key]) expect(JSON.stringify(audit)).not.toContain(key.split('_').slice(2).join('_'));

    expectProblem(await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/domains`, headers: bearer(old.key) }), 401, 'unauthenticated');
    expect((await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/domains`, headers: bearer(fresh.key) })).statusCode).toBe(200);

    const counts = await accessCounts(admiral);
    expectProblem(await admiral.app.inject({ method: 'POST', url: `${url()}/${old.id}/rotate`, headers: admin }), 409, 'api_key_revoked');
    expectProblem(await admiral.app.inject({ method: 'POST', url: `${url()}/${uuidv7()}/rotate`, headers: admin }), 404, 'not_found');
    expectProblem(
      await admiral.app.inject({ method: 'POST', url: `${url()}/${fresh.id}/rotate`, headers: { ...admin, 'idempotency-key': 'rotate-1' } }),
      400,
      'idempotency_unsupported',
    );
    expect(await accessCounts(admiral)).toEqual(counts);
  });

  it('nobody rotates (or revokes) a key that holds more than they do', async () => {
    const strong = await create({ name: 'Strong', permissions: ['domains.read', 'domains.delete'] });
    const before = await accessCounts(admiral);
    expectProblem(await admiral.app.inject({ method: 'POST', url: `${url()}/${strong.id}/rotate`, headers: limited }), 403, 'permission_escalation');
    expectProblem(await admiral.app.inject({ method: 'DELETE', url: `${url()}/${strong.id}`, headers: limited }), 403, 'permission_escalation');
    expect(await accessCounts(admiral)).toEqual(before);
  });
});

describe('revocation', () => {
  it('revokes (stays listed with includeRevoked), stops authenticating, audited once; twice is 409', async () => {
    const created = await create({ name: 'Revoked', permissions: ['domains.read'] });
    const before = await auditCount(admiral);
    const res = await admiral.app.inject({ method: 'DELETE', url: `${url()}/${created.id}`, headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: created.id, status: 'revoked', revokedBy: ADMIN });
    expect(await auditCount(admiral)).toBe(before + 1);
    const audit = (await auditsFor(admiral, created.id)).at(-1);
    expect(audit).toMatchObject({ action: 'api_key.revoked', actor_user_id: ADMIN });
    expect(audit?.before).toEqual({ status: 'active', revokedAt: null, revokedBy: null });
    expect(audit?.after).toMatchObject({ status: 'revoked', revokedBy: ADMIN });

    expectProblem(await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/domains`, headers: bearer(created.key) }), 401, 'unauthenticated');
    const active = (await admiral.app.inject({ method: 'GET', url: url(), headers: admin })).json() as { data: ApiKey[] };
    expect(active.data.map((k) => k.id)).not.toContain(created.id);
    const all = (await admiral.app.inject({ method: 'GET', url: `${url()}?includeRevoked=true`, headers: admin })).json() as { data: ApiKey[] };
    expect(all.data.find((k) => k.id === created.id)?.status).toBe('revoked');

    const counts = await accessCounts(admiral);
    expectProblem(await admiral.app.inject({ method: 'DELETE', url: `${url()}/${created.id}`, headers: admin }), 409, 'api_key_revoked');
    expect(await accessCounts(admiral)).toEqual(counts);
  });

  it('the database keeps keys fixed: no widening, no un-revoking, no deleting', async () => {
    const created = await create({ name: 'Fixed', permissions: ['domains.read'] });
    await expect(asApp((c) => c.query("UPDATE api_keys SET permissions = '{domains.delete}' WHERE id = $1", [created.id]))).rejects.toMatchObject({
      code: '23514',
      constraint: 'api_keys_history_immutable',
    });
    await expect(asApp((c) => c.query("UPDATE api_keys SET expires_at = now() + interval '10 years' WHERE id = $1", [created.id]))).rejects.toMatchObject({
      code: '23514',
    });
    await expect(asApp((c) => c.query('DELETE FROM api_keys WHERE id = $1', [created.id]))).rejects.toMatchObject({ code: '42501' });
    const revoked = await admiral.app.inject({ method: 'DELETE', url: `${url()}/${created.id}`, headers: admin });
    expect(revoked.statusCode).toBe(200);
    await expect(asApp((c) => c.query('UPDATE api_keys SET revoked_at = NULL, revoked_by = NULL WHERE id = $1', [created.id]))).rejects.toMatchObject({
      code: '23514',
    });
    await expect(admiral.db.ownerQuery('UPDATE api_keys SET revoked_at = NULL WHERE id = $1', [created.id])).rejects.toMatchObject({ code: '23514' });
  });
});

describe('secrets at rest', () => {
  it('no key made in this file appears anywhere in the database (every table, every schema)', async () => {
    expect(secrets.length).toBeGreaterThan(8);
    for (const key of secrets) {
      const secret = key.split('_').slice(2).join('_');
      expect(await databaseContains(secret), key).toEqual([]);
      expect(await databaseContains(key), key).toEqual([]);
    }
    // The search itself works: a hash that is stored is found.
    expect(await databaseContains(sha256Hex(secrets[0] as string))).toEqual(['public.api_keys']);
  });
});
