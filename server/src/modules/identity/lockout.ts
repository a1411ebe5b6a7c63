import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../kernel/db/transaction.js';
import { lockSecondsAfter } from './policy.js';
import { users } from './schema.js';

export function isLocked(user: { lockedUntil: string | null }, now = Date.now()): boolean {
  return user.lockedUntil !== null && Date.parse(user.lockedUntil) > now;
}

/**
 * Counts a failed proof (wrong password, wrong two-factor code, or any attempt while locked) and locks the
 * account once the free attempts are used up, for longer with each further failure. Returns the new lock's end.
 */
export async function countFailure(tx: Tx, userId: string): Promise<string | null> {
  const [updated] = await tx
    .update(users)
    .set({ failedSignIns: sql`${users.failedSignIns} + 1` })
    .where(eq(users.id, userId))
    .returning({ failures: users.failedSignIns });
  const lockSeconds = lockSecondsAfter(updated?.failures ?? 0);
  if (lockSeconds === 0) return null;
  const lockedUntil = new Date(Date.now() + lockSeconds * 1000).toISOString();
  await tx.update(users).set({ lockedUntil }).where(eq(users.id, userId));
  return lockedUntil;
}
