import { sql } from 'drizzle-orm';
import { boolean, check, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, updatedAtColumn } from '../../kernel/db/columns.js';
import { registerSitesIdColumn, tenantTable } from '../../kernel/db/tenant-table.js';

export const SITE_STATUSES = ['active', 'suspended', 'archived'] as const;

/** The tenant (seed 004 `sites`, seed 002 `organizations`). A platform table: no RLS, reached through memberships. */
export const sites = pgTable(
  'sites',
  {
    id: idColumn(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    status: text('status', { enum: SITE_STATUSES }).notNull().default('active'),
    description: text('description'),
    logoUrl: text('logo_url'),
    countryCode: text('country_code'),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    uniqueIndex('sites_slug_key').on(t.slug),
    check('sites_status_check', sql`${t.status} in ('active', 'suspended', 'archived')`),
    check('sites_slug_check', sql`${t.slug} ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'`),
    check('sites_country_code_check', sql`${t.countryCode} ~ '^[A-Z]{2}$'`),
  ],
);

registerSitesIdColumn(() => sites.id);

export const DOMAIN_TYPES = ['subdomain', 'custom'] as const;
export const DOMAIN_VERIFICATION_STATUSES = ['pending', 'verified', 'failed'] as const;

/** Host names that route to a site (seed 004). Domain names are unique across the platform. */
export const domainMappings = tenantTable(
  'domain_mappings',
  {
    domainName: text('domain_name').notNull(),
    type: text('type', { enum: DOMAIN_TYPES }).notNull().default('custom'),
    isPrimary: boolean('is_primary').notNull().default(false),
    verificationStatus: text('verification_status', { enum: DOMAIN_VERIFICATION_STATUSES }).notNull().default('pending'),
    isActive: boolean('is_active').notNull().default(true),
  },
  (t) => [
    uniqueIndex('domain_mappings_domain_name_key').on(t.domainName),
    uniqueIndex('domain_mappings_one_primary_per_site').on(t.siteId).where(sql`is_primary`),
    check('domain_mappings_type_check', sql`type in ('subdomain', 'custom')`),
    check('domain_mappings_verification_check', sql`verification_status in ('pending', 'verified', 'failed')`),
    check('domain_mappings_domain_name_check', sql`domain_name = lower(domain_name) and domain_name ~ '^[a-z0-9.-]+(:[0-9]+)?$'`),
  ],
);
