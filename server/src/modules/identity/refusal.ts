import type { Database, PlatformContext, Tx } from '../../kernel/db/transaction.js';
import type { ProblemError } from '../../kernel/http/problem.js';

/** A refusal whose audit row (and counters) must survive: returned from the transaction, thrown after it commits. */
export class Refusal {
  constructor(readonly problem: ProblemError) {}
}

/**
 * Runs `fn` in a platform transaction that commits even when `fn` refuses, then throws the refusal. Failed
 * sign-ins and wrong codes are recorded this way: throwing inside the transaction would roll the record back.
 */
export async function committing<T>(db: Database, context: PlatformContext, fn: (tx: Tx) => Promise<T | Refusal>): Promise<T> {
  const outcome = await db.asPlatform(context, fn);
  if (outcome instanceof Refusal) throw outcome.problem;
  return outcome;
}
