import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogPermission } from '../src/kernel/module.js';
import { syncAccessCatalog } from '../src/modules/access/catalog-sync.js';
import { SYSTEM_ROLES, systemRoleGrants } from '../src/modules/access/system-roles.js';
import { migrateDatabase } from '../src/runtime.js';
import { catalog, insertSites, type Role } from './helpers/access.js';
import { startTestAdmiral, superAdmin, type TestAdmiral } from './helpers/app.js';

let admiral: TestAdmiral;
const siteA = uuidv7();

const ACCESS_KEYS = [
  'api-keys.create',
  'api-keys.delete',
  'api-keys.read',
  'api-keys.update',
  'memberships.create',
  'memberships.delete',
  'memberships.read',
  'roles.create',
  'roles.delete',
  'roles.read',
  'roles.update',
];

interface PermissionRow {
  key: string;
  module: string;
  description: string;
}

async function permissionRows(): Promise<PermissionRow[]> {
  return (await admiral.db.ownerQuery<PermissionRow>('SELECT key, module, description FROM permissions ORDER BY key')).rows;
}

/** The system roles as stored: key → sorted "key[:condition]" grants, with the role rows themselves. */
async function storedSystemRoles(): Promise<{ roles: Array<{ id: string; key: string; name: string }>; grants: Record<string, string[]> }> {
  const roles = (await admiral.db.ownerQuery<{ id: string; key: string; name: string }>('SELECT id, key, name FROM roles WHERE site_id IS NULL ORDER BY key'))
    .rows;
  const grants: Record<string, string[]> = {};
  for (const role of roles) {
    const { rows } = await admiral.db.ownerQuery<{ permission_key: string; condition: string | null; site_id: string | null }>(
      'SELECT permission_key, condition, site_id FROM role_permissions WHERE role_id = $1',
      [role.id],
    );
    for (const row of rows) expect(row.site_id).toBeNull();
    grants[role.key] = rows.map((r) => (r.condition ? `${r.permission_key}:${r.condition}` : r.permission_key)).sort();
  }
  return { roles, grants };
}

function expectedGrants(from: readonly CatalogPermission[]): Record<string, string[]> {
  return Object.fromEntries(
    SYSTEM_ROLES.map((spec) => [
      spec.key,
      systemRoleGrants(spec, from)
        .map((g) => (g.condition ? `${g.key}:${g.condition}` : g.key))
        .sort(),
    ]),
  );
}

beforeAll(async () => {
  admiral = await startTestAdmiral();
  await insertSites(admiral, siteA);
});
afterAll(async () => admiral?.stop());

describe('permission catalog', () => {
  it('GET /v1/permissions lists the access module keys', async () => {
    const res = await admiral.app.inject({ method: 'GET', url: '/v1/permissions' });
    expect(res.statusCode).toBe(200);
    const keys = (res.json() as { data: Array<{ key: string }> }).data.map((p) => p.key);
    expect(keys).toEqual(expect.arrayContaining(ACCESS_KEYS));
    for (const key of keys) expect(key).toMatch(/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/);
  });

  it('migrate stored every catalog key with its module and description', async () => {
    const rows = await permissionRows();
    const byKey = new Map(rows.map((r) => [r.key, r]));
    for (const permission of catalog) {
      expect(byKey.get(permission.key), permission.key).toEqual({ key: permission.key, module: permission.module, description: permission.description });
    }
    for (const key of ACCESS_KEYS) expect(byKey.get(key)?.module).toBe('access');
    expect(byKey.get('domains.read')?.module).toBe('tenancy');
    expect(byKey.get('sites.create')?.module).toBe('tenancy');
  });

  it('the application role can read the catalog but not write it', async () => {
    const client = new pg.Client({ connectionString: admiral.db.runtimeUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('role', 'admiral_app', true)");
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM permissions');
      expect(rows[0]?.n).toBe(catalog.length);
      await expect(client.query("INSERT INTO permissions (key, module, description) VALUES ('evil.grant', 'evil', 'x')")).rejects.toMatchObject({
        code: '42501',
      });
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      await client.query("SELECT set_config('role', 'admiral_app', true)");
      await expect(client.query("UPDATE permissions SET description = 'x'")).rejects.toMatchObject({ code: '42501' });
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  });
});

describe('system roles', () => {
  it('exist with site_id null and the permissions the table computes from the catalog', async () => {
    const stored = await storedSystemRoles();
    expect(stored.roles.map((r) => r.key).sort()).toEqual(SYSTEM_ROLES.map((r) => r.key).sort());
    expect(stored.grants).toEqual(expectedGrants(catalog));
    expect(stored.grants.admin?.length).toBeGreaterThan(ACCESS_KEYS.length);
    expect(stored.grants.guest).toEqual([]);
  });

  it('are listed on every site by GET /roles, flagged system, with their permissions', async () => {
    const res = await admiral.app.inject({ method: 'GET', url: `/v1/sites/${siteA}/roles`, headers: superAdmin });
    expect(res.statusCode, res.body).toBe(200);
    const roles = (res.json() as { data: Role[] }).data;
    expect(roles.map((r) => r.key)).toEqual(SYSTEM_ROLES.map((r) => r.key));
    const expected = expectedGrants(catalog);
    for (const role of roles) {
      expect(role).toMatchObject({ siteId: null, system: true });
      expect(role.permissions.map((g) => (g.condition ? `${g.key}:${g.condition}` : g.key)).sort()).toEqual(expected[role.key]);
    }
    expect(roles.find((r) => r.key === 'super_admin')?.assignable).toBe(false);
    expect(roles.find((r) => r.key === 'admin')?.assignable).toBe(true);
  });
});

describe('syncAccessCatalog', () => {
  it('is idempotent: a second migrate changes nothing (same role ids, same rows)', async () => {
    const before = { permissions: await permissionRows(), roles: await storedSystemRoles() };
    await migrateDatabase(admiral.db);
    await syncAccessCatalog(admiral.db.ownerUrl, catalog);
    expect({ permissions: await permissionRows(), roles: await storedSystemRoles() }).toEqual(before);
  });

  it('is safe to run concurrently', async () => {
    const before = { permissions: await permissionRows(), roles: await storedSystemRoles() };
    await Promise.all(Array.from({ length: 6 }, () => syncAccessCatalog(admiral.db.ownerUrl, catalog)));
    expect({ permissions: await permissionRows(), roles: await storedSystemRoles() }).toEqual(before);
  });

  it('repairs drift: descriptions, role names, missing and extra system-role permissions', async () => {
    const before = { permissions: await permissionRows(), roles: await storedSystemRoles() };
    await admiral.db.ownerQuery("UPDATE permissions SET description = 'tampered', module = 'x' WHERE key = 'roles.read'");
    await admiral.db.ownerQuery("UPDATE roles SET name = 'Tampered' WHERE site_id IS NULL AND key = 'editor'");
    await admiral.db.ownerQuery(
      "DELETE FROM role_permissions WHERE role_id = (SELECT id FROM roles WHERE site_id IS NULL AND key = 'admin') AND permission_key = 'roles.delete'",
    );
    await admiral.db.ownerQuery(
      "INSERT INTO role_permissions (role_id, site_id, permission_key) SELECT id, NULL, 'api-keys.create' FROM roles WHERE site_id IS NULL AND key = 'guest'",
    );
    await syncAccessCatalog(admiral.db.ownerUrl, catalog);
    expect({ permissions: await permissionRows(), roles: await storedSystemRoles() }).toEqual(before);
  });

  it("gives a new module's permissions to the system roles, and takes them away when it goes (the key stays in the table)", async () => {
    const grown: CatalogPermission[] = [
      ...catalog,
      ...['read', 'create', 'update', 'delete'].map((action) => ({
        key: `widgets.${action}`,
        module: 'widgets',
        description: `${action} widgets`,
        scope: 'site' as const,
        ownable: true,
      })),
    ];
    await syncAccessCatalog(admiral.db.ownerUrl, grown);
    const stored = await storedSystemRoles();
    expect(stored.grants).toEqual(expectedGrants(grown));
    expect(stored.grants.admin).toEqual(expect.arrayContaining(['widgets.read', 'widgets.create', 'widgets.update', 'widgets.delete']));
    expect(stored.grants.author).toEqual(expect.arrayContaining(['widgets.read', 'widgets.create:own', 'widgets.update:own']));
    expect(stored.grants.analyst).toContain('widgets.read');
    expect(stored.grants.analyst).not.toContain('widgets.create');
    expect((await permissionRows()).find((r) => r.key === 'widgets.read')).toEqual({ key: 'widgets.read', module: 'widgets', description: 'read widgets' });

    await syncAccessCatalog(admiral.db.ownerUrl, catalog);
    const after = await storedSystemRoles();
    expect(after.grants).toEqual(expectedGrants(catalog));
    expect((await permissionRows()).map((r) => r.key)).toContain('widgets.read');
    await admiral.db.ownerQuery("DELETE FROM permissions WHERE module = 'widgets'");
  });
});
