import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type DatabaseTarget, runtimeUrlFrom } from '../../src/kernel/db/connection.js';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TestDatabase extends DatabaseTarget {
  name: string;
  /** Superuser/owner client helpers for assertions that must bypass the application. */
  ownerQuery<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated template: isolated from every other test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminUrl');
  const template = inject('templateDatabase');
  const runtimePassword = inject('runtimePassword');
  const templatePid = template.replace('admiral_template_', '');
  const name = `admiral_test_${templatePid}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const ownerUrl = withDatabase(adminUrl, name);
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 2 });
  // pool.end() resolves before its sockets close; DROP … WITH (FORCE) may then terminate one, which must
  // not surface as an uncaught error in the test process.
  owner.on('error', () => {});
  return {
    name,
    ownerUrl,
    runtimeUrl: runtimeUrlFrom(ownerUrl, runtimePassword),
    runtimePassword,
    embedded: undefined,
    ownerQuery: (text, values) => owner.query(text, values),
    async drop() {
      await owner.end();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
