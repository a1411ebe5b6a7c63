import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { siteRoute } from '../../app/routes';
import { type Permissions, usePermissions } from '../../app/session';
import { useConfirm } from '../../components/ConfirmDialog';
import { type Column, DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { EmptyState } from '../../components/States';
import { toast } from '../../components/Toasts';
import { api, describeError, type Schema, unwrap } from '../../lib/api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useCursorList } from '../../lib/use-cursor-list';
import { beyondCaller, catalogQuery, siteGroups } from '../roles/permission-catalog';
import { CreateApiKeyDialog } from './CreateApiKeyDialog';
import { SecretDialog } from './SecretDialog';
import '../roles/roles.css';

type ApiKey = Schema<'ApiKey'>;
type Shown = { created: Schema<'ApiKeyWithSecret'>; rotated: boolean };

const SOON = 7 * 86_400_000;
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

function StatusPill({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.status === 'revoked') return <span className="pill pill-danger">Revoked</span>;
  if (apiKey.status === 'expired') return <span className="pill pill-warning">Expired</span>;
  return <span className="pill pill-success">Active</span>;
}

function Expiry({ apiKey }: { apiKey: ApiKey }) {
  if (!apiKey.expiresAt) return <span className="muted">Never</span>;
  const left = Date.parse(apiKey.expiresAt) - Date.now();
  return (
    <time
      dateTime={apiKey.expiresAt}
      title={formatDateTime(apiKey.expiresAt)}
      className={apiKey.status === 'active' && left < SOON ? 'expiry-soon' : undefined}
    >
      {apiKey.status === 'active' && left < SOON ? formatRelative(apiKey.expiresAt) : day.format(new Date(apiKey.expiresAt))}
    </time>
  );
}

/** Why the caller may not rotate or revoke a key: it grants what they do not hold (the server refuses it too). */
const authorityProblem = (permissions: Permissions, apiKey: ApiKey): string | null => {
  const missing = beyondCaller(
    permissions,
    apiKey.permissions.map((key) => ({ key, condition: null })),
  );
  return missing.length ? `This key grants permissions you do not hold (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''}).` : null;
};

/** The site's API keys: who may call the API as this site, with what, until when. */
export default function ApiKeys() {
  const { site } = siteRoute.useRouteContext();
  const siteId = site.id;
  const permissions = usePermissions(siteId);
  const client = useQueryClient();
  const confirm = useConfirm();
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<Shown | null>(null);
  const [details, setDetails] = useState<ApiKey | null>(null);
  const toggleId = useId();

  const list = useCursorList(['api-keys', siteId, { includeRevoked }], (cursor) =>
    unwrap(api.GET('/v1/sites/{siteId}/api-keys', { params: { path: { siteId }, query: { includeRevoked, cursor, limit: 100 } } })),
  );
  const refresh = () => client.invalidateQueries({ queryKey: ['api-keys', siteId] });

  const rotate = useMutation({
    mutationFn: (key: ApiKey) => unwrap(api.POST('/v1/sites/{siteId}/api-keys/{apiKeyId}/rotate', { params: { path: { siteId, apiKeyId: key.id } } })),
    onSuccess: async (created) => {
      setShown({ created, rotated: true });
      await refresh();
    },
    onError: (error) => toast({ title: 'Not rotated', description: describeError(error), variant: 'error' }),
  });
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => unwrap(api.DELETE('/v1/sites/{siteId}/api-keys/{apiKeyId}', { params: { path: { siteId, apiKeyId: key.id } } })),
    onSuccess: async (key) => {
      toast({ title: `API key ${key.name} revoked`, description: 'Requests with it are refused from now on.', variant: 'success' });
      await refresh();
    },
    onError: (error) => toast({ title: 'Not revoked', description: describeError(error), variant: 'error' }),
  });

  const mayRotate = permissions.can('api-keys.update');
  const mayRevoke = permissions.can('api-keys.delete');

  const columns = useMemo<Column<ApiKey>[]>(() => {
    const askRotate = async (key: ApiKey) => {
      const ok = await confirm({
        title: `Rotate ${key.name}?`,
        description: 'The current key stops working at once. A new key with the same name, permissions and expiry replaces it, and is shown once.',
        confirmLabel: 'Rotate key',
      });
      if (ok) rotate.mutate(key);
    };
    const askRevoke = async (key: ApiKey) => {
      const ok = await confirm({
        title: `Revoke ${key.name}?`,
        description: `Programs using admk_${key.prefix}_… will be refused from now on. This cannot be undone.`,
        confirmLabel: 'Revoke key',
        destructive: true,
      });
      if (ok) revoke.mutate(key);
    };
    return [
      { id: 'name', header: 'Name', cell: (k) => <strong>{k.name}</strong> },
      { id: 'prefix', header: 'Key', width: '11rem', cell: (k) => <code title="The public part of the key">admk_{k.prefix}_…</code> },
      {
        id: 'permissions',
        header: 'Scope',
        cell: (k) => (
          <span className="scope-summary" title={k.permissions.join('\n')}>
            <span className="pill">{k.permissions.length}</span> <span className="muted">{k.permissions.join(', ')}</span>
          </span>
        ),
      },
      { id: 'expiresAt', header: 'Expires', cell: (k) => <Expiry apiKey={k} /> },
      {
        id: 'lastUsedAt',
        header: 'Last used',
        cell: (k) =>
          k.lastUsedAt ? (
            <time dateTime={k.lastUsedAt} title={formatDateTime(k.lastUsedAt)}>
              {formatRelative(k.lastUsedAt)}
            </time>
          ) : (
            <span className="muted">Never</span>
          ),
      },
      { id: 'status', header: 'Status', width: '6.5rem', cell: (k) => <StatusPill apiKey={k} /> },
      { id: 'createdAt', header: 'Created', hiddenByDefault: true, cell: (k) => formatDateTime(k.createdAt) },
      ...(mayRotate || mayRevoke
        ? [
            {
              id: 'actions',
              header: 'Actions',
              width: '11rem',
              cell: (k: ApiKey) => {
                const authority = authorityProblem(permissions, k);
                const inactive = k.status !== 'active' ? `This key is ${k.status}.` : null;
                return (
                  // The row opens details on click and on Enter; its buttons must do only their own thing.
                  // biome-ignore lint/a11y/noStaticElementInteractions: only stops the row's handlers; the buttons inside are the controls
                  <span className="access-row-actions" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
                    {mayRotate ? (
                      <button
                        type="button"
                        className="button button-small"
                        aria-label={`Rotate ${k.name}`}
                        disabled={Boolean(inactive || authority) || rotate.isPending}
                        title={inactive ?? authority ?? undefined}
                        onClick={() => void askRotate(k)}
                      >
                        Rotate
                      </button>
                    ) : null}
                    {mayRevoke && k.status !== 'revoked' ? (
                      <button
                        type="button"
                        className="button button-small button-danger"
                        aria-label={`Revoke ${k.name}`}
                        disabled={Boolean(authority) || revoke.isPending}
                        title={authority ?? undefined}
                        onClick={() => void askRevoke(k)}
                      >
                        Revoke
                      </button>
                    ) : null}
                  </span>
                );
              },
            },
          ]
        : []),
    ];
  }, [confirm, mayRotate, mayRevoke, permissions, revoke, rotate]);

  return (
    <div className="page">
      <header className="page-header access-header">
        <div>
          <h1>API keys</h1>
          <p className="muted">Credentials for programs acting on {site.name}: each grants a chosen set of permissions, on this site only.</p>
        </div>
        {permissions.can('api-keys.create') ? (
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            New API key
          </button>
        ) : null}
      </header>
      <DataTable
        label="API keys"
        storageKey="api-keys"
        rows={list.rows}
        rowId={(k) => k.id}
        columns={columns}
        isLoading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        loadingMore={list.loadingMore}
        onRowClick={setDetails}
        toolbar={
          <label htmlFor={toggleId} className="access-toggle">
            <input id={toggleId} type="checkbox" checked={includeRevoked} onChange={(e) => setIncludeRevoked(e.target.checked)} />
            Show revoked keys
          </label>
        }
        empty={
          <EmptyState title={includeRevoked ? 'No API keys yet' : 'No active API keys'}>
            {permissions.can('api-keys.create') ? 'Create one for each program that calls the API, with only the permissions it needs.' : null}
          </EmptyState>
        }
      />
      <CreateApiKeyDialog
        siteId={siteId}
        open={creating}
        onOpenChange={setCreating}
        onCreated={(created) => {
          setCreating(false);
          setShown({ created, rotated: false });
          void refresh();
        }}
      />
      {shown ? <SecretDialog created={shown.created} rotated={shown.rotated} onClose={() => setShown(null)} /> : null}
      {details ? <KeyDetails apiKey={details} onClose={() => setDetails(null)} /> : null}
    </div>
  );
}

/** Everything about one key but its secret: the full scope grouped by module, dates, lineage. */
function KeyDetails({ apiKey, onClose }: { apiKey: ApiKey; onClose: () => void }) {
  const catalog = useQuery(catalogQuery);
  const granted = new Set(apiKey.permissions);
  const groups = siteGroups(catalog.data ?? [], (p) => granted.has(p.key));
  const listed = new Set(groups.flatMap((g) => g.permissions.map((p) => p.key)));
  const unknown = apiKey.permissions.filter((k) => !listed.has(k));
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={apiKey.name} wide>
      <dl className="access-details">
        <dt>Key</dt>
        <dd>
          <code>admk_{apiKey.prefix}_…</code> <StatusPill apiKey={apiKey} />
        </dd>
        <dt>Expires</dt>
        <dd>
          <Expiry apiKey={apiKey} />
        </dd>
        <dt>Last used</dt>
        <dd>{apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : 'Never'}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(apiKey.createdAt)}</dd>
        {apiKey.rotatedFromId ? (
          <>
            <dt>Replaces</dt>
            <dd className="muted">a key rotated on {formatDateTime(apiKey.createdAt)}</dd>
          </>
        ) : null}
        {apiKey.revokedAt ? (
          <>
            <dt>Revoked</dt>
            <dd>{formatDateTime(apiKey.revokedAt)}</dd>
          </>
        ) : null}
      </dl>
      <h3>Scope</h3>
      {groups.map((g) => (
        <p key={g.module}>
          <strong>{g.label}:</strong>{' '}
          {g.permissions.map((p, i) => (
            <span key={p.key}>
              {i > 0 ? ', ' : ''}
              <code title={p.description}>{p.key}</code>
            </span>
          ))}
        </p>
      ))}
      {unknown.length ? <p className="muted">No longer in the catalog: {unknown.join(', ')}</p> : null}
    </Dialog>
  );
}
