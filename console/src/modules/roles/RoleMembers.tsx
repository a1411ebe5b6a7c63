import { useId, useMemo, useState } from 'react';
import { usePermissions } from '../../app/session';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/States';
import { api, unwrap } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useCursorList } from '../../lib/use-cursor-list';
import type { Membership, Role } from './role-api';

type Person = Membership['user'];

function PersonName({ person, fallback }: { person: Person | null; fallback: string }) {
  if (!person) return <span className="muted">{fallback}</span>;
  return <span title={person.email}>{person.name ?? person.email}</span>;
}

function When({ at, by, byId, nobody }: { at: string | null; by: Person | null; byId: string | null; nobody: string }) {
  if (!at) return <span className="muted">—</span>;
  return (
    <span className="when">
      <time dateTime={at}>{formatDateTime(at)}</time>
      <span className="muted">
        {' '}
        by <PersonName person={by} fallback={byId ? 'a deleted account' : nobody} />
      </span>
    </span>
  );
}

/** Who holds the role now and, on demand, everyone who held it: granted and revoked, by whom and when. */
export function RoleMembers({ siteId, role }: { siteId: string; role: Role }) {
  const permissions = usePermissions(siteId);
  const [history, setHistory] = useState(false);
  const toggleId = useId();
  const readable = permissions.can('memberships.read');
  const list = useCursorList(
    ['memberships', siteId, { roleId: role.id, includeRevoked: history }],
    (cursor) =>
      unwrap(
        api.GET('/v1/sites/{siteId}/memberships', { params: { path: { siteId }, query: { roleId: role.id, includeRevoked: history, cursor, limit: 100 } } }),
      ),
    { enabled: readable },
  );

  const columns = useMemo<Column<Membership>[]>(
    () => [
      {
        id: 'member',
        header: 'Member',
        cell: (m) => (
          <span className="person">
            <strong>{m.user.name ?? m.user.email}</strong>
            {m.user.name ? <span className="muted"> {m.user.email}</span> : null}
          </span>
        ),
      },
      {
        id: 'status',
        header: 'Status',
        width: '7rem',
        cell: (m) => (m.active ? <span className="pill pill-success">Active</span> : <span className="pill">Revoked</span>),
      },
      {
        id: 'granted',
        header: 'Granted',
        cell: (m) => <When at={m.assignedAt} by={m.assignedByUser} byId={m.assignedBy} nobody="an API key or sign-up rule" />,
      },
      {
        id: 'revoked',
        header: 'Revoked',
        cell: (m) => <When at={m.revokedAt} by={m.revokedByUser} byId={m.revokedBy} nobody="an API key" />,
      },
    ],
    [],
  );

  return (
    <section className="section" aria-labelledby="members-title">
      <div className="access-section-header">
        <h2 id="members-title">Members</h2>
        {readable ? (
          <label htmlFor={toggleId} className="access-toggle">
            <input id={toggleId} type="checkbox" checked={history} onChange={(e) => setHistory(e.target.checked)} />
            Include revoked (history)
          </label>
        ) : null}
      </div>
      {readable ? (
        <DataTable
          label={history ? `Membership history of ${role.name}` : `Members holding ${role.name}`}
          storageKey="role-members"
          rows={list.rows}
          rowId={(m) => m.id}
          columns={history ? columns : columns.filter((c) => c.id !== 'revoked')}
          isLoading={list.isLoading}
          error={list.error}
          onRetry={list.refetch}
          hasMore={list.hasMore}
          onLoadMore={list.loadMore}
          loadingMore={list.loadingMore}
          empty={
            <EmptyState title={history ? 'Nobody has held this role' : 'Nobody holds this role'}>
              {history ? null : 'Grant it from the site’s members. Tick “Include revoked” to see who held it before.'}
            </EmptyState>
          }
        />
      ) : (
        <p className="muted">Seeing who holds this role needs the memberships.read permission.</p>
      )}
    </section>
  );
}
