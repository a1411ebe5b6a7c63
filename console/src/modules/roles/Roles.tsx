import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { siteRoute } from '../../app/routes';
import { usePermissions } from '../../app/session';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { CreateRoleDialog } from './CreateRoleDialog';
import { catalogQuery, siteGroups } from './permission-catalog';
import { type Role, rolesQuery } from './role-api';
import './roles.css';

/** The site's roles: system roles (read-only) and custom ones, and what each grants side by side. */
export default function Roles() {
  const { site } = siteRoute.useRouteContext();
  const permissions = usePermissions(site.id);
  const navigate = useNavigate();
  const roles = useQuery(rolesQuery(site.id));
  const [creating, setCreating] = useState(false);

  const columns = useMemo<Column<Role>[]>(
    () => [
      {
        id: 'name',
        header: 'Role',
        cell: (r) => (
          <span className="role-name">
            <strong>{r.name}</strong> <code className="muted">{r.key}</code>
          </span>
        ),
      },
      {
        id: 'type',
        header: 'Type',
        width: '7rem',
        cell: (r) => (r.system ? <span className="pill">System</span> : <span className="pill access-pill-custom">Custom</span>),
      },
      { id: 'permissions', header: 'Permissions', width: '8rem', cell: (r) => r.permissions.length },
      { id: 'description', header: 'Description', cell: (r) => <span className="muted">{r.description ?? '—'}</span> },
      {
        id: 'assignable',
        header: 'Grantable',
        width: '7rem',
        hiddenByDefault: true,
        cell: (r) => (r.assignable ? 'Yes' : <span title="Held by super admins through their account, not granted">No</span>),
      },
    ],
    [],
  );

  return (
    <div className="page">
      <header className="page-header access-header">
        <div>
          <h1>Roles</h1>
          <p className="muted">What members of {site.name} may do. System roles are managed by Admiral; custom roles are yours to shape.</p>
        </div>
        {permissions.can('roles.create') ? (
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            New role
          </button>
        ) : null}
      </header>
      <section className="section" aria-label="Roles">
        <DataTable
          label="Roles"
          storageKey="roles"
          rows={roles.data ?? []}
          rowId={(r) => r.id}
          columns={columns}
          isLoading={roles.isLoading}
          error={roles.error}
          onRetry={() => void roles.refetch()}
          onRowClick={(r) => void navigate({ to: `/sites/${site.id}/roles/${r.id}` })}
          empty={<EmptyState title="No roles" />}
        />
      </section>
      {roles.data && roles.data.length > 0 ? <CompareMatrix roles={roles.data} /> : null}
      <CreateRoleDialog siteId={site.id} roles={roles.data ?? []} open={creating} onOpenChange={setCreating} />
    </div>
  );
}

/** Every site permission (grouped by module) against every role: ✓ everywhere, "own" on own rows only. */
function CompareMatrix({ roles }: { roles: Role[] }) {
  const catalog = useQuery(catalogQuery);
  const grants = useMemo(() => new Map(roles.map((r) => [r.id, new Map(r.permissions.map((g) => [g.key, g.condition]))])), [roles]);
  const groups = useMemo(() => siteGroups(catalog.data ?? []), [catalog.data]);
  return (
    <section className="section" aria-labelledby="compare-title">
      <h2 id="compare-title">Permission matrix</h2>
      <p className="muted">Which role grants what. Open a role to change it.</p>
      {catalog.isLoading ? <Loading /> : null}
      {catalog.error ? <ErrorState error={catalog.error} onRetry={() => void catalog.refetch()} /> : null}
      {catalog.data ? (
        // A scrollable region must be reachable by keyboard to scroll it (WCAG 2.1.1).
        // biome-ignore lint/a11y/noNoninteractiveTabindex: see above
        <section className="matrix-scroll" tabIndex={0} aria-label="Permission matrix, scrollable">
          <table className="matrix matrix-compare" aria-label="Permission matrix">
            <thead>
              <tr>
                <th scope="col">Permission</th>
                {roles.map((r) => (
                  <th key={r.id} scope="col" title={r.description ?? undefined}>
                    {r.name}
                    {r.system ? null : <span className="matrix-custom-mark"> (custom)</span>}
                  </th>
                ))}
              </tr>
            </thead>
            {groups.map((group) => (
              <tbody key={group.module}>
                <tr className="matrix-group">
                  <th scope="rowgroup" colSpan={roles.length + 1}>
                    {group.label}
                  </th>
                </tr>
                {group.permissions.map((p) => (
                  <tr key={p.key}>
                    <th scope="row" title={p.description}>
                      <code>{p.key}</code>
                    </th>
                    {roles.map((r) => {
                      const condition = grants.get(r.id)?.get(p.key);
                      return (
                        <td key={r.id} className="matrix-cell">
                          {condition === undefined ? (
                            <span className="access-sr-only">no</span>
                          ) : condition === 'own' ? (
                            <span className="matrix-own">own</span>
                          ) : (
                            <span className="matrix-yes" role="img" aria-label="yes">
                              ✓
                            </span>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </section>
      ) : null}
    </section>
  );
}
