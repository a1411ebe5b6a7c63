import { useEffect, useState } from 'react';
import { SiteBadge } from '../../app/layout/SiteSwitcher';
import { usePermissions } from '../../app/session';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/States';
import { api, type Schema, unwrap } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useCursorList } from '../../lib/use-cursor-list';
import { CreateSiteDialog } from './CreateSiteDialog';
import { platformSitesRoute, type SiteStatus } from './routes';
import { StatusPill, signUpOf } from './site-view';
import './sites.css';

type Site = Schema<'Site'>;

const columns: Column<Site>[] = [
  { id: 'name', header: 'Site', cell: (site) => <SiteBadge site={site} /> },
  { id: 'status', header: 'Status', width: '8rem', cell: (site) => <StatusPill status={site.status} /> },
  {
    id: 'signUp',
    header: 'Self sign-up',
    cell: (site) => {
      const signUp = signUpOf(site.settings);
      return signUp.enabled ? `open (${signUp.defaultRole})` : <span className="muted">closed</span>;
    },
  },
  { id: 'countryCode', header: 'Country', width: '6rem', cell: (site) => site.countryCode ?? <span className="muted">—</span> },
  { id: 'description', header: 'Description', hiddenByDefault: true, cell: (site) => site.description ?? '' },
  { id: 'id', header: 'Id', hiddenByDefault: true, cell: (site) => <code>{site.id}</code> },
  { id: 'createdAt', header: 'Created', width: '11rem', cell: (site) => formatDateTime(site.createdAt) },
];

/** Every site (super admins): search, status filter, create; a row opens the site's settings. */
export default function SitesList() {
  const search = platformSitesRoute.useSearch();
  const navigate = platformSitesRoute.useNavigate();
  const { superAdmin } = usePermissions(null);
  const [q, setQ] = useState(search.q ?? '');
  // Typing narrows the list a moment after the last key (the query is in the URL, so it survives a reload).
  useEffect(() => {
    const timer = setTimeout(() => {
      if ((search.q ?? '') !== q.trim()) void navigate({ search: (prev: typeof search) => ({ ...prev, q: q.trim() || undefined }), replace: true });
    }, 300);
    return () => clearTimeout(timer);
  }, [q, search.q, navigate]);
  const list = useCursorList(
    ['sites', search.q, search.status],
    (cursor) => unwrap(api.GET('/v1/sites', { params: { query: { cursor, limit: 100, q: search.q, status: search.status } } })),
    { enabled: superAdmin },
  );
  if (!superAdmin) return <EmptyState title="Super admins only">Only super admins see every site. Your sites are in the switcher.</EmptyState>;
  const setCreate = (open: boolean) => void navigate({ search: (prev: typeof search) => ({ ...prev, create: open || undefined }) });
  return (
    <div className="page page-wide">
      <header className="page-header page-header-actions">
        <div>
          <h1>Sites</h1>
          <p className="muted">Every site on this installation. Open one to change its settings, sign-up rules or status.</p>
        </div>
        <button type="button" className="button button-primary" onClick={() => setCreate(true)}>
          Create site
        </button>
      </header>
      <DataTable
        label="Sites"
        storageKey="platform-sites"
        columns={columns}
        rows={list.rows}
        rowId={(site) => site.id}
        isLoading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        loadingMore={list.loadingMore}
        onRowClick={(site) => void navigate({ to: `/sites/${site.id}/settings` })}
        toolbar={
          <>
            <input
              className="input toolbar-search"
              type="search"
              aria-label="Search sites"
              placeholder="Search name or slug"
              value={q}
              onChange={(e) => setQ(e.target.value)}
            />
            <select
              className="input toolbar-select"
              aria-label="Status"
              value={search.status ?? ''}
              onChange={(e) =>
                void navigate({ search: (prev: typeof search) => ({ ...prev, status: (e.target.value || undefined) as SiteStatus | undefined }) })
              }
            >
              <option value="">Any status</option>
              <option value="active">Active</option>
              <option value="suspended">Suspended</option>
              <option value="archived">Archived</option>
            </select>
          </>
        }
        empty={
          search.q || search.status ? (
            <EmptyState title="No site matches" />
          ) : (
            <EmptyState
              title="No sites yet"
              action={
                <button type="button" className="button button-primary" onClick={() => setCreate(true)}>
                  Create the first site
                </button>
              }
            />
          )
        }
      />
      <CreateSiteDialog open={Boolean(search.create)} onOpenChange={setCreate} />
    </div>
  );
}
