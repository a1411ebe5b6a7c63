import type { AnyRoute } from '@tanstack/react-router';
import { Link, useNavigate } from '@tanstack/react-router';
import { useCallback, useMemo, useState } from 'react';
import { siteRoute } from '../../app/routes';
import { useMe, usePermissions } from '../../app/session';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/States';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useCursorList } from '../../lib/use-cursor-list';
import { UserName } from '../audit/Actor';
import { type Content, contentKey, listContent } from './content-api';
import { type KindInfo, permissionOf } from './kinds';
import { CONTENT_STATUSES, STATUS_LABELS } from './lifecycle';
import type { ContentListSearch } from './routes';
import { SearchBox } from './SearchBox';
import { StatusBadge } from './StatusBadge';
import { TemplateDialog } from './TemplateDialog';
import './content.css';

/** The list of articles or pages: status chips, search, author, sort; all of it in the URL. */
export function ContentList({ info, route }: { info: KindInfo; route: AnyRoute }) {
  const { site } = siteRoute.useRouteContext();
  const me = useMe();
  const search = route.useSearch() as ContentListSearch;
  const navigate = useNavigate();
  const permissions = usePermissions(site.id);
  const [templating, setTemplating] = useState(false);
  const base = `/sites/${site.id}/${info.plural}`;
  const setSearch = useCallback(
    (patch: Partial<ContentListSearch>) => void navigate({ to: base, search: (old: ContentListSearch) => ({ ...old, ...patch }) as never, replace: true }),
    [navigate, base],
  );
  const sort = search.sort ?? '-updatedAt';
  const query = { status: search.status, q: search.q, authorId: search.authorId, sort };
  const list = useCursorList([...contentKey(site.id, info), 'list', query], (cursor) => listContent(site.id, info, query, cursor));
  const filtered = Boolean(search.status || search.q || search.authorId);
  const canCreate = permissions.can(permissionOf(info, 'create'));

  const columns = useMemo<Column<Content>[]>(
    () => [
      {
        id: 'title',
        header: 'Title',
        sortable: true,
        cell: (row) => (
          <span className="cms-title-cell">
            <Link to={`${base}/${row.id}`} className="cms-row-title" onClick={(e) => e.stopPropagation()}>
              {row.title || <em className="muted">Untitled</em>}
            </Link>
            <span className="muted cms-row-slug">/{row.slug}</span>
          </span>
        ),
      },
      { id: 'status', header: 'Status', width: '11rem', cell: (row) => <StatusBadge status={row.status} /> },
      {
        id: 'live',
        header: 'Live',
        width: '7rem',
        cell: (row) =>
          row.publishedVersion ? <span title={`Version ${row.publishedVersion} is live`}>v{row.publishedVersion}</span> : <span className="muted">—</span>,
      },
      { id: 'author', header: 'Author', width: '12rem', cell: (row) => (row.authorId ? <UserName id={row.authorId} /> : <span className="muted">—</span>) },
      {
        id: 'updatedAt',
        header: 'Updated',
        width: '9rem',
        sortable: true,
        cell: (row) => (
          <time dateTime={row.updatedAt ?? undefined} title={formatDateTime(row.updatedAt)}>
            {formatRelative(row.updatedAt)}
          </time>
        ),
      },
      { id: 'version', header: 'Version', width: '6rem', hiddenByDefault: true, cell: (row) => `v${row.version}` },
      { id: 'publishedAt', header: 'First published', hiddenByDefault: true, cell: (row) => formatDateTime(row.publishedAt) },
      { id: 'createdAt', header: 'Created', hiddenByDefault: true, cell: (row) => formatDateTime(row.createdAt) },
    ],
    [base],
  );

  return (
    <div className="page page-wide cms-page">
      <header className="page-header cms-header">
        <div>
          <h1>{info.pluralLabel}</h1>
          <p className="muted">
            {info.kind === 'article' ? 'News and posts of' : 'Standing pages of'} {site.name}: drafts, reviews and what is live.
          </p>
        </div>
        {canCreate ? (
          <div className="cms-header-actions">
            <button type="button" className="button" onClick={() => setTemplating(true)}>
              New from template
            </button>
            <Link to={`${base}/new`} className="button button-primary">
              New {info.label.toLowerCase()}
            </Link>
          </div>
        ) : null}
      </header>
      <fieldset className="cms-chips" aria-label="Status">
        {[undefined, ...CONTENT_STATUSES].map((status) => (
          <button
            key={status ?? 'all'}
            type="button"
            className={`cms-chip${search.status === status ? ' cms-chip-on' : ''}`}
            aria-pressed={search.status === status}
            onClick={() => setSearch({ status })}
          >
            {status ? STATUS_LABELS[status] : 'All'}
          </button>
        ))}
      </fieldset>
      <DataTable
        label={info.pluralLabel}
        storageKey={`cms.${info.plural}`}
        columns={columns}
        rows={list.rows}
        rowId={(row) => row.id}
        isLoading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        sort={sort}
        onSortChange={(next) => setSearch({ sort: next })}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        loadingMore={list.loadingMore}
        onRowClick={(row) => void navigate({ to: `${base}/${row.id}` })}
        toolbar={
          <>
            <SearchBox value={search.q ?? ''} onSearch={(q) => setSearch({ q: q || undefined })} label={`Search ${info.pluralLabel.toLowerCase()}`} />
            <label className="cms-inline-field">
              <span>Author</span>
              <select
                className="input cms-select"
                value={search.authorId === me.user.id ? 'me' : ''}
                onChange={(e) => setSearch({ authorId: e.target.value === 'me' ? me.user.id : undefined })}
              >
                <option value="">Anyone</option>
                <option value="me">Me</option>
              </select>
            </label>
          </>
        }
        empty={
          filtered ? (
            <EmptyState
              title={`No ${info.pluralLabel.toLowerCase()} match`}
              action={
                <button type="button" className="button" onClick={() => setSearch({ status: undefined, q: undefined, authorId: undefined })}>
                  Clear filters
                </button>
              }
            />
          ) : (
            <EmptyState
              title={`No ${info.pluralLabel.toLowerCase()} yet`}
              action={
                canCreate ? (
                  <Link to={`${base}/new`} className="button button-primary">
                    Write the first one
                  </Link>
                ) : null
              }
            />
          )
        }
      />
      {templating ? <TemplateDialog info={info} siteId={site.id} onClose={() => setTemplating(false)} /> : null}
    </div>
  );
}
