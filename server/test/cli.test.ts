import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runtimePasswordFrom } from '../src/kernel/db/connection.js';
import { loadMigrations } from '../src/kernel/db/migrate.js';
import { VERSION } from '../src/version.js';
import { admiral, childEnv, type RunResult, TEST_SECRET, tempDir } from './fixtures/process.js';
import { createTestDatabase, type TestDatabase, withDatabase } from './helpers/database.js';

const COMMANDS = ['serve', 'worker', 'migrate', 'seed', 'version'];
const knownTags = loadMigrations().map((m) => m.tag);

let dataDir: string;
let db: TestDatabase;

function envFor(databaseUrl: string): NodeJS.ProcessEnv {
  return childEnv({ DATABASE_URL: databaseUrl, ADMIRAL_SECRET: TEST_SECRET, ADMIRAL_DATA_DIR: dataDir });
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

function expectOk(result: RunResult): void {
  expect(result.code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0);
}

/** An empty database (not cloned from the migrated template) on the test server; dropped by global teardown too. */
async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject('adminUrl');
  const pid = inject('templateDatabase').replace('admiral_template_', '');
  const name = `admiral_test_${pid}_empty_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

beforeAll(async () => {
  // A child that migrates sets the (cluster-wide) runtime role's password from its secret: it must be the suite's.
  expect(runtimePasswordFrom(TEST_SECRET)).toBe(inject('runtimePassword'));
  dataDir = tempDir('admiral-cli-test-');
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('admiral CLI: usage', () => {
  it('version prints the package version', async () => {
    const result = await admiral(['version'], childEnv({}));
    expectOk(result);
    expect(result.stdout).toBe(`${VERSION}\n`);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    const flag = await admiral(['--version'], childEnv({}));
    expectOk(flag);
    expect(flag.stdout.trim()).toBe(VERSION);
  });

  it.each([['help'], ['--help'], ['-h']])('%s lists every command and exits 0', async (arg) => {
    const result = await admiral([arg], childEnv({}));
    expectOk(result);
    for (const command of [...COMMANDS, 'help']) expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it.each(COMMANDS.map((c) => [c]))('%s --help exits 0', async (command) => {
    const result = await admiral([command, '--help'], childEnv({}));
    expectOk(result);
    expect(result.stdout).toContain(`Usage: admiral ${command}`);
  });

  it('help <command> exits 0', async () => {
    const result = await admiral(['help', 'seed'], childEnv({}));
    expectOk(result);
    expect(result.stdout).toContain('--sites <n>');
  });

  it('an unknown command exits 2', async () => {
    const result = await admiral(['frobnicate'], childEnv({}));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it('an unknown option exits 2', async () => {
    const result = await admiral(['migrate', '--bogus'], childEnv({}));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus'");
  });

  it.each([[['seed', '--sites', '0']], [['seed', '--sites', 'abc']], [['seed', '--sites', '2.5']], [['seed', '--domains', '101']]])(
    'a bad option value (%j) exits 2',
    async (args) => {
      const result = await admiral(args, childEnv({}));
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/argument '.*' is invalid\. expected a whole number from 1 to \d+/);
    },
  );
});

describe('admiral migrate', () => {
  it('applies every migration to an empty database, then is idempotent', async () => {
    const empty = await createEmptyDatabase();
    try {
      const first = await admiral(['migrate'], envFor(empty.url));
      expectOk(first);
      expect(first.stdout).toBe(`applied ${knownTags.length} migration(s): ${knownTags.join(', ')}\n`);
      const second = await admiral(['migrate'], envFor(empty.url));
      expectOk(second);
      expect(second.stdout).toBe('the database is up to date\n');
      const status = await admiral(['migrate', '--status'], envFor(empty.url));
      expectOk(status);
      expect(status.stdout).toBe(`applied: ${knownTags.length}\npending: none\nunknown: none\n`);
    } finally {
      await empty.drop();
    }
  });

  it('on an up-to-date database says so, twice', async () => {
    for (let i = 0; i < 2; i++) {
      const result = await admiral(['migrate'], envFor(db.ownerUrl));
      expectOk(result);
      expect(result.stdout).toBe('the database is up to date\n');
      expect(result.stderr).toBe('');
    }
    const { rows } = await db.ownerQuery<{ tag: string }>('SELECT tag FROM admiral_migrations ORDER BY applied_order');
    expect(rows.map((r) => r.tag)).toEqual(knownTags);
  });

  it('--status reports 0 pending', async () => {
    const result = await admiral(['migrate', '--status'], envFor(db.ownerUrl));
    expectOk(result);
    expect(result.stdout).toContain(`applied: ${knownTags.length}\n`);
    expect(result.stdout).toContain('pending: none\n');
    expect(result.stdout).toContain('unknown: none\n');
  });

  it('refuses a database holding a migration this code does not know', async () => {
    const other = await createTestDatabase();
    try {
      await other.ownerQuery('INSERT INTO admiral_migrations (tag, hash) VALUES ($1, $2)', ['9999_from_the_future', 'f'.repeat(64)]);
      const result = await admiral(['migrate'], envFor(other.ownerUrl));
      expect(result.code, result.stdout).toBe(1);
      expect(lines(result.stderr), result.stderr).toHaveLength(1);
      expect(result.stderr).toMatch(/^admiral: migration refused: .*does not know \(9999_from_the_future\)/);
      expect(result.stdout).toBe('');

      const status = await admiral(['migrate', '--status'], envFor(other.ownerUrl));
      expect(status.code).toBe(1);
      expect(status.stdout).toContain('unknown: 9999_from_the_future\n');
    } finally {
      await other.drop();
    }
  });

  it('refuses a database whose applied migration was edited since', async () => {
    const other = await createTestDatabase();
    try {
      await other.ownerQuery('UPDATE admiral_migrations SET hash = $1 WHERE tag = $2', ['0'.repeat(64), knownTags[0]]);
      const result = await admiral(['migrate'], envFor(other.ownerUrl));
      expect(result.code, result.stdout).toBe(1);
      expect(lines(result.stderr), result.stderr).toHaveLength(1);
      expect(result.stderr).toContain(`admiral: migration refused: migration ${knownTags[0]} was changed after it was applied`);
    } finally {
      await other.drop();
    }
  });

  it('an unreachable database exits 1 with one line', async () => {
    const result = await admiral(['migrate'], envFor('postgres://postgres:SuperSecret@127.0.0.1:1/admiral'));
    expect(result.code).toBe(1);
    expect(lines(result.stderr), result.stderr).toHaveLength(1);
    expect(result.stderr).toMatch(/^admiral: /);
    expect(result.stderr).not.toContain('SuperSecret');
  });

  it('an invalid configuration exits 1 with one line naming the variable', async () => {
    const result = await admiral(['migrate'], childEnv({ DATABASE_URL: db.ownerUrl, ADMIRAL_SECRET: 'too-short', ADMIRAL_DATA_DIR: path.join(dataDir, 'x') }));
    expect(result.code).toBe(1);
    expect(lines(result.stderr), result.stderr).toHaveLength(1);
    expect(result.stderr).toMatch(/^admiral: configuration error: ADMIRAL_SECRET: is too short/);
  });
});

describe('admiral seed', () => {
  it('creates the sites, their domains and the audit trail', async () => {
    const result = await admiral(['seed', '--sites', '3', '--domains', '2', '--no-progress'], envFor(db.ownerUrl), 60_000);
    expectOk(result);
    expect(result.stdout).toBe('seeded 3 site(s) and 6 domain(s)\n');

    const sites = (await db.ownerQuery<{ id: string }>('SELECT id FROM sites')).rows;
    expect(sites).toHaveLength(3);
    const domains = (await db.ownerQuery<{ id: string; site_id: string; is_primary: boolean }>('SELECT id, site_id, is_primary FROM domain_mappings')).rows;
    expect(domains).toHaveLength(6);
    for (const site of sites) {
      const own = domains.filter((d) => d.site_id === site.id);
      expect(own).toHaveLength(2);
      expect(own.filter((d) => d.is_primary)).toHaveLength(1);
    }

    const audit = (
      await db.ownerQuery<{ action: string; target_id: string; site_id: string | null }>(
        `SELECT action, target_id, site_id FROM audit_logs WHERE action IN ('site.created', 'domain.created')`,
      )
    ).rows;
    expect(
      audit
        .filter((a) => a.action === 'site.created')
        .map((a) => a.target_id)
        .sort(),
    ).toEqual(sites.map((s) => s.id).sort());
    const domainAudit = audit.filter((a) => a.action === 'domain.created');
    expect(domainAudit.map((a) => a.target_id).sort()).toEqual(domains.map((d) => d.id).sort());
    for (const entry of domainAudit) expect(entry.site_id).toBe(domains.find((d) => d.id === entry.target_id)?.site_id);
  });
});
