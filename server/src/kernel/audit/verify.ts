import type pg from 'pg';

export interface ChainBreak {
  seq: number;
  id: string | null;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'head_mismatch';
}

export interface ChainReport {
  siteId: string | null;
  rows: number;
  ok: boolean;
  firstBreak: ChainBreak | null;
}

interface VerificationRow {
  chain_rows: string | number;
  break_seq: string | number | null;
  break_id: string | null;
  break_reason: ChainBreak['reason'] | null;
}

/**
 * Verifies one audit chain (a site's, or the platform chain when siteId is null) inside the caller's
 * transaction, which must be bound to that chain: `app.site_id` = siteId, or unset for the platform chain.
 * The work is the database function `admiral_verify_audit_chain` (migration 0006_audit_verify), the one
 * implementation the API (as admiral_app, in a tenant or platform transaction) and the CLI (as the owner,
 * through `verifyAuditChain`) share. It refuses (42501) a chain other than the transaction's own.
 */
export async function verifyAuditChainIn(client: pg.ClientBase, siteId: string | null): Promise<ChainReport> {
  const { rows } = await client.query<VerificationRow>('SELECT chain_rows, break_seq, break_id, break_reason FROM admiral_verify_audit_chain($1)', [siteId]);
  const row = rows[0];
  if (!row) throw new Error('admiral_verify_audit_chain returned no row');
  const firstBreak: ChainBreak | null = row.break_reason === null ? null : { seq: Number(row.break_seq), id: row.break_id, reason: row.break_reason };
  return { siteId, rows: Number(row.chain_rows), ok: firstBreak === null, firstBreak };
}

/**
 * Re-computes one site's audit chain (or the platform chain, siteId null) and reports the first broken
 * link: a row whose content no longer matches its hash, whose prev_hash is not its predecessor's hash, a
 * missing sequence number, or a chain head that does not match the last row (rows removed from the end).
 * For the owner's tooling: binds a read-only transaction to the chain and calls `verifyAuditChainIn`.
 */
export async function verifyAuditChain(owner: pg.ClientBase, siteId: string | null): Promise<ChainReport> {
  await owner.query('BEGIN READ ONLY');
  try {
    await owner.query("SELECT set_config('app.site_id', $1, true)", [siteId ?? '']);
    return await verifyAuditChainIn(owner, siteId);
  } finally {
    await owner.query('ROLLBACK');
  }
}
