import { type BuildExtraConfigColumns, sql } from 'drizzle-orm';
import { type AnyPgColumn, index, type PgColumnBuilderBase, type PgTableExtraConfigValue, pgPolicy, pgRole, pgTable, uuid } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, updatedAtColumn } from './columns.js';
import { APP_ROLE } from './roles.js';

export const appRole = pgRole(APP_ROLE).existing();

/** The one tenant predicate. The sub-select makes PostgreSQL read the setting once per statement. */
export const currentSiteIsolation = sql`site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)`;

/** Registry of tenant tables so tests can prove each is isolated in the database. */
export const tenantTableNames = new Set<string>();

let sitesIdColumn: (() => AnyPgColumn) | undefined;
/** The tenancy schema registers `sites.id` so tenant tables can reference it without an import cycle. */
export function registerSitesIdColumn(column: () => AnyPgColumn): void {
  sitesIdColumn = column;
}

const tenantBaseColumns = () => ({
  id: idColumn(),
  siteId: uuid('site_id')
    .notNull()
    .references(
      () => {
        if (!sitesIdColumn) throw new Error('tenant tables need the tenancy schema loaded first');
        return sitesIdColumn();
      },
      { onDelete: 'cascade' },
    ),
  createdAt: createdAtColumn(),
  updatedAt: updatedAtColumn(),
});

type TenantBase = ReturnType<typeof tenantBaseColumns>;

/**
 * Declares a tenant table: `id` (UUIDv7), `site_id uuid NOT NULL` referencing sites, timestamps, an index led
 * by site_id, RLS enabled with the site policy for USING and WITH CHECK. FORCE ROW LEVEL SECURITY, which
 * Drizzle cannot express, goes in the module's custom migration; a test fails for any tenant table without it.
 */
export function tenantTable<TName extends string, TColumns extends Record<string, PgColumnBuilderBase>>(
  name: TName,
  columns: TColumns,
  extra?: (table: BuildExtraConfigColumns<TName, TenantBase & TColumns, 'pg'>) => PgTableExtraConfigValue[],
) {
  tenantTableNames.add(name);
  const all = { ...tenantBaseColumns(), ...columns } as TenantBase & TColumns;
  return pgTable(name, all, (table) => {
    return [
      index(`${name}_site_id_idx`).on(table.siteId, table.id),
      pgPolicy(`${name}_tenant_isolation`, {
        as: 'permissive',
        for: 'all',
        to: appRole,
        using: currentSiteIsolation,
        withCheck: currentSiteIsolation,
      }),
      ...(extra?.(table) ?? []),
    ];
  }).enableRLS();
}
