import { and, eq, ne } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { conflict } from '../../kernel/http/problem.js';
import type { Kernel } from '../../kernel/module.js';
import { awaitingEmailConfirmation } from './email-confirmation.js';
import { accounts, users } from './schema.js';
import { SessionService } from './session-service.js';
import { publicUser, type User } from './user-service.js';
import { VerificationService } from './verification-service.js';

/** A self sign-up, normalized, with the password already hashed (outside any transaction). */
export interface Registration {
  email: string;
  username: string | null;
  name: string | null;
  passwordHash: string;
}

/** The account an address already belongs to. */
export interface ExistingAccount {
  id: string;
  email: string;
  /** Signed up, never confirmed and never signed in: the sign-up was never finished. */
  awaitingConfirmation: boolean;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
export const normalizeUsername = (username: string | null | undefined) => username?.trim().toLowerCase() || null;

const usernameTaken = () => conflict('username_taken', 'This username is taken; choose another.');

/**
 * The account side of self sign-up (sites decide whether and on what terms; see the access module): new
 * accounts with a password, and the one repair a stranger may make to an existing account, restarting a
 * sign-up that was never confirmed. Audit rows go on the chain of the site signed up on.
 */
export class Registrations {
  constructor(
    private readonly audit: AuditWriter,
    private readonly verification: VerificationService,
  ) {}

  /** The account `email` belongs to, locked against a concurrent sign-up; null when there is none. */
  async findByEmail(tx: Tx, email: string): Promise<ExistingAccount | null> {
    const [row] = await tx
      .select({ id: users.id, email: users.email, awaitingConfirmation: awaitingEmailConfirmation() })
      .from(users)
      .where(eq(users.email, email))
      .for('no key update');
    return row ?? null;
  }

  /**
   * 409 username_taken when the username belongs to someone. Checked before anything about the email, so the
   * answer says nothing about the address — except that a sign-up restarting its own unconfirmed account may
   * keep its username.
   */
  async assertUsernameFree(tx: Tx, username: string | null, email: string): Promise<void> {
    if (!username) return;
    const [holder] = await tx.select({ email: users.email, awaitingConfirmation: awaitingEmailConfirmation() }).from(users).where(eq(users.username, username));
    if (holder && !(holder.email === email && holder.awaitingConfirmation)) throw usernameTaken();
  }

  /** A new account with its password; null when the address was taken meanwhile (a concurrent sign-up). */
  async create(tx: Tx, actor: AuditActor, siteId: string, input: Registration): Promise<User | null> {
    const [user] = await tx.insert(users).values({ email: input.email, username: input.username, name: input.name }).onConflictDoNothing().returning();
    if (!user) {
      // Email or username: only a taken username is the caller's to hear about.
      if (await this.findByEmail(tx, input.email)) return null;
      throw usernameTaken();
    }
    await tx.insert(accounts).values({ userId: user.id, providerId: 'credential', accountId: user.id, passwordHash: input.passwordHash });
    await this.audit.write(
      tx,
      { ...actor, userId: user.id },
      {
        siteId,
        action: 'user.signed_up',
        category: 'identity',
        targetType: 'user',
        targetId: user.id,
        after: publicUser(user),
      },
    );
    return user;
  }

  /**
   * Restarts an unconfirmed sign-up: the latest sign-up's password, username and name replace the earlier
   * ones and every earlier confirmation link stops working, so whoever holds the mailbox confirms the latest
   * terms (and a stranger cannot squat an address by signing it up first).
   */
  async restart(tx: Tx, actor: AuditActor, siteId: string, account: ExistingAccount, input: Registration): Promise<void> {
    const [taken] = input.username
      ? await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.username, input.username), ne(users.id, account.id)))
      : [];
    if (taken) throw usernameTaken();
    await tx.update(users).set({ username: input.username, name: input.name }).where(eq(users.id, account.id));
    await tx
      .update(accounts)
      .set({ passwordHash: input.passwordHash })
      .where(and(eq(accounts.userId, account.id), eq(accounts.providerId, 'credential')));
    await this.audit.write(
      tx,
      { ...actor, userId: account.id },
      {
        siteId,
        action: 'user.sign_up_restarted',
        category: 'identity',
        targetType: 'user',
        targetId: account.id,
        after: { username: input.username, name: input.name },
        metadata: { replaced: ['password', 'username', 'name'] },
      },
    );
  }

  /** Mails the confirmation link (recorded on the site's chain). */
  async sendConfirmation(tx: Tx, actor: AuditActor, siteId: string, userId: string): Promise<void> {
    await this.verification.requestEmailVerification(tx, { ...actor, userId }, userId, siteId);
  }
}

/** The registrations of this process (the verification mails go through the kernel's mailer). */
export function registrationsFor(kernel: Kernel): Registrations {
  const verification = new VerificationService(kernel.db, kernel.audit, new SessionService(kernel.audit), kernel.mail, kernel.config.publicUrl);
  return new Registrations(kernel.audit, verification);
}
