import { Type } from '@sinclair/typebox';
import type { Tx } from '../../kernel/db/transaction.js';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { assertIfMatch, etagOf } from '../../kernel/http/etag.js';
import { forbidden, notFound, problemResponses } from '../../kernel/http/problem.js';
import type { Kernel } from '../../kernel/module.js';
import { UserDetailSchema } from './admin-profile-schemas.js';
import type { AdminProfileService } from './admin-profile-service.js';
import { IDENTITY_PERMISSIONS as P } from './permissions.js';
import {
  BanSchema,
  CountSchema,
  DeviceListSchema,
  SessionListSchema,
  UserCreateSchema,
  UserListQuerySchema,
  UserMembershipListSchema,
  UserPageSchema,
  UserParamsSchema,
  UserSchema,
  UserSessionParamsSchema,
  UserUpdateSchema,
} from './schemas.js';
import type { SessionRow, SessionService } from './session-service.js';
import { publicUser, type User, type UserService, type UserUpdate } from './user-service.js';
import type { VerificationService } from './verification-service.js';

const tags = ['Users'];
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 200 })) });

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
  services: { users: UserService; sessions: SessionService; profiles: AdminProfileService; verifications: VerificationService },
): void {
  /** GET /v1/users/{userId}'s body; its ETag is what PATCH's If-Match is compared with. */
  const userDetail = async (tx: Tx, user: User) => ({ ...publicUser(user), adminProfile: await services.profiles.row(tx, user.id) });

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
    async (request, reply) => {
      const detail = await request.platform(async (tx) => userDetail(tx, await services.users.get(tx, request.params.userId)));
      reply.header('etag', etagOf(detail));
      return detail;
    },
  );

  app.patch(
    '/users/:userId',
    {
      config: { permission: P.usersUpdate },
      schema: {
        tags,
        operationId: 'updateUser',
        summary: "Change a user's names, username or status (suspending ends their sessions)",
        description: 'Send If-Match with the ETag of GET /v1/users/{userId} to change only the version you read.',
        params: UserParamsSchema,
        headers: IfMatch,
        body: Type.Ref(UserUpdateSchema),
        response: { 200: Type.Ref(UserDetailSchema), ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const actor = { ...request.auditActor(), superAdmin: request.principal?.superAdmin ?? false };
      const detail = await request.platform(async (tx) => {
        const ifMatch = request.headers['if-match'];
        const check = async (before: User) => assertIfMatch(ifMatch, etagOf(await userDetail(tx, before)));
        return userDetail(tx, await services.users.update(tx, actor, request.params.userId, request.body as UserUpdate, ifMatch ? check : undefined));
      });
      reply.header('etag', etagOf(detail));
      return detail;
    },
  );

  app.get(
    '/users/:userId/devices',
    {
      config: { permission: P.usersRead },
      schema: {
        tags,
        operationId: 'listUserDevices',
        summary: 'The devices a user signed in from, most recently seen first',
        params: UserParamsSchema,
        response: { 200: DeviceListSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => request.platform(async (tx) => ({ data: await services.users.devices(tx, request.params.userId) })),
  );

  app.get(
    '/users/:userId/memberships',
    {
      config: { permission: P.usersRead },
      schema: {
        tags,
        operationId: 'listUserMemberships',
        summary: "A user's active memberships on every site (each site's history: GET /v1/sites/{siteId}/memberships?userId=…&includeRevoked=true)",
        params: UserParamsSchema,
        response: { 200: UserMembershipListSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => request.platform(async (tx) => ({ data: await services.users.memberships(tx, request.params.userId) })),
  );

  app.post(
    '/users/:userId/password-reset',
    {
      config: { permission: P.usersUpdate },
      schema: {
        tags,
        operationId: 'sendUserPasswordReset',
        summary: 'Send the user a password-reset mail (single-use link; earlier links stop working)',
        params: UserParamsSchema,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      await request.platform((tx) => services.verifications.sendPasswordReset(tx, request.auditActor(), request.params.userId));
      return reply.code(204).send(null);
    },
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
    '/users/:userId/sessions',
    {
      config: { permission: P.sessionsRevoke },
      schema: {
        tags,
        operationId: 'revokeUserSessions',
        summary: 'End every session of a user (they must sign in again)',
        params: UserParamsSchema,
        response: { 200: CountSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({ ended: await request.platform((tx) => services.users.revokeSessions(tx, request.auditActor(), request.params.userId)) }),
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
}
