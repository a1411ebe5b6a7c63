/**
 * The baseline: a bare Fastify + pg server answering the same queries on the same table.
 *
 * - `/sites/:siteId/domains` — the baseline proper: a plain pool as the owner (a superuser: no RLS), no
 *   transaction, no auth, no audit, no hooks. Same pool size as Admiral.
 * - `/tx/sites/:siteId/domains` — a diagnostic step between the two: the same SQL, but on Admiral's runtime
 *   role inside the kernel's own tenant transaction (Database.withTenant: the prologue message, pipelined with
 *   the query, then COMMIT) and, for creates, with Admiral's audit writer. It splits Admiral's cost into "the database work Admiral must do"
 *   and "everything else in Admiral's request pipeline". Its own pool, same size.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { databaseAuditWriter } from '../../server/src/kernel/audit/writer.js';
import { Database, type Tx } from '../../server/src/kernel/db/transaction.js';
import { failStart, readChildConfig, serveHarness } from '../lib/child-side.js';

const COLUMNS = 'id, site_id, created_at, updated_at, domain_name, type, is_primary, verification_status, is_active';
const LIST = `SELECT ${COLUMNS} FROM domain_mappings WHERE site_id = $1 ORDER BY id DESC LIMIT 50`;
const INSERT = `INSERT INTO domain_mappings (id, site_id, domain_name) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`;

type Params = { Params: { siteId: string } };
type Create = Params & { Body: { domainName: string } };

async function main(): Promise<void> {
  const cfg = readChildConfig();
  const pool = new pg.Pool({ connectionString: cfg.ownerUrl, max: cfg.poolMax, application_name: 'bench-bare' });
  // Like runtime.ts's request pool (pipeline mode), but without the kernel's global type parsers, which would
  // change what the bare routes return.
  const runtimePool = new pg.Pool({ connectionString: cfg.runtimeUrl, max: cfg.poolMax, application_name: 'bench-bare-tx', pipeline: true });
  const db = new Database(runtimePool, { pipelined: true });
  pool.on('error', () => {});
  runtimePool.on('error', () => {});
  const app = Fastify({ logger: false });

  app.get<Params>('/sites/:siteId/domains', async (request) => {
    const { rows } = await pool.query(LIST, [request.params.siteId]);
    return { data: rows };
  });

  app.post<Create>('/sites/:siteId/domains', async (request, reply) => {
    const { rows } = await pool.query(INSERT, [uuidv7(), request.params.siteId, request.body.domainName.toLowerCase()]);
    reply.code(201);
    return rows[0];
  });

  /** The kernel's own tenant transaction (Database.withTenant), on a pool configured like Admiral's request pool. */
  const inTenantTransaction = <T>(siteId: string, userId: string, fn: (tx: Tx) => Promise<T>): Promise<T> => db.withTenant({ siteId, userId }, fn);

  app.get<Params>('/tx/sites/:siteId/domains', async (request) => {
    const rows = await inTenantTransaction(request.params.siteId, cfg.principalId, async (tx) => (await tx.$client.query(LIST, [request.params.siteId])).rows);
    return { data: rows };
  });

  app.post<Create>('/tx/sites/:siteId/domains', async (request, reply) => {
    const { siteId } = request.params;
    const row = await inTenantTransaction(siteId, cfg.principalId, async (tx) => {
      const created = (await tx.$client.query(INSERT, [uuidv7(), siteId, request.body.domainName.toLowerCase()])).rows[0] as Record<string, unknown>;
      // Admiral's own audit writer, in the same transaction.
      await databaseAuditWriter.write(tx, auditActor(cfg.principalId, String(request.id)), {
        siteId,
        action: 'domain.created',
        category: 'tenancy',
        targetType: 'domain',
        targetId: String(created.id),
        after: created,
      });
      return created;
    });
    reply.code(201);
    return row;
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the bare server is not listening on a TCP port');
  serveHarness(address.port, async () => {
    await app.close();
    await Promise.all([pool.end(), runtimePool.end()]);
  });
}

function auditActor(userId: string, requestId: string) {
  return { userId, apiKeyId: null, impersonatorUserId: null, sessionId: null, ip: '127.0.0.1', userAgent: null, requestId };
}

main().catch(failStart);
