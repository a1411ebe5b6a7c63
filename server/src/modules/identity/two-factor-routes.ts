import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { problemResponses } from '../../kernel/http/problem.js';
import { type AuthService, signedInBody } from './auth-service.js';
import { sessionCookie } from './credentials.js';
import { ownAccount } from './own-account.js';
import { SESSION_POLICY } from './policy.js';
import { type AuthRateLimits, signedInUser } from './rate-limits.js';
import { SignedInSchema } from './schemas.js';
import { ConfirmSchema, DisableSchema, EnrolmentSchema, RecoveryCodesSchema, TwoFactorSignInSchema } from './two-factor-schemas.js';
import type { TwoFactorService } from './two-factor-service.js';

const challengeOf = (request: FastifyRequest) => (request.body as { challenge?: string } | undefined)?.challenge;

/** Second sign-in step, and turning TOTP two-factor on and off for oneself. */
export function twoFactorRoutes(app: AdmiralApp, services: { auth: AuthService; twoFactor: TwoFactorService }, limits: AuthRateLimits): void {
  app.post(
    '/auth/two-factor',
    {
      config: { public: true, secretResponse: true },
      onRequest: limits.perIp('two-factor'),
      preHandler: limits.perAccount('two-factor', challengeOf),
      schema: {
        tags: ['Authentication'],
        operationId: 'completeTwoFactor',
        summary: 'Finish signing in with the challenge and an authenticator code (or a recovery code)',
        body: TwoFactorSignInSchema,
        response: { 200: SignedInSchema, ...problemResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const proof = 'code' in body ? { code: body.code } : { recoveryCode: body.recoveryCode };
      const signedIn = await services.auth.completeTwoFactor({ challenge: body.challenge, proof, cookie: body.cookie }, request.auditActor());
      if (body.cookie) reply.header('set-cookie', sessionCookie(signedIn.token, SESSION_POLICY.idleSeconds));
      reply.header('cache-control', 'no-store');
      return signedInBody(signedIn);
    },
  );

  const tags = ['Me'];
  app.post(
    '/me/two-factor',
    {
      config: { authenticated: true, secretResponse: true },
      schema: {
        tags,
        operationId: 'enrolTwoFactor',
        summary: 'Start TOTP enrolment: a new secret and otpauth:// URI (not active until confirmed)',
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 201: EnrolmentSchema, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const userId = ownAccount(request);
      const enrolment = await request.platform((tx) => services.twoFactor.begin(tx, request.auditActor(), userId));
      reply.code(201).header('cache-control', 'no-store');
      return { ...enrolment, confirmed: false as const };
    },
  );

  app.post(
    '/me/two-factor/confirm',
    {
      config: { authenticated: true, secretResponse: true },
      onRequest: [limits.perIp('two-factor-manage'), limits.perAccount('two-factor-manage', signedInUser)],
      schema: {
        tags,
        operationId: 'confirmTwoFactor',
        summary: 'Activate two-factor with a first code; returns 10 one-time recovery codes, shown once',
        body: ConfirmSchema,
        response: { 200: RecoveryCodesSchema, ...problemResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const userId = ownAccount(request);
      const recoveryCodes = await services.twoFactor.confirm(request.auditActor(), userId, request.body.code);
      reply.header('cache-control', 'no-store');
      return { recoveryCodes };
    },
  );

  app.delete(
    '/me/two-factor',
    {
      config: { authenticated: true },
      onRequest: [limits.perIp('two-factor-manage'), limits.perAccount('two-factor-manage', signedInUser)],
      schema: {
        tags,
        operationId: 'disableTwoFactor',
        summary: 'Turn two-factor off (needs your password or a current code)',
        body: DisableSchema,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const userId = ownAccount(request);
      await services.twoFactor.disable(request.auditActor(), userId, request.body);
      return reply.code(204).send(null);
    },
  );
}
