import { usePermissions } from '../../app/session';
import { EmptyState } from '../../components/States';
import { AuditLogScreen } from './AuditLogScreen';
import { platformAuditRoute } from './routes';

/** The platform's audit trail: entries that belong to no site (sign-ins, sites created, users, mail…). */
export default function PlatformAudit() {
  const search = platformAuditRoute.useSearch();
  const navigate = platformAuditRoute.useNavigate();
  const { superAdmin } = usePermissions(null);
  if (!superAdmin) return <EmptyState title="Super admins only">The platform audit log is for super admins. Each site has its own.</EmptyState>;
  return (
    <AuditLogScreen
      chain={{ kind: 'platform' }}
      title="Platform audit log"
      subtitle="Everything that belongs to no single site: sign-ins, sites created, users, single sign-on and mail. Hash-chained like every site's trail."
      search={search}
      onSearch={(next, options) => void navigate({ search: next, replace: options?.replace ?? false })}
      can={{ export: true, verify: true }}
    />
  );
}
