import { Type } from '@sinclair/typebox';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { badRequest, notFound, problemResponses } from '../../kernel/http/problem.js';
import type { Kernel } from '../../kernel/module.js';
import { MeSchema, SessionListSchema, SessionParamsSchema } from './schemas.js';
import type { SessionService } from './session-service.js';
import { sessionView } from './user-routes.js';
import { publicUser, type UserService } from './user-service.js';

const tags = ['Me'];

interface MembershipRow {
  site_id: string;
  site_name: string;
  site_slug: string;
  site_status: string;
  role_key: string;
  role_name: string;
  permissions: string[];
  own_permissions: string[];
}

/** The caller's own account: who they are, where they may act, their sessions. */
export function meRoutes(app: AdmiralApp, kernel: Kernel, services: { users: UserService; sessions: SessionService }): void {
  const userIdOf = (principal: { userId: string | null } | null) => {
    if (!principal?.userId) throw badRequest('not_a_user', 'This is about a signed-in person; API keys have no account.');
    return principal.userId;
  };

  app.get(
    '/me',
    {
      config: { authenticated: true },
      schema: {
        tags,
        operationId: 'getMe',
        summary: 'The caller, their sites and effective permissions per site',
        response: { 200: MeSchema, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const userId = userIdOf(request.principal);
      return request.platform(async (tx) => {
        const user = await services.users.get(tx, userId);
        const { rows } = await tx.$client.query<MembershipRow>('SELECT * FROM admiral_user_memberships($1)', [userId]);
        // A site-bound impersonation sees (and may act on) only the site it was started on.
        const boundTo = request.principal?.impersonationSiteId ?? null;
        return {
          user: publicUser(user),
          impersonatedBy: request.principal?.impersonatorUserId ?? null,
          sites: rows
            .filter((r) => boundTo === null || r.site_id === boundTo)
            .map((r) => ({
              id: r.site_id,
              name: r.site_name,
              slug: r.site_slug,
              status: r.site_status,
              role: { key: r.role_key, name: r.role_name },
              permissions: [...new Set([...r.permissions, ...r.own_permissions])].sort(),
              ownOnlyPermissions: r.own_permissions.filter((p) => !r.permissions.includes(p)),
            })),
        };
      });
    },
  );

  app.get(
    '/me/sessions',
    {
      config: { authenticated: true },
      schema: { tags, operationId: 'listMySessions', summary: 'Your active sessions', response: { 200: SessionListSchema, ...problemResponses(400, 401) } },
    },
    async (request) => {
      const userId = userIdOf(request.principal);
      return request.platform(async (tx) => ({
        data: (await services.sessions.listActive(tx, userId)).map((row) => sessionView(row, request.principal?.sessionId ?? null)),
      }));
    },
  );

  app.delete(
    '/me/sessions/:sessionId',
    {
      config: { authenticated: true },
      schema: {
        tags,
        operationId: 'revokeMySession',
        summary: 'End one of your sessions',
        params: SessionParamsSchema,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const userId = userIdOf(request.principal);
      await request.platform(async (tx) => {
        const row = await services.sessions.get(tx, request.params.sessionId);
        if (row.userId !== userId) throw notFound('Session');
        await services.sessions.revoke(tx, row, 'revoked_by_owner');
        await kernel.audit.write(tx, request.auditActor(), {
          siteId: null,
          action: 'session.revoked',
          category: 'identity',
          targetType: 'session',
          targetId: row.id,
        });
      });
      return reply.code(204).send(null);
    },
  );
}
