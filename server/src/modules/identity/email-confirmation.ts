import { type SQL, sql } from 'drizzle-orm';
import { ProblemError } from '../../kernel/http/problem.js';

/**
 * Whether the account (of a query over the `users` table, not aliased) is still waiting for its address to be confirmed before it may
 * sign in: it signed up on a site that requires confirmation (only that sends a confirmation mail before a
 * first sign-in), has never signed in, and has not confirmed. An account made by an administrator, or one that
 * asks for a confirmation mail from its own settings (signed in by then), never waits.
 */
export function awaitingEmailConfirmation(): SQL<boolean> {
  // Written out qualified: drizzle leaves columns unqualified in a one-table select, and inside the subquery
  // "id" would then name the verification's own id.
  return sql<boolean>`(NOT users.email_verified AND users.last_login_at IS NULL AND EXISTS (
    SELECT 1 FROM verifications v WHERE v.user_id = users.id AND v.purpose = 'email_verification'))`;
}

export const emailNotConfirmed = () =>
  new ProblemError(
    403,
    'email_not_verified',
    'Confirm your email address first: open the link (or enter the code) we mailed you. Signing up again sends a new one.',
  );
