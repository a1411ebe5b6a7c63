import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { auditLogs } from '../../kernel/audit/schema.js';
import { type ChainReport, verifyAuditChainIn } from '../../kernel/audit/verify.js';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { DEFAULT_PAGE_SIZE, pageFrom } from '../../kernel/http/pagination.js';
import { notFound } from '../../kernel/http/problem.js';
import { type AuditScope, chainConditions, decodeSeqCursor, encodeSeqCursor, filterConditions } from './query.js';
import type { AuditFilters, ExportFormat } from './schemas.js';

export type AuditLog = typeof auditLogs.$inferSelect;
export interface AuditLogPage {
  data: AuditLog[];
  nextCursor: string | null;
}

/** Rows per query while exporting: bounded memory however long the trail is. */
export const EXPORT_BATCH_SIZE = 1000;

const CATEGORY = 'audit';

/**
 * Reads one audit chain (a site's or the platform's) in the caller's transaction, newest first. Reading is
 * not audited (it would flood the trail); exporting the trail is.
 */
export class AuditLogService {
  constructor(private readonly audit: AuditWriter) {}

  async list(tx: Tx, scope: AuditScope, query: AuditFilters): Promise<AuditLogPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const before = query.cursor === undefined ? undefined : decodeSeqCursor(query.cursor);
    const rows = await this.select(tx, scope, query, before, limit + 1);
    return pageFrom(rows, limit, encodeSeqCursor);
  }

  /**
   * A user's timeline on a site: the rows they wrote as the actor. Derived from the trail rather than stored
   * apart (seeds 000 kept a separate user_activity_logs): every privileged action is already audited, in the
   * same transaction as the change, so a second write path could only drift from it. Not a SQL view: one
   * with a site_id column would be a tenant relation outside the RLS checks (and needs security_invoker);
   * this query is the view. Sign-ins and other platform events live on the platform chain, not in a site's
   * timeline. An unknown user has an empty timeline: a deleted user's rows stay readable.
   */
  activity(tx: Tx, siteId: string, userId: string, query: AuditFilters): Promise<AuditLogPage> {
    return this.list(tx, { siteId }, { ...query, actorUserId: userId, actorApiKeyId: undefined });
  }

  async get(tx: Tx, scope: AuditScope, id: string): Promise<AuditLog> {
    const [row] = await tx
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.id, id), ...chainConditions(scope)));
    if (!row) throw notFound('Audit log entry', `Audit log entry ${id} was not found.`);
    return row;
  }

  /** Every matching row, newest first, EXPORT_BATCH_SIZE at a time (keyset over seq). */
  async *batches(tx: Tx, scope: AuditScope, filters: AuditFilters): AsyncGenerator<AuditLog[]> {
    let before: number | undefined;
    for (;;) {
      const rows = await this.select(tx, scope, filters, before, EXPORT_BATCH_SIZE);
      if (rows.length > 0) yield rows;
      const last = rows[rows.length - 1];
      if (!last || rows.length < EXPORT_BATCH_SIZE) return;
      before = last.seq;
    }
  }

  /** Downloading the trail is itself recorded (in its own transaction, before the read-only export runs). */
  async recordExport(tx: Tx, actor: AuditActor, scope: AuditScope, format: ExportFormat, filters: AuditFilters): Promise<void> {
    await this.audit.write(tx, actor, {
      siteId: scope.siteId,
      action: 'audit.exported',
      category: CATEGORY,
      description: `Exported the audit trail as ${format}`,
      metadata: { format, filters },
    });
  }

  /** The chain's integrity, computed by the database (the transaction must be bound to the same chain). */
  verify(tx: Tx, scope: AuditScope): Promise<ChainReport> {
    return verifyAuditChainIn(tx.$client, scope.siteId);
  }

  private select(tx: Tx, scope: AuditScope, filters: AuditFilters, before: number | undefined, limit: number): Promise<AuditLog[]> {
    const conditions: SQL[] = [...chainConditions(scope), ...filterConditions(filters)];
    if (before !== undefined) conditions.push(lt(auditLogs.seq, before));
    return tx
      .select()
      .from(auditLogs)
      .where(and(...conditions))
      .orderBy(desc(auditLogs.seq))
      .limit(limit);
  }
}
