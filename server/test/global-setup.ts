import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { runtimePasswordFrom } from '../src/kernel/db/connection.js';
import { startEmbeddedPostgres } from '../src/kernel/db/embedded.js';
import { migrateDatabase } from '../src/runtime.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
    runtimePassword: string;
  }
}

const TEST_SECRET = 'admiral-test-secret-admiral-test-secret-0123456789';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * One PostgreSQL for the run: TEST_DATABASE_URL's server, or an embedded one. A template database is
 * migrated once; every test file clones it (CREATE DATABASE … TEMPLATE), which takes milliseconds.
 */
export default async function setup(project: TestProject) {
  let stopEmbedded: (() => Promise<void>) | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  let tempDir: string | undefined;
  if (!adminUrl) {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'admiral-test-pg-'));
    const embedded = await startEmbeddedPostgres({ dataDir: tempDir, port: await freePort(), secret: TEST_SECRET, ephemeral: true });
    adminUrl = embedded.url('postgres');
    stopEmbedded = () => embedded.stop();
  }
  const templateDatabase = `admiral_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${templateDatabase}`);
  await admin.end();
  const runtimePassword = runtimePasswordFrom(TEST_SECRET);
  await migrateDatabase({ ownerUrl: withDatabase(adminUrl, templateDatabase), runtimeUrl: '', runtimePassword, embedded: undefined });

  project.provide('adminUrl', adminUrl);
  project.provide('templateDatabase', templateDatabase);
  project.provide('runtimePassword', runtimePassword);

  return async () => {
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    const { rows } = await cleanup.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2', [
      `admiral_test_${process.pid}_%`,
      templateDatabase,
    ]);
    for (const row of rows) await cleanup.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
    await cleanup.end();
    await stopEmbedded?.();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
}
