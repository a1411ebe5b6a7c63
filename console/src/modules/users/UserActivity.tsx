import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useId, useMemo, useState } from 'react';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/States';
import { api, type Schema, unwrap } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useCursorList } from '../../lib/use-cursor-list';
import { PAGE_SIZE, type User } from './user-api';

type AuditLog = Schema<'AuditLog'>;

/** Where the timeline comes from: the platform's trail (by or about the user), or one site's trail of their actions. */
type Source = { kind: 'by' } | { kind: 'about' } | { kind: 'site'; siteId: string; name: string };

/** What the user did (and what was done to their account), newest first, from the audit trail. */
export function UserActivity({ user }: { user: User }) {
  const selectId = useId();
  const [sourceKey, setSourceKey] = useState('by');
  const memberships = useQuery({
    queryKey: ['users', user.id, 'memberships'],
    queryFn: () => unwrap(api.GET('/v1/users/{userId}/memberships', { params: { path: { userId: user.id } } })),
  });
  const sources: Array<{ key: string; label: string; source: Source }> = [
    { key: 'by', label: 'Platform: actions by this user', source: { kind: 'by' } },
    { key: 'about', label: 'Platform: changes to this account', source: { kind: 'about' } },
    ...(memberships.data?.data ?? []).map((m) => ({
      key: `site:${m.site.id}`,
      label: `Site ${m.site.name}: actions by this user`,
      source: { kind: 'site', siteId: m.site.id, name: m.site.name } as Source,
    })),
  ];
  const source = (sources.find((s) => s.key === sourceKey) ?? sources[0])?.source ?? { kind: 'by' };

  const list = useCursorList(['audit-logs', 'user-activity', user.id, sourceKey], (cursor) => {
    const query = { cursor, limit: PAGE_SIZE };
    if (source.kind === 'site') {
      return unwrap(api.GET('/v1/sites/{siteId}/users/{userId}/activity', { params: { path: { siteId: source.siteId, userId: user.id }, query } }));
    }
    const filter = source.kind === 'by' ? { actorUserId: user.id } : { targetId: user.id };
    return unwrap(api.GET('/v1/audit-logs', { params: { query: { ...query, ...filter } } }));
  });

  const auditSiteId = source.kind === 'site' ? source.siteId : null;
  const columns = useMemo<Column<AuditLog>[]>(
    () => [
      { id: 'createdAt', header: 'When', width: '11rem', cell: (e) => <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)}</time> },
      { id: 'action', header: 'Action', cell: (e) => <code>{e.action}</code> },
      {
        id: 'success',
        header: 'Result',
        width: '7rem',
        cell: (e) =>
          e.success ? (
            'ok'
          ) : (
            <span className="pill pill-danger" title={e.error ?? undefined}>
              failed
            </span>
          ),
      },
      { id: 'target', header: 'Target', cell: (e) => (e.targetType ? `${e.targetType}${e.targetId ? ` ${e.targetId.slice(0, 8)}…` : ''}` : '—') },
      {
        id: 'impersonator',
        header: 'Impersonated by',
        width: '10rem',
        cell: (e) => (e.impersonatorUserId ? <Link to={`/platform/users/${e.impersonatorUserId}`}>an administrator</Link> : '—'),
      },
      { id: 'ip', header: 'IP', width: '9rem', hiddenByDefault: true, cell: (e) => e.ip ?? '—' },
      {
        id: 'open',
        header: '',
        width: '6rem',
        cell: (e) => (
          <Link
            className="button button-small"
            to={auditSiteId ? `/sites/${auditSiteId}/audit` : '/platform/audit'}
            search={{ entry: e.id } as never}
            aria-label={`Open ${e.action} in the audit log`}
          >
            Details
          </Link>
        ),
      },
    ],
    [auditSiteId],
  );

  return (
    <div className="stack">
      <div className="users-card-header">
        <label htmlFor={selectId} className="users-inline-actions">
          Show
          <select id={selectId} className="input users-filter" value={sourceKey} onChange={(e) => setSourceKey(e.target.value)}>
            {sources.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        {source.kind === 'by' ? (
          <Link className="button button-small" to="/platform/audit" search={{ actor: user.id } as never}>
            Open in the platform audit log
          </Link>
        ) : null}
      </div>
      <DataTable
        label={`Activity of ${user.email}`}
        storageKey="user-activity"
        columns={columns}
        rows={list.rows}
        rowId={(e) => e.id}
        isLoading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        loadingMore={list.loadingMore}
        autoLoadMore
        empty={<EmptyState title="Nothing recorded">No audit entries match.</EmptyState>}
      />
    </div>
  );
}
