import { useNavigate } from '@tanstack/react-router';
import { useCallback, useMemo } from 'react';
import { siteRoute } from '../../app/routes';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/States';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useCursorList } from '../../lib/use-cursor-list';
import { UserName } from '../audit/Actor';
import { type ApprovalRequest, approvalsKey, listRequests, type RequestQuery } from './approval-api';
import { REQUEST_STATUS_LABELS } from './progress';
import { RequestDrawer } from './RequestDrawer';
import { type InboxSearch, type InboxView, inboxRoute } from './routes';
import '../content/content.css';
import './approvals.css';

const VIEWS: Array<{ view: InboxView; label: string; query: RequestQuery; empty: string }> = [
  { view: 'actionable', label: 'Waiting for me', query: { actionable: true }, empty: 'Nothing waits for your review.' },
  { view: 'pending', label: 'All pending', query: { status: 'pending' }, empty: 'No requests are pending.' },
  { view: 'all', label: 'All requests', query: {}, empty: 'No content has been submitted for approval yet.' },
];

const TONE: Record<string, string> = { pending: 'info', approved: 'success', rejected: 'danger', changes_requested: 'warning', cancelled: 'muted' };

export const targetPath = (siteId: string, request: Pick<ApprovalRequest, 'targetType' | 'targetId'>) =>
  request.targetType === 'article'
    ? `/sites/${siteId}/articles/${request.targetId}`
    : request.targetType === 'page'
      ? `/sites/${siteId}/pages/${request.targetId}`
      : null;

/** `/sites/<id>/reviews`: approval requests that wait for the caller, every pending one, or all; one opens in a drawer. */
export default function ReviewInbox() {
  const { site } = siteRoute.useRouteContext();
  const search = inboxRoute.useSearch();
  const navigate = useNavigate();
  const setSearch = useCallback(
    (patch: Partial<InboxSearch>, replace = true) =>
      void navigate({ to: `/sites/${site.id}/reviews`, search: (old: InboxSearch) => ({ ...old, ...patch }) as never, replace }),
    [navigate, site.id],
  );
  const current = VIEWS.find((v) => v.view === (search.view ?? 'actionable')) ?? (VIEWS[0] as (typeof VIEWS)[number]);
  const list = useCursorList([...approvalsKey(site.id), 'list', current.view], (cursor) => listRequests(site.id, current.query, cursor));

  const columns = useMemo<Column<ApprovalRequest>[]>(
    () => [
      {
        id: 'target',
        header: 'Content',
        cell: (r) => (
          <span className="inbox-target">
            <strong>{r.targetTitle ?? 'Untitled'}</strong>
            <span className="muted">
              {' '}
              {r.targetType}
              {r.targetVersion ? ` v${r.targetVersion}` : ''}
            </span>
          </span>
        ),
      },
      {
        id: 'status',
        header: 'Status',
        width: '11rem',
        cell: (r) => (
          <span className={`status-badge status-${TONE[r.status] ?? 'neutral'}`}>
            {REQUEST_STATUS_LABELS[r.status] ?? r.status}
            {r.status === 'pending' ? ` · step ${r.currentStep}` : ''}
          </span>
        ),
      },
      {
        id: 'requestedBy',
        header: 'Submitted by',
        width: '13rem',
        cell: (r) => (r.requestedBy ? <UserName id={r.requestedBy} /> : <span className="muted">—</span>),
      },
      {
        id: 'requestedAt',
        header: 'Submitted',
        width: '9rem',
        cell: (r) => (
          <time dateTime={r.requestedAt} title={formatDateTime(r.requestedAt)}>
            {formatRelative(r.requestedAt)}
          </time>
        ),
      },
      { id: 'resolvedAt', header: 'Resolved', hiddenByDefault: true, cell: (r) => formatDateTime(r.resolvedAt) },
    ],
    [],
  );

  return (
    <div className="page page-wide inbox-page">
      <header className="page-header">
        <h1>Review inbox</h1>
        <p className="muted">Content submitted for approval on {site.name}. Open a request to approve it, ask for changes, reject it or comment.</p>
      </header>
      <div role="tablist" aria-label="Requests" className="inbox-tabs">
        {VIEWS.map((v) => (
          <button
            key={v.view}
            type="button"
            role="tab"
            aria-selected={v.view === current.view}
            className={`inbox-tab${v.view === current.view ? ' inbox-tab-on' : ''}`}
            onClick={() => setSearch({ view: v.view === 'actionable' ? undefined : v.view })}
          >
            {v.label}
          </button>
        ))}
      </div>
      <DataTable
        label={current.label}
        storageKey="approval-requests"
        columns={columns}
        rows={list.rows}
        rowId={(r) => r.id}
        isLoading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        loadingMore={list.loadingMore}
        onRowClick={(r) => setSearch({ request: r.id }, false)}
        empty={<EmptyState title={current.empty} />}
      />
      <RequestDrawer siteId={site.id} requestId={search.request} onClose={() => setSearch({ request: undefined })} />
    </div>
  );
}
