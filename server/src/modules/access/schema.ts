import { sql } from 'drizzle-orm';
import { check, foreignKey, index, pgPolicy, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, timestampColumn, updatedAtColumn } from '../../kernel/db/columns.js';
import { appRole, tenantTable } from '../../kernel/db/tenant-table.js';
import { users } from '../identity/schema.js';

/** The permission catalog, synced from the modules' declarations on every migrate. */
export const permissions = pgTable('permissions', {
  key: text('key').primaryKey(),
  module: text('module').notNull(),
  description: text('description').notNull(),
  createdAt: createdAtColumn(),
});

const systemOrCurrentSite = sql`site_id is null or site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)`;
const currentSiteOnly = sql`site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)`;

/**
 * Roles: system roles (site_id null, managed by code, visible on every site) and a site's custom roles.
 * RLS: a site sees the system roles and its own; it can only write its own. Deleting a custom role stamps
 * deleted_at (memberships history keeps pointing at it) and frees its key.
 */
export const roles = pgTable(
  'roles',
  {
    id: idColumn(),
    siteId: uuid('site_id'),
    key: text('key').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    deletedAt: timestampColumn('deleted_at'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    uniqueIndex('roles_site_key').on(sql`coalesce(${t.siteId}, '00000000-0000-0000-0000-000000000000'::uuid)`, t.key).where(sql`deleted_at is null`),
    // Target of role_permissions' (role_id, site_id) reference: a grant row always carries its role's site.
    unique('roles_id_site_id_key').on(t.id, t.siteId),
    index('roles_site_id_idx').on(t.siteId, t.id),
    check('roles_key_check', sql`${t.key} ~ '^[a-z][a-z0-9_-]{1,62}$'`),
    pgPolicy('roles_read_isolation', { as: 'permissive', for: 'select', to: appRole, using: systemOrCurrentSite }),
    pgPolicy('roles_write_isolation', { as: 'permissive', for: 'insert', to: appRole, withCheck: currentSiteOnly }),
    pgPolicy('roles_update_isolation', { as: 'permissive', for: 'update', to: appRole, using: currentSiteOnly, withCheck: currentSiteOnly }),
    pgPolicy('roles_delete_isolation', { as: 'permissive', for: 'delete', to: appRole, using: currentSiteOnly }),
  ],
).enableRLS();

export const PERMISSION_CONDITIONS = ['own'] as const;

/** Which permissions a role grants; `condition = 'own'` limits it to rows the caller owns. */
export const rolePermissions = pgTable(
  'role_permissions',
  {
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
    siteId: uuid('site_id'),
    permissionKey: text('permission_key')
      .notNull()
      .references(() => permissions.key, { onDelete: 'cascade' }),
    condition: text('condition', { enum: PERMISSION_CONDITIONS }),
  },
  (t) => [
    primaryKey({ columns: [t.roleId, t.permissionKey] }),
    // A site's row can only belong to that site's role (a system role's rows have site_id null and are written by code).
    foreignKey({ name: 'role_permissions_role_site_fk', columns: [t.roleId, t.siteId], foreignColumns: [roles.id, roles.siteId] }).onDelete('cascade'),
    index('role_permissions_site_id_idx').on(t.siteId, t.roleId),
    check('role_permissions_condition_check', sql`${t.condition} is null or ${t.condition} = 'own'`),
    pgPolicy('role_permissions_read_isolation', { as: 'permissive', for: 'select', to: appRole, using: systemOrCurrentSite }),
    pgPolicy('role_permissions_write_isolation', { as: 'permissive', for: 'insert', to: appRole, withCheck: currentSiteOnly }),
    pgPolicy('role_permissions_delete_isolation', { as: 'permissive', for: 'delete', to: appRole, using: currentSiteOnly }),
  ],
).enableRLS();

/**
 * A user's role on a site. Rows are history: a grant inserts one, a revoke stamps revoked_at/by, and at
 * most one row per (user, site) is active.
 */
export const memberships = tenantTable(
  'memberships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id),
    assignedBy: uuid('assigned_by'),
    assignedAt: timestampColumn('assigned_at').notNull().default(sql`now()`),
    revokedBy: uuid('revoked_by'),
    revokedAt: timestampColumn('revoked_at'),
  },
  (t) => [
    uniqueIndex('memberships_one_active_per_user_site').on(t.siteId, t.userId).where(sql`revoked_at is null`),
    index('memberships_user_idx').on(t.userId),
  ],
);

/** Machine credentials for one site: named, scoped to permissions, expiring, hashed, revocable. */
export const apiKeys = tenantTable(
  'api_keys',
  {
    name: text('name').notNull(),
    /** Public lookup part of the key (`admk_<prefix>_<secret>`); unique platform-wide. */
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    permissions: text('permissions').array().notNull(),
    expiresAt: timestampColumn('expires_at'),
    lastUsedAt: timestampColumn('last_used_at'),
    createdBy: uuid('created_by'),
    rotatedFromId: uuid('rotated_from_id'),
    revokedAt: timestampColumn('revoked_at'),
    revokedBy: uuid('revoked_by'),
  },
  (t) => [uniqueIndex('api_keys_prefix_key').on(t.prefix)],
);
