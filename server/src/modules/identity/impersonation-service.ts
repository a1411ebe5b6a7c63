import { eq } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { forbidden, ProblemError, unprocessable } from '../../kernel/http/problem.js';
import { SESSION_POLICY } from './policy.js';
import { users } from './schema.js';
import type { IssuedTokens, SessionService } from './session-service.js';

export interface ImpersonationOptions {
  /** The console's impersonation: the token also goes into the session cookie (see SessionOrigin.viaCookie). */
  viaCookie?: boolean;
  /**
   * A site administrator's impersonation: the session holds permissions on this site only (nowhere else,
   * whatever else the user is a member of), and the start is audited on the site's chain. Null: platform-wide.
   */
  siteId?: string | null;
}

/**
 * Starts impersonation sessions: time-limited sessions as another user, never as a super admin, never from
 * within an impersonation, every action in them audited with both identities (impersonator_user_id). Who may
 * start one is the route's business (users.impersonate platform-wide, members.impersonate on a site).
 */
export class Impersonations {
  constructor(
    private readonly audit: AuditWriter,
    private readonly sessions: SessionService,
  ) {}

  async start(tx: Tx, actor: AuditActor, targetId: string, options: ImpersonationOptions = {}): Promise<IssuedTokens> {
    if (!actor.userId) throw forbidden('impersonation_requires_user', 'Only a signed-in person can impersonate.');
    if (actor.impersonatorUserId) throw forbidden('nested_impersonation', 'You are already impersonating someone.');
    if (actor.userId === targetId) throw unprocessable('cannot_impersonate_self', 'You cannot impersonate yourself.');
    const [target] = await tx.select().from(users).where(eq(users.id, targetId));
    if (!target) throw new ProblemError(404, 'not_found', `User ${targetId} was not found.`);
    if (target.isSuperAdmin) throw forbidden('cannot_impersonate_super_admin', 'Super admins cannot be impersonated.');
    if (target.status !== 'active' || target.banned) throw unprocessable('user_not_active', 'Only active users can be impersonated.');
    const siteId = options.siteId ?? null;
    const issued = await this.sessions.create(tx, targetId, {
      ip: actor.ip,
      userAgent: actor.userAgent,
      impersonatedBy: actor.userId,
      impersonationSiteId: siteId,
      twoFactorVerified: true,
      viaCookie: options.viaCookie ?? false,
    });
    await this.audit.write(
      tx,
      { ...actor, impersonatorUserId: actor.userId },
      {
        siteId,
        action: 'auth.impersonation_started',
        category: 'identity',
        targetType: 'user',
        targetId,
        metadata: { sessionId: issued.sessionId, expiresInSeconds: SESSION_POLICY.impersonationSeconds, siteBound: siteId !== null },
      },
    );
    return issued;
  }
}
