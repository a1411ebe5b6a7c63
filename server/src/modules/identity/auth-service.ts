import { and, eq, or, sql } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from '../../kernel/crypto/passwords.js';
import { sha256Hex } from '../../kernel/crypto/tokens.js';
import type { Database, Tx } from '../../kernel/db/transaction.js';
import { forbidden, ProblemError, unprocessable } from '../../kernel/http/problem.js';
import { assertAcceptablePassword } from './password-policy.js';
import { lockSecondsAfter, SESSION_POLICY } from './policy.js';
import { accounts, devices, type sessions, users } from './schema.js';
import type { IssuedTokens, SessionService } from './session-service.js';
import { publicUser, type User } from './user-service.js';

export interface SignInInput {
  identifier: string;
  password: string;
  deviceFingerprint?: string;
}

export interface SignedIn extends IssuedTokens {
  user: ReturnType<typeof publicUser>;
}

/** One answer for every failed sign-in: unknown user, wrong password, locked, banned or disabled alike. */
export const invalidCredentials = () => new ProblemError(401, 'invalid_credentials', 'The email/username or password is not correct.');

type Candidate = { user: User; passwordHash: string | null };

/** Sign-in, sign-out, password changes and impersonation. */
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
    private readonly sessionService: SessionService,
  ) {}

  async signIn(input: SignInInput, actor: AuditActor): Promise<SignedIn> {
    const identifier = input.identifier.trim().toLowerCase();
    const candidate = await this.db.asPlatform({}, (tx) => this.findCandidate(tx, identifier));
    // Always exactly one argon2 verification, so timing does not tell whether the account exists.
    const passwordOk = await verifyPassword(candidate?.passwordHash ?? (await decoyHash()), input.password);
    const refusal = this.refusalReason(candidate, passwordOk);
    if (refusal || !candidate) {
      await this.db.asPlatform({}, (tx) => this.recordFailure(tx, actor, identifier, candidate?.user ?? null, refusal ?? 'unknown_user'));
      throw invalidCredentials();
    }
    return this.db.asPlatform({ userId: candidate.user.id }, (tx) => this.recordSuccess(tx, actor, candidate, input));
  }

  private async findCandidate(tx: Tx, identifier: string): Promise<Candidate | null> {
    const [row] = await tx
      .select({ user: users, passwordHash: accounts.passwordHash })
      .from(users)
      .leftJoin(accounts, and(eq(accounts.userId, users.id), eq(accounts.providerId, 'credential')))
      .where(or(eq(users.email, identifier), eq(users.username, identifier)))
      .limit(1);
    return row ?? null;
  }

  private refusalReason(candidate: Candidate | null, passwordOk: boolean): string | null {
    if (!candidate) return 'unknown_user';
    const { user } = candidate;
    if (!candidate.passwordHash) return 'no_password';
    if (user.lockedUntil && Date.parse(user.lockedUntil) > Date.now()) return 'locked';
    if (!passwordOk) return 'wrong_password';
    if (user.status !== 'active') return `status_${user.status}`;
    if (user.banned && (!user.banExpires || Date.parse(user.banExpires) > Date.now())) return 'banned';
    return null;
  }

  private async recordFailure(tx: Tx, actor: AuditActor, identifier: string, user: User | null, reason: string): Promise<void> {
    let lockedUntil: string | null = null;
    if (user && (reason === 'wrong_password' || reason === 'locked')) {
      const [updated] = await tx
        .update(users)
        .set({ failedSignIns: sql`${users.failedSignIns} + 1` })
        .where(eq(users.id, user.id))
        .returning({ failures: users.failedSignIns });
      const lockSeconds = lockSecondsAfter(updated?.failures ?? 0);
      if (lockSeconds > 0) {
        lockedUntil = new Date(Date.now() + lockSeconds * 1000).toISOString();
        await tx.update(users).set({ lockedUntil }).where(eq(users.id, user.id));
      }
    }
    await this.audit.write(
      tx,
      { ...actor, userId: user?.id ?? null },
      {
        siteId: null,
        action: 'auth.sign_in',
        category: 'identity',
        targetType: 'user',
        targetId: user?.id,
        success: false,
        error: reason,
        metadata: { identifier: user ? undefined : identifier.slice(0, 254), lockedUntil },
      },
    );
  }

  private async recordSuccess(tx: Tx, actor: AuditActor, candidate: Candidate, input: SignInInput): Promise<SignedIn> {
    const { user } = candidate;
    const updates: Partial<typeof users.$inferInsert> = { failedSignIns: 0, lockedUntil: null, lastLoginAt: new Date().toISOString() };
    if (user.banned) Object.assign(updates, { banned: false, banReason: null, banExpires: null }); // the ban had expired
    const [fresh] = await tx.update(users).set(updates).where(eq(users.id, user.id)).returning();
    if (candidate.passwordHash && needsRehash(candidate.passwordHash)) {
      await tx
        .update(accounts)
        .set({ passwordHash: await hashPassword(input.password) })
        .where(and(eq(accounts.userId, user.id), eq(accounts.providerId, 'credential')));
    }
    const device = await this.touchDevice(tx, actor, user.id, input.deviceFingerprint);
    const issued = await this.sessionService.create(tx, user.id, { ip: actor.ip, userAgent: actor.userAgent, deviceId: device.id });
    await this.audit.write(
      tx,
      { ...actor, userId: user.id, sessionId: issued.sessionId },
      {
        siteId: null,
        action: 'auth.sign_in',
        category: 'identity',
        targetType: 'user',
        targetId: user.id,
        success: true,
        metadata: { newDevice: device.isNew },
      },
    );
    return { ...issued, user: publicUser(fresh as User) };
  }

  /** Known devices by fingerprint (client-supplied id, else the user agent); a new one is audited. */
  private async touchDevice(tx: Tx, actor: AuditActor, userId: string, clientFingerprint?: string): Promise<{ id: string; isNew: boolean }> {
    const fingerprint = sha256Hex(clientFingerprint ?? `ua:${actor.userAgent ?? 'unknown'}`);
    const [existing] = await tx
      .update(devices)
      .set({ lastSeenAt: new Date().toISOString(), lastIp: actor.ip })
      .where(and(eq(devices.userId, userId), eq(devices.fingerprint, fingerprint)))
      .returning({ id: devices.id });
    if (existing) return { id: existing.id, isNew: false };
    const [created] = await tx
      .insert(devices)
      .values({ userId, fingerprint, userAgent: actor.userAgent?.slice(0, 512) ?? null, platform: platformOf(actor.userAgent), lastIp: actor.ip })
      .returning({ id: devices.id });
    const id = (created as { id: string }).id;
    await this.audit.write(tx, { ...actor, userId }, { siteId: null, action: 'auth.new_device', category: 'identity', targetType: 'device', targetId: id });
    return { id, isNew: true };
  }

  async signOut(tx: Tx, actor: AuditActor, session: typeof sessions.$inferSelect, everywhere: boolean): Promise<number> {
    const ended = everywhere
      ? await this.sessionService.revokeAll(tx, session.userId, 'signed_out_everywhere')
      : (await this.sessionService.revoke(tx, session, 'signed_out'))
        ? 1
        : 0;
    await this.audit.write(tx, actor, {
      siteId: null,
      action: everywhere ? 'auth.sign_out_everywhere' : 'auth.sign_out',
      category: 'identity',
      targetType: 'session',
      targetId: session.id,
      metadata: { sessionsEnded: ended },
    });
    return ended;
  }

  /** Changes one's own password (the current one is required) and ends every other session. */
  async changePassword(tx: Tx, actor: AuditActor, userId: string, current: string, next: string, keepSessionId: string | null): Promise<void> {
    const [row] = await tx
      .select({ user: users, passwordHash: accounts.passwordHash })
      .from(users)
      .innerJoin(accounts, and(eq(accounts.userId, users.id), eq(accounts.providerId, 'credential')))
      .where(eq(users.id, userId));
    if (!row?.passwordHash || !(await verifyPassword(row.passwordHash, current))) {
      throw unprocessable('wrong_password', 'The current password is not correct.', [{ in: 'body', pointer: '/currentPassword', detail: 'is not correct' }]);
    }
    assertAcceptablePassword(next, [row.user.email, row.user.username], '/newPassword');
    await tx
      .update(accounts)
      .set({ passwordHash: await hashPassword(next) })
      .where(and(eq(accounts.userId, userId), eq(accounts.providerId, 'credential')));
    const ended = await this.sessionService.revokeAll(tx, userId, 'password_changed', keepSessionId ?? undefined);
    await this.audit.write(tx, actor, {
      siteId: null,
      action: 'user.password_changed',
      category: 'identity',
      targetType: 'user',
      targetId: userId,
      metadata: { sessionsEnded: ended },
    });
  }

  /**
   * Starts a time-limited session as another user. Only admins may, never as a super admin, and every
   * action in that session is audited with both identities (impersonator_user_id).
   */
  async impersonate(tx: Tx, actor: AuditActor, targetId: string): Promise<IssuedTokens> {
    if (!actor.userId) throw forbidden('impersonation_requires_user', 'Only a signed-in person can impersonate.');
    if (actor.impersonatorUserId) throw forbidden('nested_impersonation', 'You are already impersonating someone.');
    if (actor.userId === targetId) throw unprocessable('cannot_impersonate_self', 'You cannot impersonate yourself.');
    const [target] = await tx.select().from(users).where(eq(users.id, targetId));
    if (!target) throw new ProblemError(404, 'not_found', `User ${targetId} was not found.`);
    if (target.isSuperAdmin) throw forbidden('cannot_impersonate_super_admin', 'Super admins cannot be impersonated.');
    if (target.status !== 'active' || target.banned) throw unprocessable('user_not_active', 'Only active users can be impersonated.');
    const issued = await this.sessionService.create(tx, targetId, {
      ip: actor.ip,
      userAgent: actor.userAgent,
      impersonatedBy: actor.userId,
      twoFactorVerified: true,
    });
    await this.audit.write(
      tx,
      { ...actor, impersonatorUserId: actor.userId },
      {
        siteId: null,
        action: 'auth.impersonation_started',
        category: 'identity',
        targetType: 'user',
        targetId,
        metadata: { sessionId: issued.sessionId, expiresInSeconds: SESSION_POLICY.impersonationSeconds },
      },
    );
    return issued;
  }
}

function platformOf(userAgent: string | null): string | null {
  if (!userAgent) return null;
  if (/android/i.test(userAgent)) return 'android';
  if (/iphone|ipad|ios/i.test(userAgent)) return 'ios';
  if (/mac os/i.test(userAgent)) return 'macos';
  if (/windows/i.test(userAgent)) return 'windows';
  if (/linux/i.test(userAgent)) return 'linux';
  return 'other';
}
