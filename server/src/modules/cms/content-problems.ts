import { assertIfMatch, etagOf } from '../../kernel/http/etag.js';
import { conflict, ProblemError } from '../../kernel/http/problem.js';

/** Saves must name the copy they were made from: without If-Match a blind overwrite could lose someone's edit. */
export function requireIfMatch(ifMatch: string | undefined, current: object): void {
  if (ifMatch === undefined) {
    throw new ProblemError(
      428,
      'precondition_required',
      'Send If-Match with the ETag of the copy you edited (from GET), so a concurrent edit is not overwritten.',
    );
  }
  assertIfMatch(ifMatch, etagOf(current));
}

/** Optional If-Match (lifecycle actions, delete): checked when sent. */
export function checkIfMatch(ifMatch: string | undefined, current: object): void {
  if (ifMatch !== undefined) assertIfMatch(ifMatch, etagOf(current));
}

export const slugTaken = (slug: string, noun: string) =>
  new ProblemError(409, 'slug_taken', `Another ${noun} on this site already uses the slug ${slug}.`, [
    { in: 'body', pointer: '/slug', detail: 'is already used on this site' },
  ]);

export const invalidStatus = (detail: string) => conflict('invalid_status', detail);

interface PgError {
  code?: string;
  constraint?: string;
}

/** The PostgreSQL error behind a failed statement (Drizzle wraps it as `cause`). */
function pgErrorOf(error: unknown): PgError | undefined {
  const direct = error as PgError;
  if (typeof direct?.code === 'string' && /^[0-9A-Z]{5}$/.test(direct.code)) return direct;
  const cause = (error as { cause?: PgError } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause : undefined;
}

/** True when `error` is a unique violation of the named constraint/index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const pg = pgErrorOf(error);
  return pg?.code === '23505' && pg.constraint === constraint;
}
