import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, timestampColumn, updatedAtColumn } from '../../kernel/db/columns.js';

export const USER_STATUSES = ['active', 'suspended', 'banned', 'deleted'] as const;

/**
 * People (superset of seeds 000–004 users / admin_accounts). Platform-wide: a user reaches a site
 * through a membership. `isSuperAdmin` is the one platform-wide role.
 */
export const users = pgTable(
  'users',
  {
    id: idColumn(),
    email: text('email').notNull(),
    username: text('username'),
    name: text('name'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    displayName: text('display_name'),
    image: text('image'),
    status: text('status', { enum: USER_STATUSES }).notNull().default('active'),
    emailVerified: boolean('email_verified').notNull().default(false),
    isSuperAdmin: boolean('is_super_admin').notNull().default(false),
    banned: boolean('banned').notNull().default(false),
    banReason: text('ban_reason'),
    banExpires: timestampColumn('ban_expires'),
    twoFactorEnabled: boolean('two_factor_enabled').notNull().default(false),
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    lockedUntil: timestampColumn('locked_until'),
    lastLoginAt: timestampColumn('last_login_at'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    uniqueIndex('users_username_key').on(t.username),
    check('users_status_check', sql`${t.status} in ('active', 'suspended', 'banned', 'deleted')`),
    check('users_email_lower_check', sql`${t.email} = lower(${t.email})`),
  ],
);

/** How a user proves who they are: a password ('credential') or an OpenID Connect provider. */
export const accounts = pgTable(
  'accounts',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    providerId: text('provider_id').notNull(),
    accountId: text('account_id').notNull(),
    /** argon2id in PHC format; credential accounts only. */
    passwordHash: text('password_hash'),
    /** OAuth tokens, AES-256-GCM encrypted under the master secret. */
    accessTokenEnc: text('access_token_enc'),
    refreshTokenEnc: text('refresh_token_enc'),
    idTokenEnc: text('id_token_enc'),
    accessTokenExpiresAt: timestampColumn('access_token_expires_at'),
    scope: text('scope'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [uniqueIndex('accounts_provider_account_key').on(t.providerId, t.accountId), index('accounts_user_idx').on(t.userId)],
);

/**
 * Signed-in sessions. Tokens are stored only as SHA-256 hashes. A session is one refresh-token family:
 * refreshing rotates both tokens; presenting an already-rotated refresh token revokes the session.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    refreshTokenHash: text('refresh_token_hash').notNull(),
    /** Hashes of refresh tokens already rotated away: presenting one is token theft. */
    spentRefreshHashes: text('spent_refresh_hashes').array().notNull().default(sql`'{}'::text[]`),
    ip: text('ip'),
    userAgent: text('user_agent'),
    deviceId: uuid('device_id'),
    impersonatedBy: uuid('impersonated_by'),
    /** A site admin's impersonation acts on this site only (elsewhere the session holds no permissions); null: not site-bound. */
    impersonationSiteId: uuid('impersonation_site_id'),
    twoFactorVerified: boolean('two_factor_verified').notNull().default(false),
    /** The console's session: its token also sits in the HttpOnly cookie, where it lives as long as the session is used (idle and absolute limits). */
    viaCookie: boolean('via_cookie').notNull().default(false),
    /** The bearer token's own expiry (short); the refresh token renews it until the session ends. */
    tokenExpiresAt: timestampColumn('token_expires_at').notNull(),
    lastSeenAt: timestampColumn('last_seen_at').notNull().default(sql`now()`),
    idleExpiresAt: timestampColumn('idle_expires_at').notNull(),
    expiresAt: timestampColumn('expires_at').notNull(),
    revokedAt: timestampColumn('revoked_at'),
    revokedReason: text('revoked_reason'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    uniqueIndex('sessions_token_hash_key').on(t.tokenHash),
    uniqueIndex('sessions_refresh_token_hash_key').on(t.refreshTokenHash),
    index('sessions_user_idx').on(t.userId),
    index('sessions_spent_refresh_idx').using('gin', t.spentRefreshHashes),
  ],
);

/** Devices a user signed in from (seed 000 admin_devices). A new one is audited and notified. */
export const devices = pgTable(
  'devices',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    fingerprint: text('fingerprint').notNull(),
    platform: text('platform'),
    userAgent: text('user_agent'),
    trusted: boolean('trusted').notNull().default(false),
    riskState: text('risk_state', { enum: ['normal', 'elevated', 'blocked'] })
      .notNull()
      .default('normal'),
    lastIp: text('last_ip'),
    lastSeenAt: timestampColumn('last_seen_at').notNull().default(sql`now()`),
    createdAt: createdAtColumn(),
  },
  (t) => [uniqueIndex('devices_user_fingerprint_key').on(t.userId, t.fingerprint)],
);

/** Single-use, expiring, hashed tokens: email verification and password reset (seed 003 verification). */
export const verifications = pgTable(
  'verifications',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['email_verification', 'password_reset'] }).notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestampColumn('expires_at').notNull(),
    usedAt: timestampColumn('used_at'),
    createdAt: createdAtColumn(),
  },
  (t) => [uniqueIndex('verifications_token_hash_key').on(t.tokenHash), index('verifications_user_idx').on(t.userId, t.purpose)],
);

/**
 * A user's TOTP authenticator (RFC 6238). The shared secret is sealed with the master secret (SecretBox);
 * the row is pending until a first code confirms it, which also sets users.two_factor_enabled.
 */
export const twoFactors = pgTable('two_factors', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secretEnc: text('secret_enc').notNull(),
  confirmedAt: timestampColumn('confirmed_at'),
  /** The last time step a code was accepted for: it and every earlier step are refused (replay protection). */
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
  createdAt: createdAtColumn(),
  updatedAt: updatedAtColumn(),
});

/** One-time recovery codes (shown once at confirmation), stored as SHA-256 digests; each works once. */
export const recoveryCodes = pgTable(
  'two_factor_recovery_codes',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestampColumn('used_at'),
    createdAt: createdAtColumn(),
  },
  (t) => [uniqueIndex('two_factor_recovery_codes_user_hash_key').on(t.userId, t.codeHash)],
);

/**
 * The step between a correct password and a session for users with two-factor: an opaque token (stored
 * hashed), bound to the user, short-lived, spent by the first correct code, burnt after too many wrong ones.
 */
export const twoFactorChallenges = pgTable(
  'two_factor_challenges',
  {
    id: idColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    /** The device fingerprint (SHA-256) the sign-in presented, so the session records the same device. */
    deviceFingerprint: text('device_fingerprint'),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestampColumn('expires_at').notNull(),
    usedAt: timestampColumn('used_at'),
    createdAt: createdAtColumn(),
  },
  (t) => [uniqueIndex('two_factor_challenges_token_hash_key').on(t.tokenHash), index('two_factor_challenges_user_idx').on(t.userId)],
);

/** Staff details (seed 001 admin_users). */
export const adminProfiles = pgTable(
  'admin_profiles',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    department: text('department'),
    managerUserId: uuid('manager_user_id').references(() => users.id, { onDelete: 'set null' }),
    accessLevel: integer('access_level').notNull().default(1),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [check('admin_profiles_access_level_check', sql`${t.accessLevel} between 1 and 5`)],
);

/** Mail that could not (or need not) go through SMTP: the console shows it. */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: idColumn(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    kind: text('kind').notNull(),
    status: text('status', { enum: ['queued', 'sent', 'failed', 'stored'] }).notNull(),
    error: text('error'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAtColumn(),
    sentAt: timestampColumn('sent_at'),
  },
  (t) => [index('mail_outbox_created_idx').on(t.createdAt), index('mail_outbox_status_created_idx').on(t.status, t.createdAt)],
);
