import { Type } from '@sinclair/typebox';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { etagOf } from '../../kernel/http/etag.js';
import { problemResponses as problems } from '../../kernel/http/problem.js';
import { ImpersonateSchema, type Impersonations, replyWithImpersonation, TokensSchema } from '../identity/index.js';
import { authorityOfRequest } from './authority.js';
import {
  MembershipCreateSchema,
  MembershipListQuerySchema,
  MembershipPageSchema,
  MembershipParamsSchema,
  MembershipPersonSchema,
  MembershipSchema,
} from './membership-schemas.js';
import type { MembershipService } from './membership-service.js';
import { ACCESS_PERMISSIONS as P } from './permissions.js';

const tags = ['Memberships'];
const SiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });

/** /memberships: grant, list (with history), get, revoke, impersonate the member (site-bound). */
export function membershipRoutes(app: AdmiralApp, service: MembershipService, impersonations: Impersonations): void {
  for (const schema of [MembershipPersonSchema, MembershipSchema, MembershipCreateSchema]) app.addSchema(schema);

  app.get(
    '/memberships',
    {
      config: { permission: P.membershipsRead },
      schema: {
        tags,
        operationId: 'listMemberships',
        summary: 'List memberships, newest first (active only unless includeRevoked=true)',
        params: SiteParams,
        querystring: MembershipListQuerySchema,
        response: { 200: MembershipPageSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => request.tenant((tx) => service.list(tx, request.siteId as string, request.query)),
  );

  app.post(
    '/memberships',
    {
      config: { permission: P.membershipsCreate },
      schema: {
        tags,
        operationId: 'grantMembership',
        summary: 'Grant a user a role on the site (409 membership_exists while they hold one: revoke it first)',
        params: SiteParams,
        body: Type.Ref(MembershipCreateSchema),
        response: { 201: Type.Ref(MembershipSchema), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const membership = await request.tenant((tx) =>
        service.grant(tx, request.siteId as string, request.auditActor(), authorityOfRequest(request), request.body),
      );
      reply
        .code(201)
        .header('etag', etagOf(membership))
        .header('location', `${request.url.split('?')[0]}/${membership.id}`);
      return membership;
    },
  );

  app.get(
    '/memberships/:membershipId',
    {
      config: { permission: P.membershipsRead },
      schema: {
        tags,
        operationId: 'getMembership',
        summary: 'Get a membership (active or revoked)',
        params: MembershipParamsSchema,
        response: { 200: Type.Ref(MembershipSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const membership = await request.tenant((tx) => service.get(tx, request.siteId as string, request.params.membershipId));
      reply.header('etag', etagOf(membership));
      return membership;
    },
  );

  app.delete(
    '/memberships/:membershipId',
    {
      config: { permission: P.membershipsDelete },
      schema: {
        tags,
        operationId: 'revokeMembership',
        summary: 'Revoke a membership; it stays as history (409 if already revoked)',
        params: MembershipParamsSchema,
        response: { 200: Type.Ref(MembershipSchema), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const membership = await request.tenant((tx) =>
        service.revoke(tx, request.siteId as string, request.auditActor(), authorityOfRequest(request), request.params.membershipId),
      );
      reply.header('etag', etagOf(membership));
      return membership;
    },
  );

  app.post(
    '/memberships/:membershipId/impersonate',
    {
      config: { permission: P.membersImpersonate, secretResponse: true },
      schema: {
        tags,
        operationId: 'impersonateMember',
        summary: 'Start a short session as this member, bound to this site (audited on its chain with both identities)',
        description:
          'The session holds the member’s permissions on this site and nothing on any other site. Refused for super admins, ' +
          'yourself, from within an impersonation, for revoked memberships (409), and when the member’s role grants something ' +
          'you do not hold here (403 permission_escalation). Lasts 30 minutes; end it with POST /v1/auth/impersonation/end.',
        params: MembershipParamsSchema,
        body: Type.Optional(ImpersonateSchema),
        response: { 200: TokensSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      replyWithImpersonation(request, reply, (viaCookie) =>
        request.tenant(async (tx) => {
          const siteId = request.siteId as string;
          const userId = await service.impersonationTarget(tx, siteId, authorityOfRequest(request), request.params.membershipId);
          return impersonations.start(tx, request.auditActor(), userId, { viaCookie, siteId });
        }),
      ),
  );
}
