import { defineConsoleModule } from '../../app/module';
import { platformAuditRoute, siteAuditRoute } from './routes';

export const auditModule = defineConsoleModule({
  name: 'audit',
  label: 'Audit',
  nav: [
    { label: 'Audit log', to: 'audit', scope: 'site', permission: 'audit.read', group: 'Site' },
    { label: 'Audit log', to: 'audit', scope: 'platform', group: 'Platform' },
  ],
  siteRoutes: [siteAuditRoute],
  platformRoutes: [platformAuditRoute],
});
