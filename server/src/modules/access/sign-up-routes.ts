import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { etagOf } from '../../kernel/http/etag.js';
import { badRequest, problemResponses as problems } from '../../kernel/http/problem.js';
import type { Kernel } from '../../kernel/module.js';
import { authRateLimits, registrationsFor } from '../identity/index.js';
import { MembershipSchema } from './membership-schemas.js';
import { RuleMemberships } from './rule-memberships.js';
import { SignUpAcceptedSchema, SignUpSchema } from './sign-up-schemas.js';
import { SignUpService } from './sign-up-service.js';

const tags = ['Sign-up'];
const SiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
const emailOf = (request: FastifyRequest) => (request.body as { email?: string } | undefined)?.email;

/** /sign-up (anyone, where the site allows it) and /join (a signed-in user). On a mapped host: /v1/sign-up. */
export function signUpRoutes(app: AdmiralApp, kernel: Kernel): void {
  const service = new SignUpService(kernel.db, kernel.audit, registrationsFor(kernel), new RuleMemberships(kernel.audit), kernel.mail, kernel.config.publicUrl);
  const limits = authRateLimits(kernel);
  for (const schema of [SignUpSchema, SignUpAcceptedSchema]) app.addSchema(schema);

  app.post(
    '/sign-up',
    {
      config: { public: true },
      onRequest: limits.perIp('sign-up'),
      preHandler: limits.perAccount('sign-up', emailOf),
      schema: {
        tags,
        operationId: 'signUp',
        summary: 'Create an account and join the site (where its settings allow sign-up)',
        description:
          'Always 202 with the same body, whether or not the address already has an account (its owner gets a mail ' +
          'instead). No session is returned, since that would tell which addresses are registered: sign in with ' +
          'POST /v1/auth/sign-in, after confirming the address when `verificationRequired` is true.',
        params: SiteParams,
        body: Type.Ref(SignUpSchema),
        response: { 202: Type.Ref(SignUpAcceptedSchema), ...problems(400, 403, 404, 409, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const accepted = await service.signUp(request.siteId as string, request.body as never, request.auditActor());
      reply.code(202).header('cache-control', 'no-store');
      return accepted;
    },
  );

  app.post(
    '/join',
    {
      config: { authenticated: true },
      onRequest: limits.perIp('join'),
      schema: {
        tags,
        operationId: 'joinSite',
        summary: "Join the site with your existing account, with the site's sign-up role (where its settings allow sign-up)",
        params: SiteParams,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 201: Type.Ref(MembershipSchema), ...problems(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const userId = request.principal?.userId;
      if (!userId) throw badRequest('not_a_user', 'Joining is for a signed-in person; API keys have no account.');
      const membership = await service.join(request.siteId as string, userId, request.auditActor());
      reply.code(201).header('etag', etagOf(membership)).header('location', `/v1/sites/${membership.siteId}/memberships/${membership.id}`);
      return membership;
    },
  );
}
