import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { problemResponses as problems } from '../../kernel/http/problem.js';
import { AUDIT_PERMISSIONS as P } from './permissions.js';
import { addAuditSchemas } from './routes.js';
import { ActivityParamsSchema, ActivityQuerySchema, AuditLogPageSchema } from './schemas.js';
import type { AuditLogService } from './service.js';

/** /users/{userId}/activity: a user's timeline on the site (their audit rows as the actor). */
export function activityRoutes(app: AdmiralApp, service: AuditLogService): void {
  addAuditSchemas(app);
  app.get(
    '/users/:userId/activity',
    {
      config: { permission: P.read },
      schema: {
        tags: ['Audit'],
        operationId: 'listUserActivity',
        summary: "A user's activity on the site (the audit rows they wrote), newest first, filtered",
        params: ActivityParamsSchema,
        querystring: ActivityQuerySchema,
        response: { 200: AuditLogPageSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => request.tenant((tx) => service.activity(tx, request.siteId as string, request.params.userId, request.query)),
  );
}
