import type { FastifyRequest } from 'fastify';
import { badRequest, forbidden } from '../../kernel/http/problem.js';

/**
 * The signed-in person acting on their own credentials (password, two-factor): not an API key, and not
 * an administrator impersonating them.
 */
export function ownAccount(request: FastifyRequest): string {
  const principal = request.principal;
  if (!principal?.userId) throw badRequest('not_a_user', 'This is about a signed-in person; API keys have no account.');
  if (principal.impersonatorUserId) throw forbidden('not_while_impersonating', 'An impersonation session cannot change the account’s credentials.');
  return principal.userId;
}
