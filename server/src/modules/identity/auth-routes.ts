import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { badRequest, problemResponses } from '../../kernel/http/problem.js';
import type { Kernel } from '../../kernel/module.js';
import { type AuthService, signedInBody } from './auth-service.js';
import { clearedOriginCookie, clearedSessionCookie, readCredential, readOriginToken, sessionCookie } from './credentials.js';
import { ownAccount } from './own-account.js';
import { SESSION_POLICY } from './policy.js';
import { type AuthRateLimits, signInIdentifier } from './rate-limits.js';
import { committing } from './refusal.js';
import { ChangePasswordSchema, CountSchema, RefreshSchema, SignedInSchema, SignInSchema, TokensSchema } from './schemas.js';
import type { SessionService } from './session-service.js';
import { TwoFactorChallengeSchema } from './two-factor-schemas.js';

const tags = ['Authentication'];

export interface IdentityServices {
  auth: AuthService;
  sessions: SessionService;
}

function currentSessionId(request: FastifyRequest): string {
  const id = request.principal?.sessionId;
  if (!id) throw badRequest('not_a_session', 'This needs a signed-in session, not an API key.');
  return id;
}

function maybeSetCookie(request: FastifyRequest, reply: FastifyReply, token: string, wanted: boolean | undefined): void {
  const credential = readCredential(request);
  const viaCookie = credential?.kind === 'session' && credential.viaCookie;
  if (wanted || viaCookie) reply.header('set-cookie', sessionCookie(token, SESSION_POLICY.idleSeconds));
}

export function authRoutes(app: AdmiralApp, kernel: Kernel, services: IdentityServices, limits: AuthRateLimits): void {
  app.post(
    '/auth/sign-in',
    {
      config: { public: true, secretResponse: true },
      onRequest: limits.perIp('sign-in'),
      preHandler: limits.perAccount('sign-in', signInIdentifier),
      schema: {
        tags,
        operationId: 'signIn',
        summary: 'Sign in with email or username and password',
        description:
          'Answers the session tokens, or, for a user with two-factor on, `{ twoFactorRequired: true, challenge, expiresAt }`: ' +
          'finish with POST /v1/auth/two-factor.',
        body: SignInSchema,
        response: { 200: Type.Union([SignedInSchema, Type.Ref(TwoFactorChallengeSchema)]), ...problemResponses(400, 401, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const { email, username, password, deviceId, cookie } = request.body;
      const identifier = email ?? username;
      if (!identifier || (email && username)) {
        throw badRequest('validation_failed', 'Send either email or username.', [{ in: 'body', pointer: '/email', detail: 'send either email or username' }]);
      }
      const signedIn = await services.auth.signIn({ identifier, password, deviceFingerprint: deviceId, cookie }, request.auditActor());
      if (cookie && 'token' in signedIn) reply.header('set-cookie', sessionCookie(signedIn.token, SESSION_POLICY.idleSeconds));
      reply.header('cache-control', 'no-store');
      return 'token' in signedIn ? signedInBody(signedIn) : signedIn;
    },
  );

  app.post(
    '/auth/refresh',
    {
      config: { public: true, secretResponse: true },
      schema: {
        tags,
        operationId: 'refreshSession',
        summary: 'Exchange a refresh token for new tokens (rotation; reuse ends the session)',
        body: RefreshSchema,
        response: { 200: TokensSchema, ...problemResponses(400, 401, 413, 415) },
      },
    },
    async (request, reply) => {
      const issued = await committing(kernel.db, {}, (tx) => services.sessions.refresh(tx, request.body.refreshToken, request.auditActor()));
      maybeSetCookie(request, reply, issued.token, false);
      reply.header('cache-control', 'no-store');
      return { token: issued.token, refreshToken: issued.refreshToken, expiresAt: issued.expiresAt };
    },
  );

  for (const everywhere of [false, true]) {
    app.post(
      everywhere ? '/auth/sign-out-everywhere' : '/auth/sign-out',
      {
        config: { authenticated: true },
        schema: {
          tags,
          operationId: everywhere ? 'signOutEverywhere' : 'signOut',
          summary: everywhere ? 'End every session of the caller' : 'End the current session',
          body: Type.Optional(Type.Object({}, { additionalProperties: false })),
          response: { 200: CountSchema, ...problemResponses(400, 401) },
        },
      },
      async (request, reply) => {
        const sessionId = currentSessionId(request);
        const ended = await request.platform(async (tx) =>
          services.auth.signOut(tx, request.auditActor(), await services.sessions.get(tx, sessionId), everywhere),
        );
        // Signing out of an impersonation also drops the administrator's parked session from this browser.
        reply.header('set-cookie', readOriginToken(request) ? [clearedSessionCookie(), clearedOriginCookie()] : clearedSessionCookie());
        return { ended };
      },
    );
  }

  app.post(
    '/me/password',
    {
      config: { authenticated: true },
      schema: {
        tags,
        operationId: 'changePassword',
        summary: 'Change your password (ends your other sessions)',
        body: ChangePasswordSchema,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const userId = ownAccount(request);
      await request.platform((tx) =>
        services.auth.changePassword(
          tx,
          request.auditActor(),
          userId,
          request.body.currentPassword,
          request.body.newPassword,
          request.principal?.sessionId ?? null,
        ),
      );
      return reply.code(204).send(null);
    },
  );
}
