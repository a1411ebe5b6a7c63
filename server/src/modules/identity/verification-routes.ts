import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { badRequest, conflict, problemResponses } from '../../kernel/http/problem.js';
import { type AuthRateLimits, signedInUser } from './rate-limits.js';
import type { VerificationService } from './verification-service.js';

const Token = Type.String({ minLength: 1, maxLength: 200, description: 'The code from the mail' });
const Password = Type.String({ minLength: 1, maxLength: 1024 });

const emailOf = (request: FastifyRequest) => (request.body as { email?: string } | undefined)?.email;
const tokenOf = (request: FastifyRequest) => (request.body as { token?: string } | undefined)?.token;

/** Password reset (anonymous) and email verification, each limited per IP and per account or token. */
export function verificationRoutes(app: AdmiralApp, verification: VerificationService, limits: AuthRateLimits): void {
  const tags = ['Authentication'];
  app.post(
    '/auth/password-reset',
    {
      config: { public: true },
      onRequest: limits.perIp('password-reset'),
      preHandler: limits.perAccount('password-reset', emailOf),
      schema: {
        tags,
        operationId: 'requestPasswordReset',
        summary: 'Mail a password-reset link (the answer is the same whether or not the address is known)',
        body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...problemResponses(400, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      await verification.requestPasswordReset(request.body.email, request.auditActor());
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      config: { public: true },
      onRequest: limits.perIp('password-reset-confirm'),
      preHandler: limits.perAccount('password-reset-confirm', tokenOf),
      schema: {
        tags,
        operationId: 'resetPassword',
        summary: 'Set a new password with the code from the reset mail (ends every session)',
        body: Type.Object({ token: Token, newPassword: Password }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...problemResponses(400, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      await verification.resetPassword(request.body.token, request.body.newPassword, request.auditActor());
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/me/email-verification',
    {
      config: { authenticated: true },
      onRequest: [limits.perIp('email-verification'), limits.perAccount('email-verification', signedInUser)],
      schema: {
        tags: ['Me'],
        operationId: 'requestEmailVerification',
        summary: 'Mail yourself a link that confirms your email address',
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 204: Type.Null(), ...problemResponses(400, 401, 409, 429) },
      },
    },
    async (request, reply) => {
      const userId = request.principal?.userId;
      if (!userId) throw badRequest('not_a_user', 'This is about a signed-in person; API keys have no account.');
      const { alreadyVerified } = await request.platform((tx) => verification.requestEmailVerification(tx, request.auditActor(), userId));
      if (alreadyVerified) throw conflict('already_verified', 'Your email address is already confirmed.');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/verify-email',
    {
      config: { public: true },
      onRequest: limits.perIp('verify-email'),
      preHandler: limits.perAccount('verify-email', tokenOf),
      schema: {
        tags,
        operationId: 'verifyEmail',
        summary: 'Confirm an email address with the code from the verification mail',
        body: Type.Object({ token: Token }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...problemResponses(400, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      await verification.verifyEmail(request.body.token, request.auditActor());
      return reply.code(204).send(null);
    },
  );
}
