import pg from 'pg';
import type { Config } from '../config.js';
import { type ChainReport, verifyAuditChain } from '../kernel/audit/verify.js';
import { resolveDatabase } from '../kernel/db/connection.js';
import { EXIT } from './exit-codes.js';

export interface AuditVerifyOptions {
  /** One site's chain. */
  site?: string;
  /** The platform chain and every site's. */
  all?: boolean;
}

/** A usage mistake found only once the database is reached (an unknown site): exit code 2. */
export class AuditUsageError extends Error {
  override name = 'AuditUsageError';
}

/** `platform: ok (12 rows)`, `site <id>: ok (3 rows)` or `site <id>: BROKEN at seq 7 (hash_mismatch, row <id>)`. */
export function describeChain(report: ChainReport): string {
  const chain = report.siteId === null ? 'platform' : `site ${report.siteId}`;
  const broken = report.firstBreak;
  if (!broken) return `${chain}: ok (${report.rows} row${report.rows === 1 ? '' : 's'})`;
  return `${chain}: BROKEN at seq ${broken.seq} (${broken.reason}${broken.id ? `, row ${broken.id}` : ''})`;
}

/** Every chain that exists or could: the platform's, each site's, and any chain head left by a site since gone. */
async function allChains(owner: pg.ClientBase): Promise<Array<string | null>> {
  const { rows } = await owner.query<{ id: string }>(
    `SELECT id FROM sites UNION SELECT chain_key FROM audit_chain_heads WHERE chain_key <> '00000000-0000-0000-0000-000000000000' ORDER BY id`,
  );
  return [null, ...rows.map((r) => r.id)];
}

async function chainsToVerify(owner: pg.ClientBase, options: AuditVerifyOptions): Promise<Array<string | null>> {
  if (options.all) return allChains(owner);
  if (options.site === undefined) return [null];
  const { rows } = await owner.query<{ known: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM sites WHERE id = $1) OR EXISTS (SELECT 1 FROM audit_chain_heads WHERE chain_key = $1) AS known',
    [options.site],
  );
  if (!rows[0]?.known) throw new AuditUsageError(`no site ${options.site} (and no audit chain for it)`);
  return [options.site];
}

/**
 * `admiral audit verify`: checks chains as the owner (the CLI's connection, like `migrate`), one line per
 * chain. Returns the exit code: 0 when every chain is intact, 1 when any is broken.
 */
export async function auditVerify(config: Config, options: AuditVerifyOptions, print: (line: string) => void): Promise<number> {
  const target = await resolveDatabase(config);
  try {
    const owner = new pg.Client({ connectionString: target.ownerUrl, application_name: 'admiral-audit-verify' });
    await owner.connect();
    try {
      const installed = await owner.query<{ present: boolean }>("SELECT to_regprocedure('admiral_verify_audit_chain(uuid)') IS NOT NULL AS present");
      if (!installed.rows[0]?.present) throw new Error('the database lacks admiral_verify_audit_chain: run `admiral migrate` first');
      let intact = true;
      for (const siteId of await chainsToVerify(owner, options)) {
        const report = await verifyAuditChain(owner, siteId);
        intact &&= report.ok;
        print(describeChain(report));
      }
      return intact ? EXIT.ok : EXIT.failure;
    } finally {
      await owner.end();
    }
  } finally {
    await target.embedded?.stop();
  }
}
