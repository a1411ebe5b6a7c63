import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from '../../kernel/crypto/passwords.js';
import { sha256Hex } from '../../kernel/crypto/tokens.js';
import type { Database, Tx } from '../../kernel/db/transaction.js';
import { conflict, ProblemError, unprocessable } from '../../kernel/http/problem.js';
import type { Mailer } from '../../kernel/mail/mailer.js';
import { deviceFingerprint, mailNewDevice, touchDevice } from './devices.js';
import { awaitingEmailConfirmation, emailNotConfirmed } from './email-confirmation.js';
import { countFailure, isLocked } from './lockout.js';
import { assertAcceptablePassword } from './password-policy.js';
import { committing, Refusal } from './refusal.js';
import { accounts, sessions, users } from './schema.js';
import type { IssuedTokens, SessionService } from './session-service.js';
import { SignInChallenges, type TwoFactorChallenge } from './sign-in-challenges.js';
import type { ProofAccepted, TwoFactorCodes, TwoFactorProof } from './two-factor-codes.js';
import { publicUser, type User } from './user-service.js';

export interface SignInInput {
  identifier: string;
  password: string;
  deviceFingerprint?: string;
  /** The console's sign-in: the token also goes into the session cookie (see SessionOrigin.viaCookie). */
  cookie?: boolean;
}

export interface SignedIn extends IssuedTokens {
  user: ReturnType<typeof publicUser>;
}

/** The response body: the session id stays on the server. */
export function signedInBody(signedIn: SignedIn): Omit<SignedIn, 'sessionId'> {
  const { sessionId: _sessionId, ...body } = signedIn;
  return body;
}

export interface TwoFactorInput {
  challenge: string;
  proof: TwoFactorProof;
  cookie?: boolean;
}

/** One answer for every failed sign-in: unknown user, wrong password, locked, banned or disabled alike. */
export const invalidCredentials = () => new ProblemError(401, 'invalid_credentials', 'The email/username or password is not correct.');
const invalidChallenge = () => new ProblemError(401, 'invalid_challenge', 'The sign-in challenge is not valid, was used or has expired. Sign in again.');
const wrongCode = () => new ProblemError(401, 'invalid_two_factor_code', 'The two-factor code is not correct (or was already used).');

type Candidate = { user: User; passwordHash: string | null; awaitingConfirmation: boolean };

const activeBan = (user: User) => user.banned && (!user.banExpires || Date.parse(user.banExpires) > Date.now());

/** Why an account may not sign in whatever it proves (not active, or banned); null when it may. */
export function accountRefusal(user: User): string | null {
  if (user.status !== 'active') return `status_${user.status}`;
  if (activeBan(user)) return 'banned';
  return null;
}

/** How an outside identity provider vouched for a user (recorded on the sign-in's audit rows). */
export interface VouchedBy {
  method: 'oidc';
  providerId: string;
}

/** Sign-in (password, then the second factor when it is on), sign-out, password changes and impersonation. */
export class AuthService {
  private readonly challenges = new SignInChallenges();

  constructor(
    private readonly db: Database,
    private readonly audit: AuditWriter,
    private readonly sessionService: SessionService,
    private readonly codes: TwoFactorCodes,
    /** Where new-device notices go. */
    private readonly notices: { mailer: Mailer; publicUrl: string | undefined },
  ) {}

  async signIn(input: SignInInput, actor: AuditActor): Promise<SignedIn | TwoFactorChallenge> {
    const identifier = input.identifier.trim().toLowerCase();
    const candidate = await this.db.asPlatform({}, (tx) => this.findCandidate(tx, identifier));
    // Always exactly one argon2 verification, so timing does not tell whether the account exists.
    const passwordOk = await verifyPassword(candidate?.passwordHash ?? (await decoyHash()), input.password);
    const refusal = this.refusalReason(candidate, passwordOk);
    if (refusal || !candidate) {
      await this.db.asPlatform({}, (tx) => this.recordFailure(tx, actor, identifier, candidate?.user ?? null, refusal ?? 'unknown_user'));
      // Only someone who knows the password learns the account waits for its address to be confirmed.
      throw refusal === 'email_not_verified' ? emailNotConfirmed() : invalidCredentials();
    }
    const rehash = candidate.passwordHash && needsRehash(candidate.passwordHash) ? await hashPassword(input.password) : null;
    const fingerprint = deviceFingerprint(actor, input.deviceFingerprint);
    return this.db.asPlatform({ userId: candidate.user.id }, async (tx) => {
      if (rehash) {
        await tx
          .update(accounts)
          .set({ passwordHash: rehash })
          .where(and(eq(accounts.userId, candidate.user.id), eq(accounts.providerId, 'credential')));
      }
      if (!candidate.user.twoFactorEnabled) return this.completeSignIn(tx, actor, candidate.user, fingerprint, null, input.cookie);
      const challenge = await this.challenges.issue(tx, candidate.user.id, fingerprint);
      await this.audit.write(
        tx,
        { ...actor, userId: candidate.user.id },
        { siteId: null, action: 'auth.two_factor_challenged', category: 'identity', targetType: 'user', targetId: candidate.user.id },
      );
      return challenge;
    });
  }

  /**
   * Second step of sign-in: the challenge and a code (or a recovery code). A wrong code is audited, counts
   * toward the account's lockout and toward burning the challenge; a right one while locked is refused too.
   */
  async completeTwoFactor(input: TwoFactorInput, actor: AuditActor): Promise<SignedIn> {
    return committing(this.db, {}, async (tx) => {
      const challenge = await this.challenges.find(tx, input.challenge);
      const [user] = challenge ? await tx.select().from(users).where(eq(users.id, challenge.userId)).for('update') : [];
      const method = 'code' in input.proof ? 'totp' : 'recovery_code';
      const fail = (error: string, metadata: Record<string, unknown> = {}) =>
        this.audit.write(
          tx,
          { ...actor, userId: user?.id ?? null },
          {
            siteId: null,
            action: 'auth.two_factor',
            category: 'identity',
            targetType: 'user',
            targetId: user?.id,
            success: false,
            error,
            metadata: { method, ...metadata },
          },
        );
      if (!challenge || !user || !this.challenges.isLive(challenge)) {
        await fail('invalid_challenge');
        return new Refusal(invalidChallenge());
      }
      if (user.status !== 'active' || activeBan(user) || !user.twoFactorEnabled) {
        await this.challenges.spend(tx, challenge);
        await fail(`status_${user.banned ? 'banned' : user.status}`);
        return new Refusal(invalidChallenge());
      }
      const locked = isLocked(user);
      const accepted = locked ? null : await this.codes.accept(tx, user.id, input.proof);
      if (!accepted) {
        await this.challenges.countWrongCode(tx, challenge);
        const lockedUntil = await countFailure(tx, user.id);
        await fail(locked ? 'locked' : 'wrong_code', { lockedUntil });
        return new Refusal(wrongCode());
      }
      await this.challenges.spend(tx, challenge);
      return this.completeSignIn(tx, actor, user, challenge.deviceFingerprint ?? deviceFingerprint(actor), accepted, input.cookie);
    });
  }

  /**
   * Signs in a user an outside identity provider has vouched for (single sign-on) instead of a password: the
   * session, or the two-factor challenge when the user has it on. The caller has already refused accounts
   * that `accountRefusal` names; this checks again so a refused account can never get a session here.
   */
  async signInVouched(tx: Tx, actor: AuditActor, userId: string, fingerprint: string, via: VouchedBy): Promise<SignedIn | TwoFactorChallenge> {
    const [user] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!user || accountRefusal(user)) throw invalidCredentials();
    // The session's token goes into the console's cookie (the sign-in ended in a browser redirect).
    if (!user.twoFactorEnabled) return this.completeSignIn(tx, actor, user, fingerprint, null, true, via);
    const challenge = await this.challenges.issue(tx, user.id, fingerprint);
    await this.audit.write(
      tx,
      { ...actor, userId: user.id },
      { siteId: null, action: 'auth.two_factor_challenged', category: 'identity', targetType: 'user', targetId: user.id, metadata: { ...via } },
    );
    return challenge;
  }

  private async findCandidate(tx: Tx, identifier: string): Promise<Candidate | null> {
    const [row] = await tx
      .select({ user: users, passwordHash: accounts.passwordHash, awaitingConfirmation: awaitingEmailConfirmation() })
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
    if (isLocked(user)) return 'locked';
    if (!passwordOk) return 'wrong_password';
    return accountRefusal(user) ?? (candidate.awaitingConfirmation ? 'email_not_verified' : null);
  }

  private async recordFailure(tx: Tx, actor: AuditActor, identifier: string, user: User | null, reason: string): Promise<void> {
    const counts = user && (reason === 'wrong_password' || reason === 'locked');
    const lockedUntil = counts ? await countFailure(tx, user.id) : null;
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

  /** The session at the end of a successful sign-in: counters reset, an expired ban cleared, the device noted. */
  private async completeSignIn(
    tx: Tx,
    actor: AuditActor,
    user: User,
    fingerprint: string,
    twoFactor: ProofAccepted | null,
    viaCookie = false,
    via?: VouchedBy,
  ): Promise<SignedIn> {
    const updates: Partial<typeof users.$inferInsert> = { failedSignIns: 0, lockedUntil: null, lastLoginAt: new Date().toISOString() };
    if (user.banned) Object.assign(updates, { banned: false, banReason: null, banExpires: null }); // the ban had expired
    const [fresh] = await tx.update(users).set(updates).where(eq(users.id, user.id)).returning();
    if (user.banned) {
      await this.audit.write(
        tx,
        { ...actor, userId: user.id },
        {
          siteId: null,
          action: 'user.ban_expired',
          category: 'identity',
          targetType: 'user',
          targetId: user.id,
          before: { banned: true, banReason: user.banReason, banExpires: user.banExpires },
          after: { banned: false },
        },
      );
    }
    const notify = mailNewDevice(this.notices.mailer, this.notices.publicUrl, user);
    const device = await touchDevice(tx, this.audit, actor, user.id, fingerprint, notify);
    const issued = await this.sessionService.create(tx, user.id, {
      ip: actor.ip,
      userAgent: actor.userAgent,
      deviceId: device.id,
      twoFactorVerified: twoFactor !== null,
      viaCookie,
    });
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
        metadata: { newDevice: device.isNew, twoFactor: twoFactor?.method ?? null, codesLeft: twoFactor?.codesLeft, ...via },
      },
    );
    return { ...issued, user: publicUser(fresh as User) };
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
   * Ends an impersonation session (revoked, audited with both identities). `originToken` is the session the
   * console kept for the impersonator: when it is still a live session of that same person, it is theirs again
   * (`restored`); otherwise nobody is signed in afterwards.
   */
  async endImpersonation(tx: Tx, actor: AuditActor, sessionId: string, originToken: string | null): Promise<{ restored: boolean; userId: string | null }> {
    const [session] = await tx.select().from(sessions).where(eq(sessions.id, sessionId)).for('update');
    if (!session?.impersonatedBy) throw conflict('not_impersonating', 'This session is not an impersonation.');
    await this.sessionService.revoke(tx, session, 'impersonation_ended');
    const origin = originToken ? await this.liveSessionOf(tx, originToken, session.impersonatedBy) : null;
    await this.audit.write(tx, actor, {
      siteId: session.impersonationSiteId,
      action: 'auth.impersonation_ended',
      category: 'identity',
      targetType: 'user',
      targetId: session.userId,
      metadata: { sessionId, restored: origin !== null },
    });
    return { restored: origin !== null, userId: origin ? session.impersonatedBy : null };
  }

  /** The session behind `token` if it is live, belongs to `userId`, is not itself an impersonation, and its user may sign in. */
  private async liveSessionOf(tx: Tx, token: string, userId: string) {
    const [row] = await tx
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(
          eq(sessions.tokenHash, sha256Hex(token)),
          eq(sessions.userId, userId),
          isNull(sessions.revokedAt),
          isNull(sessions.impersonatedBy),
          eq(sessions.viaCookie, true),
          sql`${sessions.expiresAt} > now() and ${sessions.idleExpiresAt} > now()`,
        ),
      );
    return row && !accountRefusal(row.user) ? row.session : null;
  }
}
