import { Type } from '@sinclair/typebox';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { etagOf } from '../../kernel/http/etag.js';
import { notFound, problemResponses } from '../../kernel/http/problem.js';
import { AdminProfilePutSchema, AdminProfileSchema } from './admin-profile-schemas.js';
import type { AdminProfileService } from './admin-profile-service.js';
import { IDENTITY_PERMISSIONS as P } from './permissions.js';
import { UserParamsSchema } from './schemas.js';

const tags = ['Users'];
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 200 })) });

/** /v1/users/{userId}/admin-profile: a user's staff details (department, manager, access level). */
export function adminProfileRoutes(app: AdmiralApp, profiles: AdminProfileService): void {
  app.get(
    '/users/:userId/admin-profile',
    {
      config: { permission: P.usersRead },
      schema: {
        tags,
        operationId: 'getAdminProfile',
        summary: "A user's staff profile (404 when the user has none)",
        params: UserParamsSchema,
        response: { 200: Type.Ref(AdminProfileSchema), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const profile = await request.platform((tx) => profiles.find(tx, request.params.userId));
      if (!profile) throw notFound('Admin profile', `User ${request.params.userId} has no admin profile.`);
      reply.header('etag', etagOf(profile));
      return profile;
    },
  );

  app.put(
    '/users/:userId/admin-profile',
    {
      config: { permission: P.usersUpdate },
      schema: {
        tags,
        operationId: 'putAdminProfile',
        summary: "Create or replace a user's staff profile (201 when created)",
        description: 'Fields left out are cleared (department, manager) or reset (access level 1). Send If-Match to replace only the version you read.',
        params: UserParamsSchema,
        headers: IfMatch,
        body: Type.Ref(AdminProfilePutSchema),
        response: { 200: Type.Ref(AdminProfileSchema), 201: Type.Ref(AdminProfileSchema), ...problemResponses(400, 401, 403, 404, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const { userId } = request.params;
      const actor = { ...request.auditActor(), superAdmin: request.principal?.superAdmin ?? false };
      const { profile, created } = await request.platform((tx) => profiles.put(tx, actor, userId, request.body as never, request.headers['if-match']));
      reply.code(created ? 201 : 200).header('etag', etagOf(profile));
      if (created) reply.header('location', `/v1/users/${userId}/admin-profile`);
      return profile;
    },
  );

  app.delete(
    '/users/:userId/admin-profile',
    {
      config: { permission: P.usersUpdate },
      schema: {
        tags,
        operationId: 'deleteAdminProfile',
        summary: "Remove a user's staff profile",
        params: UserParamsSchema,
        headers: IfMatch,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 412) },
      },
    },
    async (request, reply) => {
      await request.platform((tx) => profiles.remove(tx, request.auditActor(), request.params.userId, request.headers['if-match']));
      return reply.code(204).send(null);
    },
  );
}
