import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../src/kernel/db/pool.js';
import { tenantTableNames } from '../src/kernel/db/tenant-table.js';
import { Database, SiteInactiveError, SiteNotFoundError } from '../src/kernel/db/transaction.js';
import { isolationTesting } from '../src/kernel/resources/service.js';
import { createModules } from '../src/modules/index.js';
import { bearer, startTestAdmiral, staticPrincipal, type TestAdmiral } from './helpers/app.js';

let admiral: TestAdmiral;
let pool: Pool;
let db: Database;
const siteA = uuidv7();
const siteB = uuidv7();
const adminA = uuidv7();

beforeAll(async () => {
  admiral = await startTestAdmiral({
    tokens: { 'admin-a': staticPrincipal({ id: adminA, sites: { [siteA]: ['domains.read', 'domains.create', 'domains.update', 'domains.delete'] } }) },
  });
  pool = createPool({ connectionString: admiral.db.runtimeUrl, max: 4, applicationName: 'rls-test' });
  db = new Database(pool);
  await admiral.db.ownerQuery("INSERT INTO sites (id, name, slug) VALUES ($1, 'A', 'site-a'), ($2, 'B', 'site-b')", [siteA, siteB]);
  for (const [site, host] of [
    [siteA, 'a.example.test'],
    [siteB, 'b.example.test'],
    [siteB, 'b2.example.test'],
  ] as const) {
    await admiral.db.ownerQuery('INSERT INTO domain_mappings (id, site_id, domain_name) VALUES ($1, $2, $3)', [uuidv7(), site, host]);
  }
});
afterAll(async () => {
  isolationTesting.skipApplicationSiteFilter = false;
  await pool?.end();
  await admiral?.stop();
});

describe('row-level security', () => {
  it('every tenant table has RLS enabled and forced, with the site policy for reads and writes', async () => {
    // Load every module's schema so the registry is complete.
    createModules({});
    expect(tenantTableNames.size).toBeGreaterThan(0);
    const { rows } = await admiral.db.ownerQuery<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'",
    );
    const byName = new Map(rows.map((r) => [r.relname, r]));
    // Any table with a site_id column is a tenant table and must be isolated.
    const withSite = await admiral.db.ownerQuery<{ table_name: string }>(
      "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'site_id'",
    );
    const tenantish = new Set([...tenantTableNames, ...withSite.rows.map((r) => r.table_name)]);
    tenantish.delete('job_runs'); // platform bookkeeping: records which site a job served, holds no tenant data
    for (const table of tenantish) {
      const row = byName.get(table);
      expect(row, table).toBeDefined();
      expect(row?.relrowsecurity, `${table} RLS enabled`).toBe(true);
      expect(row?.relforcerowsecurity, `${table} RLS forced`).toBe(true);
      const policies = await admiral.db.ownerQuery<{ qual: string; with_check: string; roles: string[] | string }>(
        'SELECT qual, with_check, roles FROM pg_policies WHERE tablename = $1 AND policyname LIKE $2',
        [table, '%isolation'],
      );
      // One FOR ALL policy, or (tables that also hold platform-wide rows, like system roles) one per command.
      expect(policies.rowCount, `${table} has isolation policies`).toBeGreaterThanOrEqual(1);
      for (const policy of policies.rows) {
        const expression = `${policy.qual ?? ''} ${policy.with_check ?? ''}`;
        expect(expression, `${table}: every isolation policy is bound to app.site_id`).toContain("current_setting('app.site_id'");
      }
      const writes = await admiral.db.ownerQuery<{ with_check: string | null; cmd: string }>(
        "SELECT with_check, cmd FROM pg_policies WHERE tablename = $1 AND policyname LIKE '%isolation' AND cmd IN ('ALL', 'INSERT', 'UPDATE')",
        [table],
      );
      expect(writes.rowCount, `${table} checks the site on writes`).toBeGreaterThanOrEqual(1);
      for (const policy of writes.rows) expect(policy.with_check, `${table} ${policy.cmd} WITH CHECK`).toContain("current_setting('app.site_id'");
    }
  });

  it('every tenant table has an index led by site_id', async () => {
    for (const table of tenantTableNames) {
      const { rows } = await admiral.db.ownerQuery<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE tablename = $1', [table]);
      expect(
        rows.some((r) => /\(site_id[,)]/.test(r.indexdef)),
        `${table} index led by site_id`,
      ).toBe(true);
    }
  });

  it('a tenant transaction sees only its site, even with no WHERE clause', async () => {
    const a = await db.withTenant({ siteId: siteA }, async (tx) => (await tx.$client.query('SELECT domain_name FROM domain_mappings')).rows);
    expect(a.map((r) => r.domain_name)).toEqual(['a.example.test']);
    const b = await db.withTenant({ siteId: siteB }, async (tx) => (await tx.$client.query('SELECT count(*)::int AS n FROM domain_mappings')).rows[0]?.n);
    expect(b).toBe(2);
  });

  it('the platform context sees no tenant rows at all', async () => {
    const n = await db.asPlatform({}, async (tx) => (await tx.$client.query('SELECT count(*)::int AS n FROM domain_mappings')).rows[0]?.n);
    expect(n).toBe(0);
  });

  it('writing a row into another site is refused by the policy (WITH CHECK)', async () => {
    await expect(
      db.withTenant({ siteId: siteA }, (tx) =>
        tx.$client.query('INSERT INTO domain_mappings (id, site_id, domain_name) VALUES ($1, $2, $3)', [uuidv7(), siteB, 'sneaky.example.test']),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    const updated = await db.withTenant(
      { siteId: siteA },
      async (tx) => (await tx.$client.query("UPDATE domain_mappings SET is_active = false WHERE domain_name LIKE 'b%'")).rowCount,
    );
    expect(updated).toBe(0);
  });

  it('with the application site filter disabled, RLS alone still hides site B from site A', async () => {
    isolationTesting.skipApplicationSiteFilter = true;
    try {
      const listed = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/domains`, headers: bearer('admin-a') });
      expect(listed.statusCode).toBe(200);
      expect(listed.json().data.map((d: { domainName: string }) => d.domainName)).toEqual(['a.example.test']);
      const bIds = await admiral.db.ownerQuery<{ id: string }>('SELECT id FROM domain_mappings WHERE site_id = $1', [siteB]);
      for (const { id } of bIds.rows) {
        const got = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/domains/${id}`, headers: bearer('admin-a') });
        expect(got.statusCode).toBe(404);
        const patched = await admiral.app.inject({
          method: 'PATCH',
          url: `/v1/sites/${siteA}/domains/${id}`,
          headers: bearer('admin-a'),
          payload: { isActive: false },
        });
        expect(patched.statusCode).toBe(404);
        const removed = await admiral.app.inject({ method: 'DELETE', url: `/v1/sites/${siteA}/domains/${id}`, headers: bearer('admin-a') });
        expect(removed.statusCode).toBe(404);
      }
      const still = await admiral.db.ownerQuery('SELECT 1 FROM domain_mappings WHERE site_id = $1 AND is_active', [siteB]);
      expect(still.rowCount).toBe(2);
    } finally {
      isolationTesting.skipApplicationSiteFilter = false;
    }
  });

  it('unknown and inactive sites are refused before any work', async () => {
    await expect(db.withTenant({ siteId: uuidv7() }, async () => 1)).rejects.toBeInstanceOf(SiteNotFoundError);
    const suspended = uuidv7();
    await admiral.db.ownerQuery("INSERT INTO sites (id, name, slug, status) VALUES ($1, 'S', 'suspended-site', 'suspended')", [suspended]);
    await expect(db.withTenant({ siteId: suspended }, async () => 1)).rejects.toBeInstanceOf(SiteInactiveError);
    await expect(db.withTenant({ siteId: suspended, allowInactive: true }, async () => 1)).resolves.toBe(1);
  });

  it('refuses a non-UUID site id instead of inlining it', async () => {
    await expect(db.withTenant({ siteId: "x'; DROP TABLE sites; --" }, async () => 1)).rejects.toThrow(TypeError);
  });

  it('the prologue and the work share one transaction and roll back together', async () => {
    await expect(
      db.withTenant({ siteId: siteA }, async (tx) => {
        await tx.$client.query('INSERT INTO domain_mappings (id, site_id, domain_name) VALUES ($1, $2, $3)', [uuidv7(), siteA, 'rolled.example.test']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await admiral.db.ownerQuery("SELECT 1 FROM domain_mappings WHERE domain_name = 'rolled.example.test'")).rowCount).toBe(0);
    const settings = await db.withTenant(
      { siteId: siteA, userId: adminA },
      async (tx) =>
        (await tx.$client.query("SELECT current_user AS role, current_setting('app.site_id') AS site, current_setting('app.user_id') AS usr")).rows[0],
    );
    expect(settings).toEqual({ role: 'admiral_app', site: siteA, usr: adminA });
  });

  it('tables known to Drizzle match the registry', () => {
    const modules = createModules({});
    const tables = modules.flatMap((m) => Object.values(m.tables ?? {})) as PgTable[];
    const rlsTables = tables.filter((t) => getTableConfig(t).enableRLS).map((t) => getTableConfig(t).name);
    for (const name of tenantTableNames) expect(rlsTables).toContain(name);
  });
});

describe('timestamps', () => {
  it('PostgreSQL text forms convert to the same RFC 3339 string on the fast and the slow path', async () => {
    const { isoFromPostgres } = await import('../src/kernel/db/timestamps.js');
    expect(isoFromPostgres('2026-11-22 06:05:00.524+00')).toBe('2026-11-22T06:05:00.524Z');
    expect(isoFromPostgres('2026-11-22 06:05:00.5+00')).toBe('2026-11-22T06:05:00.500Z');
    expect(isoFromPostgres('2026-11-22 06:05:00+00')).toBe('2026-11-22T06:05:00.000Z');
    expect(isoFromPostgres('2026-11-22 08:05:00.524+02')).toBe('2026-11-22T06:05:00.524Z');
    const { rows } = await admiral.db.ownerQuery<{ t: string }>("SELECT '2026-01-02 03:04:05.067+00'::timestamptz(3) AS t");
    expect(rows[0]?.t).toBe('2026-01-02T03:04:05.067Z');
  });
});
