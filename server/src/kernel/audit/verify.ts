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

const ZERO_HASH = '0'.repeat(64);

/**
 * Re-computes one site's audit chain (or the platform chain, siteId null) and reports the first broken
 * link: a row whose content no longer matches its hash, whose prev_hash is not its predecessor's hash, a
 * missing sequence number, or a chain head that does not match the last row (rows removed from the end).
 * Runs as the owner, reading across RLS through the owner's maintenance policy.
 */
export async function verifyAuditChain(owner: pg.ClientBase, siteId: string | null): Promise<ChainReport> {
  await owner.query('BEGIN READ ONLY');
  try {
    await owner.query("SELECT set_config('app.rls_bypass', 'on', true)");
    const { rows } = await owner.query<{ id: string; seq: string | number; prev_hash: string; hash: string; expected: string }>(
      'SELECT a.id, a.seq, a.prev_hash, a.hash, audit_hash(a) AS expected FROM audit_logs a WHERE a.site_id IS NOT DISTINCT FROM $1 ORDER BY a.seq',
      [siteId],
    );
    const head = await owner.query<{ seq: string | number; hash: string }>('SELECT seq, hash FROM audit_chain_heads WHERE chain_key = $1', [
      siteId ?? '00000000-0000-0000-0000-000000000000',
    ]);
    let previous = ZERO_HASH;
    let expectedSeq = 1;
    let firstBreak: ChainBreak | null = null;
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) firstBreak = { seq: expectedSeq, id: null, reason: 'sequence_gap' };
      else if (row.prev_hash !== previous) firstBreak = { seq, id: row.id, reason: 'prev_hash_mismatch' };
      else if (row.hash !== row.expected) firstBreak = { seq, id: row.id, reason: 'hash_mismatch' };
      if (firstBreak) break;
      previous = row.hash;
      expectedSeq = seq + 1;
    }
    if (!firstBreak) {
      const headRow = head.rows[0];
      const headSeq = headRow ? Number(headRow.seq) : 0;
      if (headSeq !== rows.length || (headRow && headRow.hash !== previous)) {
        firstBreak = { seq: rows.length + 1, id: null, reason: 'head_mismatch' };
      }
    }
    return { siteId, rows: rows.length, ok: firstBreak === null, firstBreak };
  } finally {
    await owner.query('ROLLBACK');
  }
}
