import { siteRoute } from '../../app/routes';
import { usePermissions } from '../../app/session';
import { AuditLogScreen } from './AuditLogScreen';
import { siteAuditRoute } from './routes';

/** The current site's audit trail. */
export default function SiteAudit() {
  const { site } = siteRoute.useRouteContext();
  const search = siteAuditRoute.useSearch();
  const navigate = siteAuditRoute.useNavigate();
  const permissions = usePermissions(site.id);
  return (
    <AuditLogScreen
      key={site.id}
      chain={{ kind: 'site', siteId: site.id }}
      title="Audit log"
      subtitle={`Every privileged change on ${site.name}, newest first. Entries are hash-chained: nothing can be altered or removed unnoticed.`}
      search={search}
      onSearch={(next, options) => void navigate({ search: next, replace: options?.replace ?? false })}
      can={{ export: permissions.can('audit.export'), verify: permissions.can('audit.verify') }}
    />
  );
}
