import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { hashPassword } from '../../kernel/crypto/passwords.js';
import { randomToken, sha256Hex } from '../../kernel/crypto/tokens.js';
import type { Database, Tx } from '../../kernel/db/transaction.js';
import { badRequest, notFound, unprocessable } from '../../kernel/http/problem.js';
import type { Mailer } from '../../kernel/mail/mailer.js';
import { emailVerificationMail, type MailContent, passwordResetMail } from './mail-templates.js';
import { assertAcceptablePassword } from './password-policy.js';
import { VERIFICATION_POLICY } from './policy.js';
import { accounts, users, verifications } from './schema.js';
import type { SessionService } from './session-service.js';

type Purpose = (typeof verifications.$inferSelect)['purpose'];

const invalidToken = () => badRequest('invalid_token', 'The link is not valid, was already used or has expired. Ask for a new one.');

/**
 * Password reset and email verification: single-use tokens (stored as SHA-256 digests) sent by mail, enqueued
 * in the transaction that issues the token (SMTP when configured, else the outbox the console shows).
 */
export class VerificationService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
    private readonly sessions: SessionService,
    private readonly mailer: Mailer,
    private readonly publicUrl: string | undefined,
  ) {}

  /** Sends a reset link when the email belongs to an active user with a password; answers the same either way. */
  async requestPasswordReset(email: string, actor: AuditActor): Promise<void> {
    const address = email.trim().toLowerCase();
    await this.db.asPlatform({}, async (tx) => {
      const [user] = await tx
        .select({ id: users.id, email: users.email, status: users.status })
        .from(users)
        .innerJoin(accounts, and(eq(accounts.userId, users.id), eq(accounts.providerId, 'credential')))
        .where(eq(users.email, address));
      if (user?.status !== 'active') {
        await this.audit.write(tx, actor, {
          siteId: null,
          action: 'auth.password_reset_requested',
          category: 'identity',
          success: false,
          error: user ? `status_${user.status}` : 'unknown_user',
          metadata: { email: user ? undefined : address.slice(0, 254) },
        });
        return;
      }
      const token = await this.issue(tx, user.id, 'password_reset', VERIFICATION_POLICY.passwordResetSeconds);
      await this.mail(tx, user.email, user.id, 'password_reset', passwordResetMail(token, this.publicUrl));
      await this.audit.write(tx, actor, {
        siteId: null,
        action: 'auth.password_reset_requested',
        category: 'identity',
        targetType: 'user',
        targetId: user.id,
      });
    });
  }

  /**
   * An administrator sends a user the password-reset mail (the same single-use link as a self-service reset).
   * Refused for users who cannot use it: no password (single sign-on only) or an account that is not active.
   */
  async sendPasswordReset(tx: Tx, actor: AuditActor, userId: string): Promise<void> {
    const [row] = await tx
      .select({ user: users, passwordHash: accounts.passwordHash })
      .from(users)
      .leftJoin(accounts, and(eq(accounts.userId, users.id), eq(accounts.providerId, 'credential')))
      .where(eq(users.id, userId))
      .for('update', { of: users });
    if (!row) throw notFound('User', `User ${userId} was not found.`);
    if (row.user.status !== 'active') throw unprocessable('user_not_active', `The account is ${row.user.status}; only active accounts can reset a password.`);
    if (!row.passwordHash) throw unprocessable('no_password', 'This user signs in without a password (single sign-on only); there is nothing to reset.');
    const token = await this.issue(tx, userId, 'password_reset', VERIFICATION_POLICY.passwordResetSeconds);
    await this.mail(tx, row.user.email, userId, 'password_reset', passwordResetMail(token, this.publicUrl));
    await this.audit.write(tx, actor, {
      siteId: null,
      action: 'user.password_reset_sent',
      category: 'identity',
      targetType: 'user',
      targetId: userId,
      metadata: { to: row.user.email },
    });
  }

  /** Sets a new password with a reset token; ends every session and lifts a lockout. */
  async resetPassword(token: string, newPassword: string, actor: AuditActor): Promise<void> {
    const hash = sha256Hex(token);
    const target = await this.db.asPlatform({}, (tx) => this.live(tx, hash, 'password_reset'));
    if (!target) throw invalidToken();
    const [user] = await this.db.asPlatform({}, (tx) => tx.select().from(users).where(eq(users.id, target.userId)));
    assertAcceptablePassword(newPassword, [user?.email, user?.username], '/newPassword');
    const passwordHash = await hashPassword(newPassword);
    await this.db.asPlatform({ userId: target.userId }, async (tx) => {
      const row = await this.consume(tx, hash, 'password_reset');
      if (!row) throw invalidToken(); // spent concurrently
      await tx
        .update(accounts)
        .set({ passwordHash })
        .where(and(eq(accounts.userId, row.userId), eq(accounts.providerId, 'credential')));
      await tx.update(users).set({ failedSignIns: 0, lockedUntil: null }).where(eq(users.id, row.userId));
      const ended = await this.sessions.revokeAll(tx, row.userId, 'password_reset');
      await this.audit.write(
        tx,
        { ...actor, userId: row.userId },
        {
          siteId: null,
          action: 'user.password_reset',
          category: 'identity',
          targetType: 'user',
          targetId: row.userId,
          metadata: { sessionsEnded: ended },
        },
      );
    });
  }

  /**
   * Sends the user a link that confirms their email address. `siteId`: the audit chain to record it on, the
   * transaction's site (sign-up on a site); null on the platform's.
   */
  async requestEmailVerification(tx: Tx, actor: AuditActor, userId: string, siteId: string | null = null): Promise<{ alreadyVerified: boolean }> {
    const [user] = await tx.select().from(users).where(eq(users.id, userId));
    if (!user || user.emailVerified) return { alreadyVerified: true };
    const token = await this.issue(tx, userId, 'email_verification', VERIFICATION_POLICY.emailVerificationSeconds);
    await this.mail(tx, user.email, userId, 'email_verification', emailVerificationMail(token, this.publicUrl));
    await this.audit.write(tx, actor, {
      siteId,
      action: 'user.email_verification_requested',
      category: 'identity',
      targetType: 'user',
      targetId: userId,
    });
    return { alreadyVerified: false };
  }

  async verifyEmail(token: string, actor: AuditActor): Promise<void> {
    await this.db.asPlatform({}, async (tx) => {
      const row = await this.consume(tx, sha256Hex(token), 'email_verification');
      if (!row) throw invalidToken();
      await tx.update(users).set({ emailVerified: true }).where(eq(users.id, row.userId));
      await this.audit.write(
        tx,
        { ...actor, userId: actor.userId ?? row.userId },
        {
          siteId: null,
          action: 'user.email_verified',
          category: 'identity',
          targetType: 'user',
          targetId: row.userId,
          after: { emailVerified: true },
        },
      );
    });
  }

  /** A new token for the purpose; earlier unused ones of the same purpose stop working. */
  private async issue(tx: Tx, userId: string, purpose: Purpose, seconds: number): Promise<string> {
    await tx
      .update(verifications)
      .set({ usedAt: sql`now()` })
      .where(and(eq(verifications.userId, userId), eq(verifications.purpose, purpose), isNull(verifications.usedAt)));
    const token = randomToken('admv_');
    const expiresAt = new Date(Date.now() + seconds * 1000).toISOString();
    await tx.insert(verifications).values({ userId, purpose, tokenHash: sha256Hex(token), expiresAt });
    return token;
  }

  private async live(tx: Tx, hash: string, purpose: Purpose) {
    const [row] = await tx
      .select()
      .from(verifications)
      .where(and(eq(verifications.tokenHash, hash), eq(verifications.purpose, purpose), isNull(verifications.usedAt), sql`${verifications.expiresAt} > now()`));
    return row ?? null;
  }

  /** Marks the token used, if it is still live; returns it (null otherwise). */
  private async consume(tx: Tx, hash: string, purpose: Purpose) {
    const [row] = await tx
      .update(verifications)
      .set({ usedAt: sql`now()` })
      .where(and(eq(verifications.tokenHash, hash), eq(verifications.purpose, purpose), isNull(verifications.usedAt), sql`${verifications.expiresAt} > now()`))
      .returning();
    return row ?? null;
  }

  private async mail(tx: Tx, to: string, userId: string, kind: Purpose, content: MailContent): Promise<void> {
    await this.mailer.enqueue(tx, { to, subject: content.subject, text: content.text, kind, metadata: { userId } });
  }
}
