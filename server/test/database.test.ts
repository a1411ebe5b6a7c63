import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, MigrationError, migrate, migrationStatus } from '../src/kernel/db/migrate.js';
import { APP_ROLE, RUNTIME_LOGIN } from '../src/kernel/db/roles.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

async function asRuntime<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.runtimeUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('are all applied on the template and running again applies nothing', async () => {
    const result = await migrate(db.ownerUrl, { runtimePassword: db.runtimePassword });
    expect(result.applied).toEqual([]);
    const { rows } = await db.ownerQuery<{ tag: string }>('SELECT tag FROM admiral_migrations ORDER BY applied_order');
    expect(rows.map((r) => r.tag)).toEqual(loadMigrations().map((m) => m.tag));
  });

  it('applies only what is pending, in order', async () => {
    const extra = { tag: '9999_test_extra', sql: 'CREATE TABLE migration_probe (id int)', hash: 'probe-hash' };
    const first = await migrate(db.ownerUrl, { migrations: [...loadMigrations(), extra] });
    expect(first.applied).toEqual(['9999_test_extra']);
    const second = await migrate(db.ownerUrl, { migrations: [...loadMigrations(), extra] });
    expect(second.applied).toEqual([]);
    await db.ownerQuery('DROP TABLE migration_probe');
    await db.ownerQuery("DELETE FROM admiral_migrations WHERE tag = '9999_test_extra'");
  });

  it('refuses a database that has migrations the code does not know', async () => {
    await db.ownerQuery("INSERT INTO admiral_migrations (tag, hash) VALUES ('9998_from_the_future', 'x')");
    try {
      await expect(migrate(db.ownerUrl)).rejects.toThrow(MigrationError);
      await expect(migrate(db.ownerUrl)).rejects.toThrow(/9998_from_the_future/);
      const client = new pg.Client({ connectionString: db.ownerUrl });
      await client.connect();
      expect((await migrationStatus(client)).unknown).toEqual(['9998_from_the_future']);
      await client.end();
    } finally {
      await db.ownerQuery("DELETE FROM admiral_migrations WHERE tag = '9998_from_the_future'");
    }
  });

  it('refuses when an applied migration was edited afterwards', async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, hash: 'edited' } : m));
    await expect(migrate(db.ownerUrl, { migrations: edited })).rejects.toThrow(/changed after it was applied/);
  });

  it('rolls back a failing migration completely', async () => {
    const bad = { tag: '9997_bad', sql: 'CREATE TABLE half_done (id int); SELECT 1/0;', hash: 'bad' };
    await expect(migrate(db.ownerUrl, { migrations: [...loadMigrations(), bad] })).rejects.toThrow(/9997_bad failed/);
    const { rows } = await db.ownerQuery("SELECT to_regclass('public.half_done') AS t");
    expect(rows[0]?.t).toBeNull();
    expect((await db.ownerQuery("SELECT 1 FROM admiral_migrations WHERE tag = '9997_bad'")).rowCount).toBe(0);
  });

  it('is safe when several processes migrate at once', async () => {
    const results = await Promise.all([1, 2, 3].map(() => migrate(db.ownerUrl, { runtimePassword: db.runtimePassword })));
    expect(results.flatMap((r) => r.applied)).toEqual([]);
  });
});

describe('database roles', () => {
  it('the runtime login is neither superuser nor owner and can only become the application role', async () => {
    const { rows } = await db.ownerQuery<{ rolsuper: boolean; rolinherit: boolean; rolbypassrls: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(
      'SELECT rolsuper, rolinherit, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1',
      [RUNTIME_LOGIN],
    );
    expect(rows[0]).toEqual({ rolsuper: false, rolinherit: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
    const grants = await db.ownerQuery<{ rolname: string }>(
      `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1`,
      [RUNTIME_LOGIN],
    );
    expect(grants.rows.map((r) => r.rolname)).toEqual([APP_ROLE]);
    const owned = await db.ownerQuery(
      "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname IN ($1, $2) AND c.relkind = 'r'",
      [RUNTIME_LOGIN, APP_ROLE],
    );
    expect(owned.rowCount).toBe(0);
  });

  it('without the per-transaction role the runtime login reads nothing', async () => {
    await asRuntime(async (client) => {
      await expect(client.query('SELECT * FROM sites')).rejects.toMatchObject({ code: '42501' });
      await expect(client.query('SELECT * FROM domain_mappings')).rejects.toMatchObject({ code: '42501' });
      // and after a transaction that set the role, RESET leaves it powerless again
      await client.query('BEGIN');
      await client.query(`SELECT set_config('role', '${APP_ROLE}', true)`);
      await client.query('SELECT count(*) FROM sites');
      await client.query('COMMIT');
      await expect(client.query('SELECT * FROM sites')).rejects.toMatchObject({ code: '42501' });
    });
  });

  it('the application role cannot change or remove audit rows, nor disable triggers', async () => {
    await asRuntime(async (client) => {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('role', '${APP_ROLE}', true)`);
      await expect(client.query('ALTER TABLE audit_logs DISABLE TRIGGER ALL')).rejects.toMatchObject({ code: '42501' });
      await client.query('ROLLBACK');
    });
  });
});
