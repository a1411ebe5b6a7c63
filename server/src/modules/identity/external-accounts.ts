import { and, eq } from 'drizzle-orm';
import type { SecretBox } from '../../kernel/crypto/secret-box.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { accounts, users } from './schema.js';
import type { User } from './user-service.js';

/** What an outside provider handed over at sign-in; sealed (AES-256-GCM) before it is stored. */
export interface ProviderTokens {
  accessToken?: string | undefined;
  refreshToken?: string | undefined;
  idToken?: string | undefined;
  /** Seconds the access token lives, as the provider said. */
  expiresIn?: number | undefined;
  scope?: string | undefined;
}

/**
 * Accounts at outside identity providers (`accounts` rows whose provider_id is not 'credential'): which
 * user a provider's subject is, and that provider's tokens, sealed under the master secret.
 */
export class ExternalAccounts {
  constructor(private readonly secrets: SecretBox) {}

  /** The user a provider's subject signs in as, or null when the subject was never linked. */
  async userOf(tx: Tx, providerId: string, subject: string): Promise<User | null> {
    const [row] = await tx
      .select({ user: users })
      .from(accounts)
      .innerJoin(users, eq(users.id, accounts.userId))
      .where(and(eq(accounts.providerId, providerId), eq(accounts.accountId, subject)));
    return row?.user ?? null;
  }

  /** Links the subject to the user (or refreshes the stored tokens when it already is). */
  async link(tx: Tx, userId: string, providerId: string, subject: string, tokens: ProviderTokens): Promise<void> {
    const sealed = this.seal(tokens);
    await tx
      .insert(accounts)
      .values({ userId, providerId, accountId: subject, ...sealed })
      .onConflictDoUpdate({ target: [accounts.providerId, accounts.accountId], set: sealed, where: eq(accounts.userId, userId) });
  }

  /**
   * A provider has proved the person owns the email of an account whose email Admiral never verified.
   * Whoever set that account up before them (a sign-up in their name: pre-account hijacking) must not keep
   * a way in: the password goes and the email counts as verified. The caller ends the sessions.
   */
  async claimUnverified(tx: Tx, userId: string): Promise<{ passwordRemoved: boolean }> {
    await tx.update(users).set({ emailVerified: true }).where(eq(users.id, userId));
    const removed = await tx
      .delete(accounts)
      .where(and(eq(accounts.userId, userId), eq(accounts.providerId, 'credential')))
      .returning({ id: accounts.id });
    return { passwordRemoved: removed.length > 0 };
  }

  /** Forgets every account of a provider (it was removed): the links and the tokens. */
  async unlinkAll(tx: Tx, providerId: string): Promise<number> {
    const gone = await tx.delete(accounts).where(eq(accounts.providerId, providerId)).returning({ id: accounts.id });
    return gone.length;
  }

  private seal(tokens: ProviderTokens) {
    const seal = (value: string | undefined) => (value ? this.secrets.seal(value) : null);
    return {
      accessTokenEnc: seal(tokens.accessToken),
      refreshTokenEnc: seal(tokens.refreshToken),
      idTokenEnc: seal(tokens.idToken),
      accessTokenExpiresAt: tokens.expiresIn ? new Date(Date.now() + tokens.expiresIn * 1000).toISOString() : null,
      scope: tokens.scope ?? null,
    };
  }
}
