import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../src/kernel/audit/verify.js';
import { type AuditActor, databaseAuditWriter, systemActor } from '../src/kernel/audit/writer.js';
import { createPool, type Pool } from '../src/kernel/db/pool.js';
import { Database } from '../src/kernel/db/transaction.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

let db: TestDatabase;
let pool: Pool;
let database: Database;
let owner: pg.Client;
const site = uuidv7();
const otherSite = uuidv7();
const actor: AuditActor = { ...systemActor, userId: uuidv7(), ip: '203.0.113.9', userAgent: 'vitest', requestId: 'req-1' };

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ connectionString: db.runtimeUrl, max: 20, applicationName: 'audit-test' });
  database = new Database(pool);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  await db.ownerQuery("INSERT INTO sites (id, name, slug) VALUES ($1, 'Audit', 'audit'), ($2, 'Other', 'other')", [site, otherSite]);
});
afterAll(async () => {
  await owner?.end();
  await pool?.end();
  await db?.drop();
});

const write = (siteId: string, action: string, extra: Record<string, unknown> = {}) =>
  database.withTenant({ siteId }, (tx) =>
    databaseAuditWriter.write(tx, actor, { siteId, action, category: 'test', targetType: 'thing', targetId: 't1', ...extra }),
  );

describe('audit trail', () => {
  it('records actor, target, states and request context, with secrets redacted', async () => {
    await write(site, 'thing.updated', {
      before: { name: 'a', password: 'hunter2' },
      after: { name: 'b', apiKey: 'sk_live_x', nested: { refreshToken: 'r' } },
    });
    const { rows } = await db.ownerQuery("SELECT * FROM audit_logs WHERE action = 'thing.updated'");
    const row = rows[0] as Record<string, unknown>;
    expect(row).toMatchObject({
      site_id: site,
      actor_user_id: actor.userId,
      ip: '203.0.113.9',
      user_agent: 'vitest',
      request_id: 'req-1',
      success: true,
      seq: 1,
    });
    expect(row.before).toEqual({ name: 'a', password: '[redacted]' });
    expect(row.after).toEqual({ name: 'b', apiKey: '[redacted]', nested: { refreshToken: '[redacted]' } });
    expect(row.prev_hash).toBe('0'.repeat(64));
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is written in the same transaction as the change: a rollback leaves no audit row', async () => {
    const before = (await db.ownerQuery('SELECT count(*)::int AS n FROM audit_logs')).rows[0]?.n;
    await expect(
      database.withTenant({ siteId: site }, async (tx) => {
        await databaseAuditWriter.write(tx, actor, { siteId: site, action: 'thing.doomed', category: 'test' });
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    expect((await db.ownerQuery('SELECT count(*)::int AS n FROM audit_logs')).rows[0]?.n).toBe(before);
    expect((await verifyAuditChain(owner, site)).ok).toBe(true);
  });

  it('cannot be changed, deleted or truncated, even by the owner', async () => {
    await expect(owner.query("UPDATE audit_logs SET action = 'forged'")).rejects.toThrow(/append-only/);
    await expect(owner.query('DELETE FROM audit_logs')).rejects.toThrow(/append-only/);
    await expect(owner.query('TRUNCATE audit_logs')).rejects.toThrow(/append-only/);
  });

  it('the application role cannot update or delete audit rows either', async () => {
    await expect(database.withTenant({ siteId: site }, (tx) => tx.$client.query("UPDATE audit_logs SET action = 'x'"))).rejects.toMatchObject({
      code: '42501',
    });
    await expect(database.withTenant({ siteId: site }, (tx) => tx.$client.query('DELETE FROM audit_logs'))).rejects.toMatchObject({ code: '42501' });
  });

  it('chains are per site, and a site cannot write into another site’s chain', async () => {
    await write(otherSite, 'other.one');
    const other = await verifyAuditChain(owner, otherSite);
    expect(other).toMatchObject({ ok: true, rows: 1 });
    await expect(
      database.withTenant({ siteId: site }, (tx) => databaseAuditWriter.write(tx, actor, { siteId: otherSite, action: 'sneaky', category: 'test' })),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('50 concurrent writers leave one unbroken chain', async () => {
    const start = (await verifyAuditChain(owner, site)).rows;
    await Promise.all(Array.from({ length: 50 }, (_, i) => write(site, `concurrent.${i}`)));
    const report = await verifyAuditChain(owner, site);
    expect(report).toMatchObject({ ok: true, rows: start + 50, firstBreak: null });
    const seqs = (await db.ownerQuery<{ seq: number }>('SELECT seq FROM audit_logs WHERE site_id = $1 ORDER BY seq', [site])).rows.map((r) => Number(r.seq));
    expect(seqs).toEqual(Array.from({ length: start + 50 }, (_, i) => i + 1));
  });

  it('verification names the first forged row', async () => {
    const victim = (await db.ownerQuery<{ id: string; seq: number }>('SELECT id, seq FROM audit_logs WHERE site_id = $1 AND seq = 3', [site])).rows[0];
    expect(victim).toBeDefined();
    // A superuser can disable triggers — exactly what verification exists to catch.
    await owner.query('ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only');
    await owner.query("UPDATE audit_logs SET description = 'rewritten history' WHERE id = $1", [victim?.id]);
    await owner.query('ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_append_only');
    const report = await verifyAuditChain(owner, site);
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toEqual({ seq: 3, id: victim?.id, reason: 'hash_mismatch' });
  });

  it('verification notices rows removed from the end of a chain', async () => {
    await write(otherSite, 'other.two');
    expect((await verifyAuditChain(owner, otherSite)).ok).toBe(true);
    await owner.query('ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only');
    await owner.query("SELECT set_config('app.rls_bypass', 'on', false)");
    await owner.query("DELETE FROM audit_logs WHERE site_id = $1 AND action = 'other.two'", [otherSite]);
    await owner.query("SELECT set_config('app.rls_bypass', '', false)");
    await owner.query('ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_append_only');
    const report = await verifyAuditChain(owner, otherSite);
    expect(report).toMatchObject({ ok: false, firstBreak: { reason: 'head_mismatch', seq: 2 } });
  });
});
