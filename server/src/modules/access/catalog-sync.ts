import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import type { CatalogPermission } from '../../kernel/module.js';
import { byKey, SYSTEM_ROLES, systemRoleGrants } from './system-roles.js';

/**
 * Upserts every catalog key into `permissions` (key, module, description). Keys no module declares any more
 * stay (custom roles may still name them) but can no longer be granted. Idempotent; concurrent runs are safe
 * (INSERT … ON CONFLICT, in key order).
 */
export async function syncPermissionCatalog(owner: pg.ClientBase, catalog: readonly CatalogPermission[]): Promise<void> {
  if (catalog.length === 0) return;
  const sorted = [...catalog].sort(byKey);
  await owner.query(
    `INSERT INTO permissions (key, module, description)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT (key) DO UPDATE SET module = excluded.module, description = excluded.description
     WHERE (permissions.module, permissions.description) IS DISTINCT FROM (excluded.module, excluded.description)`,
    [sorted.map((p) => p.key), sorted.map((p) => p.module), sorted.map((p) => p.description)],
  );
}

/** Creates or refreshes the system roles (site_id null) and sets each one's permissions to what the catalog gives it. */
export async function syncSystemRoles(owner: pg.ClientBase, catalog: readonly CatalogPermission[]): Promise<void> {
  for (const role of SYSTEM_ROLES) {
    const existing = await owner.query<{ id: string }>('SELECT id FROM roles WHERE site_id IS NULL AND key = $1 AND deleted_at IS NULL', [role.key]);
    let id = existing.rows[0]?.id;
    if (id) {
      await owner.query('UPDATE roles SET name = $2, description = $3, updated_at = now() WHERE id = $1 AND (name, description) IS DISTINCT FROM ($2, $3)', [
        id,
        role.name,
        role.description,
      ]);
    } else {
      id = uuidv7();
      await owner.query('INSERT INTO roles (id, site_id, key, name, description) VALUES ($1, NULL, $2, $3, $4)', [id, role.key, role.name, role.description]);
    }
    const grants = systemRoleGrants(role, catalog);
    const keys = grants.map((g) => g.key);
    await owner.query('DELETE FROM role_permissions WHERE role_id = $1 AND NOT (permission_key = ANY($2::text[]))', [id, keys]);
    await owner.query(
      `INSERT INTO role_permissions (role_id, site_id, permission_key, condition)
       SELECT $1, NULL, k, c FROM unnest($2::text[], $3::text[]) AS g(k, c)
       ON CONFLICT (role_id, permission_key) DO UPDATE SET condition = excluded.condition
       WHERE role_permissions.condition IS DISTINCT FROM excluded.condition`,
      [id, keys, grants.map((g) => g.condition)],
    );
  }
}

/**
 * The access module's part of `migrate`: the catalog and the system roles, in one transaction as the owner.
 * An advisory lock serialises concurrent runs; `app.rls_bypass` opens the owner-maintenance policies that
 * FORCE ROW LEVEL SECURITY would otherwise close to the owner too.
 */
export async function syncAccessCatalog(ownerUrl: string, catalog: readonly CatalogPermission[]): Promise<void> {
  const owner = new pg.Client({ connectionString: ownerUrl, application_name: 'admiral-migrate' });
  await owner.connect();
  try {
    await owner.query('BEGIN');
    await owner.query("SELECT pg_advisory_xact_lock(hashtext('admiral:access-catalog')), set_config('app.rls_bypass', 'on', true)");
    await syncPermissionCatalog(owner, catalog);
    await syncSystemRoles(owner, catalog);
    await owner.query('COMMIT');
  } catch (error) {
    await owner.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await owner.end();
  }
}
