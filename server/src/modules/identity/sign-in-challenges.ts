import { eq, sql } from 'drizzle-orm';
import { randomToken, sha256Hex } from '../../kernel/crypto/tokens.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { TWO_FACTOR_POLICY } from './policy.js';
import { twoFactorChallenges } from './schema.js';

/** What sign-in answers, instead of tokens, for a user with two-factor on. */
export interface TwoFactorChallenge {
  twoFactorRequired: true;
  /** Opaque, single-use; send it with a code to POST /v1/auth/two-factor. */
  challenge: string;
  expiresAt: string;
}

export type ChallengeRow = typeof twoFactorChallenges.$inferSelect;

/** Sign-in challenges: issued after a correct password, stored hashed, spent by one correct code. */
export class SignInChallenges {
  async issue(tx: Tx, userId: string, deviceFingerprint: string): Promise<TwoFactorChallenge> {
    const token = randomToken('admc_');
    const expiresAt = new Date(Date.now() + TWO_FACTOR_POLICY.challengeSeconds * 1000).toISOString();
    await tx.insert(twoFactorChallenges).values({ userId, tokenHash: sha256Hex(token), deviceFingerprint, expiresAt });
    return { twoFactorRequired: true, challenge: token, expiresAt };
  }

  /** The challenge `token` names, locked; null when it is unknown. */
  async find(tx: Tx, token: string): Promise<ChallengeRow | null> {
    const [row] = await tx
      .select()
      .from(twoFactorChallenges)
      .where(eq(twoFactorChallenges.tokenHash, sha256Hex(token)))
      .for('update');
    return row ?? null;
  }

  /** Whether the challenge can still be answered: not spent, not expired, not burnt by wrong codes. */
  isLive(row: ChallengeRow, now = Date.now()): boolean {
    return !row.usedAt && Date.parse(row.expiresAt) > now && row.attempts < TWO_FACTOR_POLICY.challengeAttempts;
  }

  async countWrongCode(tx: Tx, row: ChallengeRow): Promise<void> {
    await tx
      .update(twoFactorChallenges)
      .set({ attempts: sql`${twoFactorChallenges.attempts} + 1` })
      .where(eq(twoFactorChallenges.id, row.id));
  }

  async spend(tx: Tx, row: ChallengeRow): Promise<void> {
    await tx.update(twoFactorChallenges).set({ usedAt: new Date().toISOString() }).where(eq(twoFactorChallenges.id, row.id));
  }

  /** Removes challenges that ended more than a day ago (the purge job). */
  async purge(tx: Tx): Promise<number> {
    const gone = await tx
      .delete(twoFactorChallenges)
      .where(sql`${twoFactorChallenges.expiresAt} < now() - interval '1 day'`)
      .returning({ id: twoFactorChallenges.id });
    return gone.length;
  }
}
