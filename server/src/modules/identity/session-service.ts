import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { randomToken, sha256Hex } from '../../kernel/crypto/tokens.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { notFound, ProblemError } from '../../kernel/http/problem.js';
import { SESSION_POLICY } from './policy.js';
import { credentialsEnded } from './principal-cache.js';
import { Refusal } from './refusal.js';
import { sessions } from './schema.js';

export interface IssuedTokens {
  sessionId: string;
  token: string;
  refreshToken: string;
  /** When `token` stops working (refresh before then). */
  expiresAt: string;
}

export interface SessionOrigin {
  ip: string | null;
  userAgent: string | null;
  deviceId?: string | null;
  impersonatedBy?: string | null;
  /** With impersonatedBy: the only site the session may act on (a site administrator's impersonation). */
  impersonationSiteId?: string | null;
  twoFactorVerified?: boolean;
  /** The token is also set as the console's HttpOnly cookie: sent that way it slides with use (idle limit). */
  viaCookie?: boolean;
}

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

export type SessionRow = typeof sessions.$inferSelect;

/** Issues, rotates and revokes sessions. Every change is audited on the platform chain by the caller's service. */
export class SessionService {
  constructor(private readonly audit: AuditWriter) {}

  async create(tx: Tx, userId: string, origin: SessionOrigin): Promise<IssuedTokens> {
    const token = randomToken('adms_');
    const refreshToken = randomToken('admr_');
    const lifetime = origin.impersonatedBy ? SESSION_POLICY.impersonationSeconds : SESSION_POLICY.absoluteSeconds;
    const tokenExpiresAt = inSeconds(Math.min(SESSION_POLICY.accessTokenSeconds, lifetime));
    const [row] = await tx
      .insert(sessions)
      .values({
        userId,
        tokenHash: sha256Hex(token),
        refreshTokenHash: sha256Hex(refreshToken),
        ip: origin.ip,
        userAgent: origin.userAgent?.slice(0, 512) ?? null,
        deviceId: origin.deviceId ?? null,
        impersonatedBy: origin.impersonatedBy ?? null,
        impersonationSiteId: origin.impersonatedBy ? (origin.impersonationSiteId ?? null) : null,
        twoFactorVerified: origin.twoFactorVerified ?? false,
        viaCookie: origin.viaCookie ?? false,
        tokenExpiresAt,
        idleExpiresAt: inSeconds(Math.min(SESSION_POLICY.idleSeconds, lifetime)),
        expiresAt: inSeconds(lifetime),
      })
      .returning({ id: sessions.id });
    return { sessionId: (row as { id: string }).id, token, refreshToken, expiresAt: tokenExpiresAt };
  }

  /**
   * Rotates a session's tokens. A refresh token that was already rotated away is proof that someone holds a
   * stolen copy: the whole session is revoked and the reuse audited, and the refusal is returned (not
   * thrown) so that the revocation commits: run it through `committing`.
   */
  async refresh(tx: Tx, refreshToken: string, actor: AuditActor): Promise<(IssuedTokens & { userId: string }) | Refusal> {
    const hash = sha256Hex(refreshToken);
    const [current] = await tx.select().from(sessions).where(eq(sessions.refreshTokenHash, hash)).for('update');
    if (!current) {
      const [stolen] = await tx.select().from(sessions).where(sql`${sessions.spentRefreshHashes} @> array[${hash}]::text[]`).for('update');
      if (stolen && !stolen.revokedAt) {
        await this.revokeRow(tx, stolen, 'refresh_token_reuse');
        await this.audit.write(
          tx,
          { ...actor, userId: stolen.userId, sessionId: stolen.id },
          {
            siteId: null,
            action: 'auth.refresh_reuse',
            category: 'identity',
            targetType: 'session',
            targetId: stolen.id,
            success: false,
            error: 'a rotated refresh token was presented again; the session was revoked',
          },
        );
        return new Refusal(new ProblemError(401, 'refresh_token_reused', 'This refresh token was already used; the session has been ended. Sign in again.'));
      }
      throw new ProblemError(401, 'invalid_refresh_token', 'The refresh token is not valid.');
    }
    const now = Date.now();
    if (current.revokedAt || Date.parse(current.expiresAt) <= now || Date.parse(current.idleExpiresAt) <= now) {
      throw new ProblemError(401, 'session_expired', 'The session has ended. Sign in again.');
    }
    const token = randomToken('adms_');
    const next = randomToken('admr_');
    const tokenExpiresAt = new Date(Math.min(now + SESSION_POLICY.accessTokenSeconds * 1000, Date.parse(current.expiresAt))).toISOString();
    await tx
      .update(sessions)
      .set({
        tokenHash: sha256Hex(token),
        refreshTokenHash: sha256Hex(next),
        spentRefreshHashes: sql`array_append(${sessions.spentRefreshHashes}, ${hash})`,
        tokenExpiresAt,
        lastSeenAt: new Date(now).toISOString(),
        idleExpiresAt: new Date(Math.min(now + SESSION_POLICY.idleSeconds * 1000, Date.parse(current.expiresAt))).toISOString(),
      })
      .where(eq(sessions.id, current.id));
    credentialsEnded({ tokenHash: current.tokenHash });
    return { sessionId: current.id, token, refreshToken: next, expiresAt: tokenExpiresAt, userId: current.userId };
  }

  async listActive(tx: Tx, userId: string): Promise<SessionRow[]> {
    return tx
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), sql`${sessions.expiresAt} > now()`))
      .orderBy(desc(sessions.lastSeenAt))
      .limit(200);
  }

  async get(tx: Tx, sessionId: string): Promise<SessionRow> {
    const [row] = await tx.select().from(sessions).where(eq(sessions.id, sessionId));
    if (!row) throw notFound('Session');
    return row;
  }

  async revoke(tx: Tx, row: SessionRow, reason: string): Promise<boolean> {
    if (row.revokedAt) return false;
    await this.revokeRow(tx, row, reason);
    return true;
  }

  /** Ends every active session of a user (optionally keeping one). Returns how many ended. */
  async revokeAll(tx: Tx, userId: string, reason: string, keepSessionId?: string): Promise<number> {
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: sql`now()`, revokedReason: reason })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keepSessionId ? sql`${sessions.id} <> ${keepSessionId}` : undefined))
      .returning({ tokenHash: sessions.tokenHash });
    for (const { tokenHash } of ended) credentialsEnded({ tokenHash });
    return ended.length;
  }

  private async revokeRow(tx: Tx, row: SessionRow, reason: string): Promise<void> {
    await tx.update(sessions).set({ revokedAt: sql`now()`, revokedReason: reason }).where(eq(sessions.id, row.id));
    credentialsEnded({ tokenHash: row.tokenHash });
  }
}
