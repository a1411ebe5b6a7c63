import { sql } from 'drizzle-orm';
import { boolean, check, index, pgPolicy, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, timestampColumn, updatedAtColumn } from '../../kernel/db/columns.js';
import { appRole } from '../../kernel/db/tenant-table.js';
import { sites } from '../tenancy/index.js';

/** Platform rows (site_id null) in a platform transaction, one site's rows in that site's: never both, never another site's. */
const sameScope = sql`site_id is not distinct from (select nullif(current_setting('app.site_id', true), '')::uuid)`;

/**
 * OpenID Connect providers people sign in through: platform-wide (site_id null, managed by super admins)
 * or one site's (managed by that site's administrators). The client secret is sealed with the master
 * secret and never leaves the server. RLS (forced in the migration) keeps each site's providers to itself.
 */
export const ssoProviders = pgTable(
  'sso_providers',
  {
    id: idColumn(),
    siteId: uuid('site_id').references(() => sites.id, { onDelete: 'cascade' }),
    /** In the sign-in and callback URLs; fixed at creation so the callback registered at the provider keeps working. */
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    clientSecretEnc: text('client_secret_enc').notNull(),
    scopes: text('scopes').array().notNull().default(sql`'{openid,email,profile}'::text[]`),
    enabled: boolean('enabled').notNull().default(true),
    /** Create a user on a first sign-in that matches no one (and, on a site provider, make them a member). */
    allowJit: boolean('allow_jit').notNull().default(false),
    /** Site providers: the role a just-in-time member gets. Platform providers grant no role. */
    defaultRole: text('default_role'),
    /** When not empty, only emails at these domains may be linked or created. */
    allowedEmailDomains: text('allowed_email_domains').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    uniqueIndex('sso_providers_scope_slug_key').on(sql`coalesce(${t.siteId}, '00000000-0000-0000-0000-000000000000'::uuid)`, t.slug),
    index('sso_providers_site_id_idx').on(t.siteId, t.id),
    check('sso_providers_slug_check', sql`${t.slug} ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'`),
    check('sso_providers_default_role_check', sql`${t.siteId} is not null or ${t.defaultRole} is null`),
    pgPolicy('sso_providers_isolation', { as: 'permissive', for: 'all', to: appRole, using: sameScope, withCheck: sameScope }),
  ],
).enableRLS();

/**
 * Sign-ins in flight: one row per redirect to a provider, holding what the callback must check (the state,
 * the nonce, the PKCE verifier, sealed, and the browser that started it). Spent by the first callback.
 */
export const ssoSignInStates = pgTable(
  'sso_sign_in_states',
  {
    id: idColumn(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => ssoProviders.id, { onDelete: 'cascade' }),
    stateHash: text('state_hash').notNull(),
    /** SHA-256 of the browser-binding cookie: a callback from another browser (login CSRF) is refused. */
    browserHash: text('browser_hash').notNull(),
    nonce: text('nonce').notNull(),
    codeVerifierEnc: text('code_verifier_enc').notNull(),
    /** Where the console goes after signing in: a same-origin path. */
    redirectTo: text('redirect_to').notNull(),
    expiresAt: timestampColumn('expires_at').notNull(),
    usedAt: timestampColumn('used_at'),
    createdAt: createdAtColumn(),
  },
  (t) => [uniqueIndex('sso_sign_in_states_state_hash_key').on(t.stateHash), index('sso_sign_in_states_expires_idx').on(t.expiresAt)],
);
