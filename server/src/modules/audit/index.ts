import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { defineModule, type Kernel } from '../../kernel/module.js';
import { activityRoutes } from './activity-routes.js';
import { auditPermissions } from './permissions.js';
import { auditLogRoutes, platformChain, siteChain } from './routes.js';
import { AuditLogService } from './service.js';

export { AUDIT_PERMISSIONS } from './permissions.js';

/**
 * The audit trail's read side: query, export and verify each chain (a site's under /v1/sites/{siteId}, the
 * platform's under /v1), and users' activity timelines. Rows are written by `kernel.audit` everywhere else.
 */
export function auditModule() {
  return defineModule({
    name: 'audit',
    permissions: auditPermissions,
    routes: {
      platform: (app: AdmiralApp, kernel: Kernel) => auditLogRoutes(app, new AuditLogService(kernel.audit), platformChain),
      tenant: (app: AdmiralApp, kernel: Kernel) => {
        const service = new AuditLogService(kernel.audit);
        auditLogRoutes(app, service, siteChain);
        activityRoutes(app, service);
      },
    },
  });
}
