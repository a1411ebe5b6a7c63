import { Type } from '@sinclair/typebox';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { etagOf } from '../../kernel/http/etag.js';
import { forbidden, notFound, problemResponses } from '../../kernel/http/problem.js';
import type { Kernel } from '../../kernel/module.js';
import { UserDetailSchema } from './admin-profile-schemas.js';
import type { AdminProfileService } from './admin-profile-service.js';
import type { AuthService } from './auth-service.js';
import { IDENTITY_PERMISSIONS as P } from './permissions.js';
import {
  BanSchema,
  SessionListSchema,
  TokensSchema,
  UserCreateSchema,
  UserListQuerySchema,
  UserPageSchema,
  UserParamsSchema,
  UserSchema,
  UserSessionParamsSchema,
} from './schemas.js';
import type { SessionRow, SessionService } from './session-service.js';
import { publicUser, type UserService } from './user-service.js';

const tags = ['Users'];

export function sessionView(row: SessionRow, currentSessionId: string | null) {
  return {
    id: row.id,
    ip: row.ip,
    userAgent: row.userAgent,
    impersonatedBy: row.impersonatedBy,
    current: row.id === currentSessionId,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
  };
}

/** Platform-level user administration (super admins, or callers with the platform permission). */
export function userRoutes(
  app: AdmiralApp,
  kernel: Kernel,
  services: { users: UserService; sessions: SessionService; auth: AuthService; profiles: AdminProfileService },
): void {
  app.get(
    '/users',
    {
      config: { permission: P.usersRead },
      schema: {
        tags,
        operationId: 'listUsers',
        summary: 'List users',
        querystring: UserListQuerySchema,
        response: { 200: UserPageSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => request.platform((tx) => services.users.list(tx, request.query)),
  );

  app.post(
    '/users',
    {
      config: { permission: P.usersCreate },
      schema: {
        tags,
        operationId: 'createUser',
        summary: 'Create a user',
        body: UserCreateSchema,
        response: { 201: Type.Ref(UserSchema), ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      if (request.body.isSuperAdmin && !request.principal?.superAdmin) throw forbidden('super_admin_required', 'Only a super admin can create a super admin.');
      const user = await request.platform((tx) => services.users.create(tx, request.auditActor(), request.body));
      reply
        .code(201)
        .header('location', `/v1/users/${user.id}`)
        .header('etag', etagOf(publicUser(user)));
      return publicUser(user);
    },
  );

  app.get(
    '/users/:userId',
    {
      config: { permission: P.usersRead },
      schema: {
        tags,
        operationId: 'getUser',
        summary: 'Get a user, with their staff profile (null when they have none)',
        params: UserParamsSchema,
        response: { 200: Type.Ref(UserDetailSchema), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      request.platform(async (tx) => {
        const user = await services.users.get(tx, request.params.userId);
        return { ...publicUser(user), adminProfile: await services.profiles.row(tx, user.id) };
      }),
  );

  app.post(
    '/users/:userId/ban',
    {
      config: { permission: P.usersBan },
      schema: {
        tags,
        operationId: 'banUser',
        summary: 'Ban a user (ends their sessions; lifts itself at expiresAt)',
        params: UserParamsSchema,
        body: BanSchema,
        response: { 200: Type.Ref(UserSchema), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => publicUser(await request.platform((tx) => services.users.ban(tx, request.auditActor(), request.params.userId, request.body))),
  );

  app.post(
    '/users/:userId/unban',
    {
      config: { permission: P.usersBan },
      schema: {
        tags,
        operationId: 'unbanUser',
        summary: 'Lift a ban',
        params: UserParamsSchema,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 200: Type.Ref(UserSchema), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => publicUser(await request.platform((tx) => services.users.unban(tx, request.auditActor(), request.params.userId))),
  );

  app.get(
    '/users/:userId/sessions',
    {
      config: { permission: P.usersRead },
      schema: {
        tags,
        operationId: 'listUserSessions',
        summary: "A user's active sessions",
        params: UserParamsSchema,
        response: { 200: SessionListSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      request.platform(async (tx) => {
        await services.users.get(tx, request.params.userId);
        return { data: (await services.sessions.listActive(tx, request.params.userId)).map((row) => sessionView(row, request.principal?.sessionId ?? null)) };
      }),
  );

  app.delete(
    '/users/:userId/sessions/:sessionId',
    {
      config: { permission: P.sessionsRevoke },
      schema: {
        tags,
        operationId: 'revokeUserSession',
        summary: "Revoke one of a user's sessions",
        params: UserSessionParamsSchema,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await request.platform(async (tx) => {
        const row = await services.sessions.get(tx, request.params.sessionId);
        if (row.userId !== request.params.userId) throw notFound('Session');
        await services.sessions.revoke(tx, row, 'revoked_by_admin');
        await kernel.audit.write(tx, request.auditActor(), {
          siteId: null,
          action: 'session.revoked',
          category: 'identity',
          targetType: 'session',
          targetId: row.id,
          metadata: { userId: row.userId },
        });
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/users/:userId/impersonate',
    {
      config: { permission: P.usersImpersonate, secretResponse: true },
      schema: {
        tags,
        operationId: 'impersonateUser',
        summary: 'Start a short session as this user (audited with both identities)',
        params: UserParamsSchema,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 200: TokensSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const issued = await request.platform((tx) => services.auth.impersonate(tx, request.auditActor(), request.params.userId));
      reply.header('cache-control', 'no-store');
      return { token: issued.token, refreshToken: issued.refreshToken, expiresAt: issued.expiresAt };
    },
  );
}
