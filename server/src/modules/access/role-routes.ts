import { Type } from '@sinclair/typebox';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { etagOf } from '../../kernel/http/etag.js';
import { problemResponses as problems } from '../../kernel/http/problem.js';
import { authorityOfRequest } from './authority.js';
import { ACCESS_PERMISSIONS as P } from './permissions.js';
import {
  RoleCreateSchema,
  RoleGrantInputSchema,
  RoleGrantSchema,
  RoleListSchema,
  RoleParamsSchema,
  RolePermissionsSchema,
  RoleSchema,
  RoleUpdateSchema,
} from './role-schemas.js';
import type { RoleService } from './role-service.js';

const tags = ['Roles'];
const SiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 200 })) });

/** /roles: thin handlers over RoleService, each in the request's tenant transaction. */
export function roleRoutes(app: AdmiralApp, service: RoleService): void {
  for (const schema of [RoleGrantSchema, RoleGrantInputSchema, RoleSchema, RoleListSchema, RoleCreateSchema, RoleUpdateSchema, RolePermissionsSchema]) {
    app.addSchema(schema);
  }

  app.get(
    '/roles',
    {
      config: { permission: P.rolesRead },
      schema: {
        tags,
        operationId: 'listRoles',
        summary: "List the system roles and the site's custom roles, with their permissions",
        params: SiteParams,
        response: { 200: Type.Ref(RoleListSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => ({ data: await request.tenant((tx) => service.list(tx, request.siteId as string)) }),
  );

  app.post(
    '/roles',
    {
      config: { permission: P.rolesCreate },
      schema: {
        tags,
        operationId: 'createRole',
        summary: 'Create a custom role',
        params: SiteParams,
        body: Type.Ref(RoleCreateSchema),
        response: { 201: Type.Ref(RoleSchema), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const role = await request.tenant((tx) => service.create(tx, request.siteId as string, request.auditActor(), authorityOfRequest(request), request.body));
      reply
        .code(201)
        .header('etag', etagOf(role))
        .header('location', `${request.url.split('?')[0]}/${role.id}`);
      return role;
    },
  );

  app.get(
    '/roles/:roleId',
    {
      config: { permission: P.rolesRead },
      schema: {
        tags,
        operationId: 'getRole',
        summary: 'Get a role and its permissions',
        params: RoleParamsSchema,
        response: { 200: Type.Ref(RoleSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const role = await request.tenant((tx) => service.get(tx, request.siteId as string, request.params.roleId));
      reply.header('etag', etagOf(role));
      return role;
    },
  );

  app.patch(
    '/roles/:roleId',
    {
      config: { permission: P.rolesUpdate },
      schema: {
        tags,
        operationId: 'updateRole',
        summary: 'Rename a custom role or change its description (system roles are read-only: 409)',
        params: RoleParamsSchema,
        headers: IfMatch,
        body: Type.Ref(RoleUpdateSchema),
        response: { 200: Type.Ref(RoleSchema), ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const role = await request.tenant((tx) =>
        service.update(tx, request.siteId as string, request.auditActor(), request.params.roleId, request.body, request.headers['if-match']),
      );
      reply.header('etag', etagOf(role));
      return role;
    },
  );

  app.put(
    '/roles/:roleId/permissions',
    {
      config: { permission: P.rolesUpdate },
      schema: {
        tags,
        operationId: 'replaceRolePermissions',
        summary: "Replace a custom role's permissions (unknown keys: 422; system roles: 409)",
        params: RoleParamsSchema,
        headers: IfMatch,
        body: Type.Ref(RolePermissionsSchema),
        response: { 200: Type.Ref(RoleSchema), ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const role = await request.tenant((tx) =>
        service.replacePermissions(
          tx,
          request.siteId as string,
          request.auditActor(),
          authorityOfRequest(request),
          request.params.roleId,
          request.body.permissions,
          request.headers['if-match'],
        ),
      );
      reply.header('etag', etagOf(role));
      return role;
    },
  );

  app.delete(
    '/roles/:roleId',
    {
      config: { permission: P.rolesDelete },
      schema: {
        tags,
        operationId: 'deleteRole',
        summary: 'Delete a custom role no active membership holds (409 otherwise, and for system roles)',
        params: RoleParamsSchema,
        headers: IfMatch,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      await request.tenant((tx) => service.remove(tx, request.siteId as string, request.auditActor(), request.params.roleId, request.headers['if-match']));
      return reply.code(204).send(null);
    },
  );
}
