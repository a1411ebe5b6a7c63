import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { Pool, PoolClient } from './pool.js';
import { APP_ROLE } from './roles.js';

/** A Drizzle handle bound to one transaction on one connection. */
export type Tx = NodePgDatabase<Record<string, never>> & { $client: PoolClient };

export interface TenantContext {
  siteId: string;
  /** Let work proceed on a suspended or archived site (managing the site itself). */
  allowInactive?: boolean;
  /** The acting user, for RLS policies and triggers that record who did it. */
  userId?: string | null;
}

export interface PlatformContext {
  userId?: string | null;
}

export class SiteNotFoundError extends Error {
  constructor(readonly siteId: string) {
    super(`site ${siteId} does not exist`);
  }
}

export class SiteInactiveError extends Error {
  constructor(
    readonly siteId: string,
    readonly status: string,
  ) {
    super(`site ${siteId} is ${status}`);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Values are inlined into the prologue (one round trip), so only canonical UUIDs may pass. */
function uuidLiteral(value: string | null | undefined, what: string): string {
  if (value === null || value === undefined || value === '') return "''";
  if (!UUID.test(value)) throw new TypeError(`${what} must be a UUID`);
  return `'${value.toLowerCase()}'`;
}

const handles = new WeakMap<PoolClient, Tx>();
function txFor(client: PoolClient): Tx {
  let tx = handles.get(client);
  if (!tx) {
    tx = drizzle({ client }) as unknown as Tx;
    handles.set(client, tx);
  }
  return tx;
}

/**
 * Runs work in one transaction as the application role. The prologue — BEGIN, the role, the site and
 * the user for RLS, and the site's status — goes to PostgreSQL as one message: one round trip.
 */
export class Database {
  /**
   * `pipelined`: the pool's clients use pg's pipeline mode, so the prologue is written together with the
   * work's first query instead of waiting a round trip for it; its result is checked before COMMIT.
   */
  constructor(
    readonly pool: Pool,
    private readonly options: { pipelined?: boolean } = {},
  ) {}

  /** Tenant work: every tenant table is filtered to `ctx.siteId` by RLS. Fails if the site is unknown or inactive. */
  async withTenant<T>(ctx: TenantContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const site = uuidLiteral(ctx.siteId, 'siteId');
    const prologue =
      `BEGIN; SELECT set_config('role', '${APP_ROLE}', true), set_config('app.site_id', ${site}, true), ` +
      `set_config('app.user_id', ${uuidLiteral(ctx.userId, 'userId')}, true); ` +
      `SELECT status FROM sites WHERE id = ${site}`;
    return this.run(prologue, fn, (results) => {
      const status = (results[2]?.rows[0] as { status?: string } | undefined)?.status;
      if (status === undefined) throw new SiteNotFoundError(ctx.siteId);
      if (status !== 'active' && !ctx.allowInactive) throw new SiteInactiveError(ctx.siteId, status);
    });
  }

  /** Platform work (sites, users, the catalog): no site is set, so every tenant table reads as empty. Use rarely. */
  async asPlatform<T>(ctx: PlatformContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const prologue =
      `BEGIN; SELECT set_config('role', '${APP_ROLE}', true), set_config('app.site_id', '', true), ` +
      `set_config('app.user_id', ${uuidLiteral(ctx.userId, 'userId')}, true)`;
    return this.run(prologue, fn);
  }

  private async run<T>(prologue: string, fn: (tx: Tx) => Promise<T>, check?: (results: Array<{ rows: unknown[] }>) => void): Promise<T> {
    const client = await this.pool.connect();
    let healthy = true;
    const prologueDone = client.query(prologue) as unknown as Promise<Array<{ rows: unknown[] }>>;
    prologueDone.catch(() => {}); // observed by verifyPrologue; never left unhandled
    const verifyPrologue = async () => check?.(await prologueDone);
    try {
      if (!this.options.pipelined) await verifyPrologue();
      let value: T;
      try {
        value = await fn(txFor(client));
      } catch (error) {
        // A failed prologue, or an unknown or inactive site, explains the work's failure better than its own error.
        await verifyPrologue();
        throw error;
      }
      await verifyPrologue();
      await client.query('COMMIT');
      return value;
    } catch (error) {
      // ROLLBACK after a failed COMMIT or prologue is harmless; if even ROLLBACK fails, drop the connection.
      await client.query('ROLLBACK').catch(() => {
        healthy = false;
      });
      throw error;
    } finally {
      client.release(!healthy);
    }
  }
}
