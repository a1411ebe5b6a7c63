import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { siteRoute } from '../../app/routes';
import { usePermissions } from '../../app/session';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { api, request, unwrap } from '../../lib/api';
import { formatRelative } from '../../lib/format';

interface ResourceMeta {
  name: string;
  plural: string;
  pluralLabel: string;
  module: string;
  path: string;
  permissions: { read?: string };
}

interface Count {
  key: string;
  label: string;
  module: string;
  value: string;
  to?: string;
}

/**
 * Up to 200 rows in one call: an exact count below that, "200+" above (lists are cursor-paginated, not
 * counted). `paged: false` for short lists that answer everything at once (roles).
 */
async function countOf(path: string, paged = true): Promise<string> {
  const page = await request<{ data: unknown[]; nextCursor?: string | null }>('GET', paged ? `${path}${path.includes('?') ? '&' : '?'}limit=200` : path);
  return page.nextCursor ? `${page.data.length}+` : String(page.data.length);
}

/** A site at a glance: how much of each kind it holds, and what happened last. */
export default function Overview() {
  const { site } = siteRoute.useRouteContext();
  const permissions = usePermissions(site.id);
  const siteId = site.id;
  const meta = useQuery({ queryKey: ['meta', 'resources'], queryFn: () => request<{ data: ResourceMeta[] }>('GET', '/v1/meta/resources'), staleTime: 300_000 });

  const counts = useQuery({
    queryKey: ['overview-counts', siteId, meta.data?.data.map((r) => r.name)],
    enabled: meta.isSuccess,
    queryFn: async (): Promise<Count[]> => {
      const base = `/v1/sites/${siteId}`;
      const candidates: Array<Omit<Count, 'value'> & { path: string; permission: string; paged?: boolean }> = [
        { key: 'memberships', label: 'Members', module: 'Access', path: `${base}/memberships`, permission: 'memberships.read', to: 'memberships' },
        { key: 'roles', label: 'Roles', module: 'Access', path: `${base}/roles`, permission: 'roles.read', to: 'roles', paged: false },
        { key: 'api-keys', label: 'API keys', module: 'Access', path: `${base}/api-keys`, permission: 'api-keys.read', to: 'api-keys' },
        ...(meta.data?.data ?? []).map((r) => ({
          key: `resource:${r.name}`,
          label: r.pluralLabel,
          module: r.module,
          path: r.path.replace('{siteId}', siteId),
          permission: r.permissions.read ?? `${r.plural}.read`,
          to: `r/${r.plural}`,
        })),
      ];
      const allowed = candidates.filter((c) => permissions.can(c.permission, siteId));
      const values = await Promise.allSettled(allowed.map((c) => countOf(c.path, c.paged)));
      return allowed.map((c, i) => {
        const v = values[i];
        return { key: c.key, label: c.label, module: c.module, to: c.to, value: v?.status === 'fulfilled' ? v.value : '—' };
      });
    },
  });

  const canAudit = permissions.can('audit.read', siteId);
  const audit = useQuery({
    queryKey: ['overview-audit', siteId],
    enabled: canAudit,
    queryFn: () => unwrap(api.GET('/v1/sites/{siteId}/audit-logs', { params: { path: { siteId }, query: { limit: 10 } } })),
  });

  return (
    <div className="page">
      <header className="page-header">
        <h1>Overview</h1>
        <p className="muted">{site.name} at a glance.</p>
      </header>
      <section aria-labelledby="counts-title" className="section">
        <h2 id="counts-title">Contents</h2>
        {counts.isLoading || meta.isLoading ? <Loading /> : null}
        {counts.error || meta.error ? <ErrorState error={counts.error ?? meta.error} onRetry={() => void counts.refetch()} /> : null}
        {counts.data && counts.data.length === 0 ? <EmptyState title="Nothing to count">You have no read access to this site’s lists.</EmptyState> : null}
        <ul className="cards" data-testid="overview-counts">
          {counts.data?.map((c) => (
            <li key={c.key} className="card stat">
              <span className="stat-module">{c.module}</span>
              <span className="stat-value">{c.value}</span>
              <span className="stat-label">{c.to ? <Link to={`/sites/${siteId}/${c.to}`}>{c.label}</Link> : c.label}</span>
            </li>
          ))}
        </ul>
      </section>
      {canAudit ? (
        <section aria-labelledby="audit-title" className="section">
          <h2 id="audit-title">Latest activity</h2>
          {audit.isLoading ? <Loading /> : null}
          {audit.error ? <ErrorState error={audit.error} onRetry={() => void audit.refetch()} /> : null}
          {audit.data && audit.data.data.length === 0 ? <EmptyState title="No activity yet" /> : null}
          {audit.data && audit.data.data.length > 0 ? (
            <ol className="timeline" data-testid="overview-audit">
              {audit.data.data.map((row) => (
                <li key={row.id} className={row.success ? undefined : 'timeline-failed'}>
                  <code>{row.action}</code>
                  {row.targetType ? <span className="muted"> on {row.targetType}</span> : null}
                  {row.success ? null : <span className="pill pill-danger">failed</span>}
                  <time className="muted" dateTime={row.createdAt} title={row.createdAt}>
                    {formatRelative(row.createdAt)}
                  </time>
                </li>
              ))}
            </ol>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
