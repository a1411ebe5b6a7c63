import { rmSync } from 'node:fs';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admiral, childEnv, type RunResult, TEST_SECRET, tempDir } from './fixtures/process.js';
import { startTestAdmiral, superAdmin } from './helpers/app.js';
import { forgeRow } from './helpers/audit.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

let db: TestDatabase;
let dataDir: string;
let siteA: string;
let siteB: string;

const verify = (...args: string[]) =>
  admiral(['audit', 'verify', ...args], childEnv({ DATABASE_URL: db.ownerUrl, ADMIRAL_SECRET: TEST_SECRET, ADMIRAL_DATA_DIR: dataDir }), 60_000);

const lines = (result: RunResult) => result.stdout.split('\n').filter((line) => line !== '');
const explain = (result: RunResult) => `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;

async function rowsOf(siteId: string): Promise<Array<{ id: string; seq: number }>> {
  return (await db.ownerQuery<{ id: string; seq: number }>('SELECT id, seq FROM audit_logs WHERE site_id = $1 ORDER BY seq', [siteId])).rows;
}

beforeAll(async () => {
  dataDir = tempDir('admiral-audit-cli-');
  db = await createTestDatabase();
  // Audit rows through the real API: two sites (platform chain), three domains on A and one on B.
  const app = await startTestAdmiral({ database: db });
  try {
    const created: string[] = [];
    for (const slug of ['cli-a', 'cli-b']) {
      const site = await app.app.inject({ method: 'POST', url: '/v1/sites', headers: superAdmin, payload: { name: slug, slug } });
      expect(site.statusCode, site.body).toBe(201);
      created.push(site.json().id);
    }
    [siteA, siteB] = created as [string, string];
    for (const [siteId, domain] of [
      [siteA, 'one.cli-a.test'],
      [siteA, 'two.cli-a.test'],
      [siteA, 'three.cli-a.test'],
      [siteB, 'one.cli-b.test'],
    ] as const) {
      const response = await app.app.inject({ method: 'POST', url: `/v1/sites/${siteId}/domains`, headers: superAdmin, payload: { domainName: domain } });
      expect(response.statusCode, response.body).toBe(201);
    }
  } finally {
    await app.stop();
  }
});

afterAll(async () => {
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('admiral audit verify', () => {
  it('verifies the platform chain by default: exit 0, one line', async () => {
    const result = await verify();
    expect(result.code, explain(result)).toBe(0);
    expect(lines(result)).toEqual(['platform: ok (2 rows)']);
  });

  it('--site verifies one site, --all the platform and every site', async () => {
    const one = await verify('--site', siteA);
    expect(one.code, explain(one)).toBe(0);
    expect(lines(one)).toEqual([`site ${siteA}: ok (3 rows)`]);
    const all = await verify('--all');
    expect(all.code, explain(all)).toBe(0);
    const sites = [
      [siteA, 3],
      [siteB, 1],
    ].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1));
    expect(lines(all)).toEqual(['platform: ok (2 rows)', ...sites.map(([id, n]) => `site ${id}: ok (${n} row${n === 1 ? '' : 's'})`)]);
  });

  it.each([
    ['a site id that is not a UUID', ['--site', 'site-a']],
    ['--site with --all', ['--site', uuidv7(), '--all']],
    ['an unknown option', ['--everything']],
    ['a site that does not exist', ['--site', uuidv7()]],
  ])('exits 2 on a usage error: %s', async (_name, args) => {
    const result = await verify(...args);
    expect(result.code, explain(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toBe('');
  });

  it('exits 1 naming the first broken row after a forgery; other chains still report ok', async () => {
    const victim = (await rowsOf(siteA))[1] as { id: string; seq: number };
    await forgeRow({ db }, victim.id);
    const one = await verify('--site', siteA);
    expect(one.code, explain(one)).toBe(1);
    expect(lines(one)).toEqual([`site ${siteA}: BROKEN at seq 2 (hash_mismatch, row ${victim.id})`]);
    const all = await verify('--all');
    expect(all.code, explain(all)).toBe(1);
    expect(lines(all)).toContain(`site ${siteA}: BROKEN at seq 2 (hash_mismatch, row ${victim.id})`);
    expect(lines(all)).toContain(`site ${siteB}: ok (1 row)`);
    expect(lines(all)).toContain('platform: ok (2 rows)');
    expect((await verify()).code).toBe(0);
  });

  it('notices rows cut from the end of a chain', async () => {
    await db.ownerQuery('ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only');
    try {
      await db.ownerQuery('DELETE FROM audit_logs WHERE site_id = $1', [siteB]);
    } finally {
      await db.ownerQuery('ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_append_only');
    }
    const result = await verify('--site', siteB);
    expect(result.code, explain(result)).toBe(1);
    expect(lines(result)).toEqual([`site ${siteB}: BROKEN at seq 1 (head_mismatch)`]);
  });
});
