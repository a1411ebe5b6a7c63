import { uuidv7 } from 'uuidv7';
import type { Tx } from '../db/transaction.js';
import { redact } from './redact.js';

/** Who did it and from where; filled from the request by the HTTP kernel. */
export interface AuditActor {
  userId: string | null;
  apiKeyId: string | null;
  impersonatorUserId: string | null;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditEntry {
  /** The site whose chain records it; null for platform actions. Must be the transaction's site. */
  siteId: string | null;
  action: string;
  category: string;
  targetType?: string;
  targetId?: string;
  description?: string;
  before?: unknown;
  after?: unknown;
  success?: boolean;
  error?: string;
  metadata?: Record<string, unknown>;
}

export interface AuditWriter {
  /** Writes inside the caller's transaction, so the record and the change commit or vanish together. */
  write(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void>;
}

export const systemActor: AuditActor = {
  userId: null,
  apiKeyId: null,
  impersonatorUserId: null,
  sessionId: null,
  ip: null,
  userAgent: null,
  requestId: null,
};

const INSERT = `INSERT INTO audit_logs (id, site_id, seq, actor_user_id, actor_api_key_id, impersonator_user_id, action, category,
  target_type, target_id, description, before, after, ip, user_agent, session_id, request_id, success, error, metadata,
  prev_hash, hash)
  VALUES ($1, $2, 0, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, '', '')`;

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(redact(value)));

/** The database writer: one prepared INSERT; the chain trigger assigns seq, prev_hash and hash. */
export const databaseAuditWriter: AuditWriter = {
  async write(tx, actor, entry) {
    await tx.$client.query({
      name: 'admiral_audit_insert',
      text: INSERT,
      values: [
        uuidv7(),
        entry.siteId,
        actor.userId,
        actor.apiKeyId,
        actor.impersonatorUserId,
        entry.action,
        entry.category,
        entry.targetType ?? null,
        entry.targetId ?? null,
        entry.description ?? null,
        json(entry.before),
        json(entry.after),
        actor.ip,
        actor.userAgent?.slice(0, 512) ?? null,
        actor.sessionId,
        actor.requestId,
        entry.success ?? true,
        entry.error ?? null,
        JSON.stringify(redact(entry.metadata ?? {})),
      ],
    });
  },
};
