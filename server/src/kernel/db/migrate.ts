import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { APP_ROLE, RUNTIME_LOGIN } from './roles.js';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

export interface Migration {
  tag: string;
  sql: string;
  hash: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** The migrations this code knows, in order, from drizzle-kit's journal (generated and custom alike). */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const journal = JSON.parse(readFileSync(path.join(dir, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ idx: number; tag: string }>;
  };
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map(({ tag }) => {
      const sql = readFileSync(path.join(dir, `${tag}.sql`), 'utf8');
      return { tag, sql, hash: createHash('sha256').update(sql).digest('hex') };
    });
}

const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * Roles are cluster-wide and must exist before migrations grant to them. Needs CREATEROLE (or a superuser)
 * the first time; afterwards only keeps the runtime password in step with the configured secret.
 */
export async function ensureRoles(client: pg.ClientBase, runtimePassword: string | undefined): Promise<void> {
  const { rows } = await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [[APP_ROLE, RUNTIME_LOGIN]]);
  const existing = new Set(rows.map((r) => r.rolname));
  try {
    if (!existing.has(APP_ROLE)) await client.query(`CREATE ROLE ${APP_ROLE} NOLOGIN NOINHERIT`);
    if (!existing.has(RUNTIME_LOGIN)) await client.query(`CREATE ROLE ${RUNTIME_LOGIN} LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS`);
    if (runtimePassword !== undefined) await client.query(`ALTER ROLE ${RUNTIME_LOGIN} PASSWORD ${quoteLiteral(runtimePassword)}`);
    const member = await client.query(
      `SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
       WHERE r.rolname = $1 AND u.rolname = $2`,
      [APP_ROLE, RUNTIME_LOGIN],
    );
    if (member.rowCount === 0) await client.query(`GRANT ${APP_ROLE} TO ${RUNTIME_LOGIN}`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '42501') {
      throw new MigrationError(
        `the DATABASE_URL role may not create or alter roles; create ${APP_ROLE} (NOLOGIN) and ${RUNTIME_LOGIN} (LOGIN NOINHERIT, member of ${APP_ROLE}) once as a superuser, then set DATABASE_RUNTIME_URL`,
      );
    }
    // Two processes creating the same role at once: the loser finds it made.
    if (code !== '23505' && code !== '42710') throw error;
  }
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  unknown: string[];
}

async function appliedMigrations(client: pg.ClientBase): Promise<Array<{ tag: string; hash: string }>> {
  const exists = await client.query("SELECT to_regclass('public.admiral_migrations') IS NOT NULL AS present");
  if (!exists.rows[0]?.present) return [];
  const { rows } = await client.query<{ tag: string; hash: string }>('SELECT tag, hash FROM admiral_migrations ORDER BY applied_order');
  return rows;
}

export async function migrationStatus(client: pg.ClientBase, known = loadMigrations()): Promise<MigrationStatus> {
  const applied = await appliedMigrations(client);
  const knownTags = new Set(known.map((m) => m.tag));
  const appliedTags = new Set(applied.map((m) => m.tag));
  return {
    applied: applied.map((m) => m.tag),
    pending: known.filter((m) => !appliedTags.has(m.tag)).map((m) => m.tag),
    unknown: applied.filter((m) => !knownTags.has(m.tag)).map((m) => m.tag),
  };
}

export interface MigrateResult {
  applied: string[];
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so that
 * concurrent starts are safe. Refuses when the database holds migrations this code does not know, or when
 * an applied migration's file has changed since.
 */
export async function migrate(ownerUrl: string, options: { runtimePassword?: string; migrations?: Migration[] } = {}): Promise<MigrateResult> {
  const migrations = options.migrations ?? loadMigrations();
  const client = new pg.Client({ connectionString: ownerUrl, application_name: 'admiral-migrate' });
  await client.connect();
  try {
    await client.query("SET client_min_messages = 'warning'");
    await client.query("SELECT pg_advisory_lock(hashtext('admiral:migrate'))");
    await ensureRoles(client, options.runtimePassword);
    await client.query(`CREATE TABLE IF NOT EXISTS admiral_migrations (
      tag text PRIMARY KEY,
      hash text NOT NULL,
      applied_order serial NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = await appliedMigrations(client);
    const byTag = new Map(migrations.map((m) => [m.tag, m]));
    const unknown = applied.filter((m) => !byTag.has(m.tag)).map((m) => m.tag);
    if (unknown.length > 0) {
      throw new MigrationError(
        `the database has migrations this version of Admiral does not know (${unknown.join(', ')}); run a newer Admiral or restore a matching backup`,
      );
    }
    for (const m of applied) {
      if (byTag.get(m.tag)?.hash !== m.hash) {
        throw new MigrationError(`migration ${m.tag} was changed after it was applied; never edit an applied migration, add a new one`);
      }
    }
    const done = new Set(applied.map((m) => m.tag));
    const ran: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.tag)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO admiral_migrations (tag, hash) VALUES ($1, $2)', [migration.tag, migration.hash]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${migration.tag} failed: ${(error as Error).message}`);
      }
      ran.push(migration.tag);
    }
    return { applied: ran };
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('admiral:migrate'))").catch(() => {});
    await client.end();
  }
}
