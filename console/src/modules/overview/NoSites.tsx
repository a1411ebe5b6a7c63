import { Link } from '@tanstack/react-router';
import { useMe } from '../../app/session';
import { EmptyState } from '../../components/States';

/** Signed in, but no site to show: a super admin creates one; anyone else needs to be given access. */
export default function NoSites() {
  const me = useMe();
  return (
    <div className="page">
      {me.user.isSuperAdmin && !me.impersonatedBy ? (
        <EmptyState
          title="No sites yet"
          action={
            <Link to="/platform/sites" className="button button-primary">
              Create a site
            </Link>
          }
        >
          Every piece of content, commerce and community data belongs to a site. Create the first one.
        </EmptyState>
      ) : (
        <EmptyState title="You have no access to any site">Ask an administrator to grant you a role on a site.</EmptyState>
      )}
    </div>
  );
}
