import { and, eq, isNull, sql } from 'drizzle-orm';
import type { SecretBox } from '../../kernel/crypto/secret-box.js';
import { randomToken, sha256Hex } from '../../kernel/crypto/tokens.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { ssoSignInStates } from './schema.js';

/** How long a browser may take at the provider between the redirect and the callback. */
export const SIGN_IN_STATE_SECONDS = 10 * 60;

export interface NewSignIn {
  providerId: string;
  browserBinding: string;
  nonce: string;
  codeVerifier: string;
  redirectTo: string;
}

export interface PendingSignIn {
  providerId: string;
  nonce: string;
  codeVerifier: string;
  redirectTo: string;
}

/**
 * Sign-ins in flight, kept on the server: the `state` sent to the provider is a random token stored only as
 * its SHA-256, with the nonce, the sealed PKCE verifier and the browser it belongs to. The first callback
 * spends it (an atomic UPDATE), so a replayed or second callback finds nothing.
 */
export class SignInStates {
  constructor(private readonly secrets: SecretBox) {}

  /** Records a sign-in and answers the `state` to send to the provider. */
  async issue(tx: Tx, input: NewSignIn): Promise<string> {
    const state = randomToken('', 32);
    await tx.insert(ssoSignInStates).values({
      providerId: input.providerId,
      stateHash: sha256Hex(state),
      browserHash: sha256Hex(input.browserBinding),
      nonce: input.nonce,
      codeVerifierEnc: this.secrets.seal(input.codeVerifier),
      redirectTo: input.redirectTo,
      expiresAt: new Date(Date.now() + SIGN_IN_STATE_SECONDS * 1000).toISOString(),
    });
    return state;
  }

  /**
   * Spends the sign-in `state` names if it is live and was started by this browser: null otherwise (unknown,
   * used, expired, or another browser's). The spend commits with the caller's transaction.
   */
  async spend(tx: Tx, state: string, browserBinding: string | undefined): Promise<PendingSignIn | null> {
    if (!browserBinding) return null;
    const [row] = await tx
      .update(ssoSignInStates)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(ssoSignInStates.stateHash, sha256Hex(state)),
          eq(ssoSignInStates.browserHash, sha256Hex(browserBinding)),
          isNull(ssoSignInStates.usedAt),
          sql`${ssoSignInStates.expiresAt} > now()`,
        ),
      )
      .returning();
    if (!row) return null;
    return { providerId: row.providerId, nonce: row.nonce, codeVerifier: this.secrets.open(row.codeVerifierEnc), redirectTo: row.redirectTo };
  }

  /** Deletes sign-ins that ended more than a day ago (the purge job). */
  static async purge(tx: Tx): Promise<number> {
    const gone = await tx.delete(ssoSignInStates).where(sql`${ssoSignInStates.expiresAt} < now() - interval '1 day'`).returning({ id: ssoSignInStates.id });
    return gone.length;
  }
}
