import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database, Tx } from '../../kernel/db/transaction.js';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { badRequest, problemResponses } from '../../kernel/http/problem.js';
import type { AuthService } from './auth-service.js';
import { clearedOriginCookie, clearedSessionCookie, originCookie, readCredential, readOriginToken, sessionCookie } from './credentials.js';
import type { Impersonations } from './impersonation-service.js';
import { IDENTITY_PERMISSIONS as P } from './permissions.js';
import { SESSION_POLICY } from './policy.js';
import { ImpersonateSchema, ImpersonationEndedSchema, TokensSchema, UserParamsSchema } from './schemas.js';
import type { IssuedTokens } from './session-service.js';

/**
 * Answers a request that starts an impersonation (platform-wide or site-bound): `start` issues the session.
 * With `cookie: true` (a cookie-authenticated console only) the session cookie switches to the impersonation
 * and the caller's own session is parked in __Host-admiral_origin, which POST /v1/auth/impersonation/end restores.
 */
export async function replyWithImpersonation(
  request: FastifyRequest,
  reply: FastifyReply,
  start: (viaCookie: boolean) => Promise<IssuedTokens>,
): Promise<{ token: string; refreshToken: string; expiresAt: string }> {
  const credential = readCredential(request);
  const ownCookieToken = credential?.kind === 'session' && credential.viaCookie ? credential.token : null;
  const cookie = (request.body as { cookie?: boolean } | undefined)?.cookie === true;
  if (cookie && !ownCookieToken) {
    throw badRequest('cookie_session_required', 'cookie: true switches the console’s session cookie: sign in to the console (cookie session) to use it.');
  }
  const issued = await start(cookie);
  if (cookie && ownCookieToken) {
    reply.header('set-cookie', [sessionCookie(issued.token, SESSION_POLICY.impersonationSeconds), originCookie(ownCookieToken, SESSION_POLICY.idleSeconds)]);
  }
  reply.header('cache-control', 'no-store');
  return { token: issued.token, refreshToken: issued.refreshToken, expiresAt: issued.expiresAt };
}

/**
 * Starting and ending an impersonation. Programs take the tokens; the console asks for `cookie: true`, which
 * switches its session cookie to the impersonation and parks the administrator's own session in a second
 * HttpOnly cookie, so that ending it puts them back where they were without signing in again.
 */
export function impersonationRoutes(app: AdmiralApp, db: Database, auth: AuthService, impersonations: Impersonations): void {
  app.post(
    '/users/:userId/impersonate',
    {
      config: { permission: P.usersImpersonate, secretResponse: true },
      schema: {
        tags: ['Users'],
        operationId: 'impersonateUser',
        summary: 'Start a short session as this user (audited with both identities)',
        params: UserParamsSchema,
        body: Type.Optional(ImpersonateSchema),
        response: { 200: TokensSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) =>
      replyWithImpersonation(request, reply, (viaCookie) =>
        request.platform((tx) => impersonations.start(tx, request.auditActor(), request.params.userId, { viaCookie })),
      ),
  );

  app.post(
    '/auth/impersonation/end',
    {
      config: { authenticated: true },
      schema: {
        tags: ['Authentication'],
        operationId: 'endImpersonation',
        summary: 'End the current impersonation session; the console gets the impersonator’s own session back',
        description:
          'Revokes the impersonation session (audited with both identities). When the request carries the cookie that ' +
          'POST /v1/users/{userId}/impersonate with cookie: true set, and that session is still live, the session cookie ' +
          'is the impersonator’s again (`restored: true`); otherwise the cookies are cleared and nobody is signed in.',
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 200: ImpersonationEndedSchema, ...problemResponses(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const sessionId = request.principal?.sessionId;
      if (!sessionId) throw badRequest('not_a_session', 'This needs a signed-in session, not an API key.');
      const origin = readOriginToken(request);
      // A site-bound impersonation ends on its site's audit chain, where it started.
      const boundTo = request.principal?.impersonationSiteId ?? null;
      const end = (tx: Tx) => auth.endImpersonation(tx, request.auditActor(), sessionId, origin);
      const ended = boundTo ? await db.withTenant({ siteId: boundTo, userId: request.principal?.userId }, end) : await request.platform(end);
      const credential = readCredential(request);
      const viaCookie = credential?.kind === 'session' && credential.viaCookie;
      if (ended.restored && origin) reply.header('set-cookie', [sessionCookie(origin, SESSION_POLICY.idleSeconds), clearedOriginCookie()]);
      else if (viaCookie || origin) reply.header('set-cookie', [clearedSessionCookie(), clearedOriginCookie()]);
      reply.header('cache-control', 'no-store');
      return ended;
    },
  );
}
