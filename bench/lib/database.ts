import pg from 'pg';
import { uuidv7 } from 'uuidv7';

export const BENCH_DATABASE = 'admiral_bench';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops and re-creates the bench database on the server `adminUrl` points at; returns its owner URL. */
export async function recreateDatabase(adminUrl: string, name = BENCH_DATABASE): Promise<string> {
  await withClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name = BENCH_DATABASE): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export async function postgresVersion(url: string): Promise<string> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  });
}

export interface Seeded {
  /** The measured site, holding `rows` domains. */
  siteId: string;
  /** Another site with as many domains, so the site filter (and RLS) has rows to exclude. */
  otherSiteId: string;
}

/** As the owner: two active sites with `rows` domain mappings each, then ANALYZE. */
export async function seed(ownerUrl: string, rows: number): Promise<Seeded> {
  const siteId = uuidv7();
  const otherSiteId = uuidv7();
  await withClient(ownerUrl, async (client) => {
    await client.query(`INSERT INTO sites (id, name, slug) VALUES ($1, 'Bench', 'bench'), ($2, 'Bench neighbour', 'bench-neighbour')`, [siteId, otherSiteId]);
    for (const [site, prefix] of [
      [otherSiteId, 'neighbour'],
      [siteId, 'seed'],
    ] as const) {
      const ids: string[] = [];
      const names: string[] = [];
      for (let i = 0; i < rows; i++) {
        ids.push(uuidv7());
        names.push(`${prefix}-${String(i).padStart(6, '0')}.bench.test`);
      }
      await client.query(
        `INSERT INTO domain_mappings (id, site_id, domain_name, type)
         SELECT id, $2::uuid, name, CASE WHEN n % 10 = 0 THEN 'subdomain' ELSE 'custom' END
         FROM unnest($1::uuid[], $3::text[]) WITH ORDINALITY AS t(id, name, n)`,
        [ids, site, names],
      );
    }
    await client.query('ANALYZE');
  });
  return { siteId, otherSiteId };
}

/**
 * Removes the domains earlier create measurements added (audit rows stay: the table is append-only) and vacuums,
 * so every create measurement starts from the seeded state. It matters: Admiral's host router re-reads every
 * active domain after each create, so its cost grows with whatever earlier runs inserted.
 */
export async function resetCreatedDomains(owner: pg.ClientBase): Promise<number> {
  const { rowCount } = await owner.query(`DELETE FROM domain_mappings WHERE domain_name NOT LIKE 'seed-%' AND domain_name NOT LIKE 'neighbour-%'`);
  await owner.query('VACUUM ANALYZE domain_mappings');
  return rowCount ?? 0;
}
