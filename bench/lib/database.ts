import { createHash, randomBytes } from 'node:crypto';
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

/** What the identity scenarios sign in and list with. */
export interface SeededIdentity {
  email: string;
  password: string;
  /** A whole API key (`admk_<prefix>_<secret>`) on the measured site. */
  apiKey: string;
}

/**
 * As the owner: a user with a password (`passwordHash`, made with Admiral's own argon2id parameters) and a
 * membership on `siteId` whose custom role grants exactly what the fixed bench principal holds, and an API key
 * on the site with the same permissions — so the three ways of calling the list differ only in resolving the caller.
 */
export async function seedIdentity(
  ownerUrl: string,
  siteId: string,
  permissions: readonly string[],
  password: string,
  passwordHash: string,
): Promise<SeededIdentity> {
  const userId = uuidv7();
  const roleId = uuidv7();
  const email = 'bench-user@bench.test';
  const prefix = 'benchkey0001';
  const apiKey = `admk_${prefix}_${randomBytes(32).toString('base64url')}`;
  await withClient(ownerUrl, async (client) => {
    await client.query('INSERT INTO users (id, email, email_verified) VALUES ($1, $2, true)', [userId, email]);
    await client.query(`INSERT INTO accounts (id, user_id, provider_id, account_id, password_hash) VALUES ($1, $2, 'credential', $3, $4)`, [
      uuidv7(),
      userId,
      userId,
      passwordHash,
    ]);
    await client.query(`INSERT INTO roles (id, site_id, key, name) VALUES ($1, $2, 'bench-lister', 'Bench lister')`, [roleId, siteId]);
    for (const key of permissions) {
      await client.query('INSERT INTO role_permissions (role_id, site_id, permission_key) VALUES ($1, $2, $3)', [roleId, siteId, key]);
    }
    await client.query('INSERT INTO memberships (id, site_id, user_id, role_id) VALUES ($1, $2, $3, $4)', [uuidv7(), siteId, userId, roleId]);
    await client.query(`INSERT INTO api_keys (id, site_id, name, prefix, secret_hash, permissions) VALUES ($1, $2, 'bench', $3, $4, $5)`, [
      uuidv7(),
      siteId,
      prefix,
      createHash('sha256').update(apiKey).digest('hex'),
      permissions,
    ]);
  });
  return { email, password, apiKey };
}
