import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useConfirm } from '../../components/ConfirmDialog';
import { CopyButton } from '../../components/CopyButton';
import { type Column, DataTable } from '../../components/DataTable';
import { EmptyState } from '../../components/States';
import { toast } from '../../components/Toasts';
import { describeError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { ProviderDialog } from './ProviderDialog';
import { deleteProvider, listProviders, type Provider, type ProviderHome, providersKey, updateProvider } from './sso-api';
import './sso.css';

/**
 * Single sign-on providers of the platform or of one site: list, add, edit (secret write-only), enable or
 * disable, remove. The sign-in page offers the enabled ones as "Continue with <name>".
 */
export function ProvidersScreen({ home, title, subtitle, canManage }: { home: ProviderHome; title: string; subtitle: string; canManage: boolean }) {
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const providers = useQuery({ queryKey: providersKey(home), queryFn: () => listProviders(home) });
  const [editing, setEditing] = useState<string | null | undefined>(undefined); // undefined: closed; null: new

  const toggle = useMutation({
    mutationFn: (provider: Provider) => updateProvider(home, provider.id, { enabled: !provider.enabled }, null),
    onSuccess: (saved) => {
      toast({ title: `${saved.name} ${saved.enabled ? 'enabled' : 'disabled'}`, variant: 'success' });
      return queryClient.invalidateQueries({ queryKey: providersKey(home) });
    },
    onError: (error) => toast({ title: 'Not changed', description: describeError(error), variant: 'error' }),
  });
  const remove = useMutation({
    mutationFn: (provider: Provider) => deleteProvider(home, provider.id),
    onSuccess: (_, provider) => {
      toast({ title: `${provider.name} removed`, variant: 'success' });
      return queryClient.invalidateQueries({ queryKey: providersKey(home) });
    },
    onError: (error) => toast({ title: 'Not removed', description: describeError(error), variant: 'error' }),
  });

  const askRemove = async (provider: Provider) => {
    const yes = await confirm({
      title: `Remove ${provider.name}?`,
      description:
        'People can no longer sign in with it, and every account linked through it is unlinked (their Admiral accounts stay). This cannot be undone.',
      confirmLabel: 'Remove provider',
      destructive: true,
    });
    if (yes) remove.mutate(provider);
  };

  const columns: Column<Provider>[] = [
    {
      id: 'name',
      header: 'Provider',
      cell: (p) => (
        <span>
          <strong>{p.name}</strong> <code className="muted">{p.slug}</code>
        </span>
      ),
    },
    { id: 'issuer', header: 'Issuer', cell: (p) => <code title={p.issuer}>{p.issuer}</code> },
    {
      id: 'enabled',
      header: 'Sign-in page',
      width: '8rem',
      cell: (p) => (p.enabled ? <span className="pill pill-success">offered</span> : <span className="pill">disabled</span>),
    },
    {
      id: 'allowJit',
      header: 'New accounts',
      width: '9rem',
      cell: (p) => (p.allowJit ? `created${p.defaultRole ? ` as ${p.defaultRole}` : ''}` : 'existing only'),
    },
    {
      id: 'secret',
      header: 'Secret',
      width: '6rem',
      hiddenByDefault: true,
      cell: (p) => (p.hasClientSecret ? 'stored' : <span className="pill pill-danger">missing</span>),
    },
    { id: 'clientId', header: 'Client ID', hiddenByDefault: true, cell: (p) => <code>{p.clientId}</code> },
    {
      id: 'callbackUrl',
      header: 'Callback URL',
      hiddenByDefault: true,
      cell: (p) => (p.callbackUrl ? <code>{p.callbackUrl}</code> : <span className="muted">needs PUBLIC_URL</span>),
    },
    { id: 'updatedAt', header: 'Changed', width: '11rem', cell: (p) => formatDateTime(p.updatedAt) },
    {
      id: 'actions',
      header: 'Actions',
      width: '15rem',
      cell: (p) =>
        canManage ? (
          // biome-ignore lint/a11y/noStaticElementInteractions: keeps a button press from also opening the row
          <span className="row-actions" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
            <button type="button" className="button button-small" onClick={() => toggle.mutate(p)} disabled={toggle.isPending}>
              {p.enabled ? 'Disable' : 'Enable'}
            </button>
            <button type="button" className="button button-small button-danger-outline" onClick={() => void askRemove(p)} aria-label={`Remove ${p.name}`}>
              Remove
            </button>
          </span>
        ) : null,
    },
  ];

  const unconfigured = providers.data?.some((p) => p.callbackUrl === null);
  return (
    <div className="page page-wide">
      <header className="page-header page-header-actions">
        <div>
          <h1>{title}</h1>
          <p className="muted">{subtitle}</p>
        </div>
        {canManage ? (
          <button type="button" className="button button-primary" onClick={() => setEditing(null)}>
            Add provider
          </button>
        ) : null}
      </header>
      {unconfigured ? (
        <p className="notice" role="note">
          PUBLIC_URL is not set: the sign-in page offers no provider, and starting a sign-in answers “not configured”. Set it to this console’s external
          address.
        </p>
      ) : null}
      <DataTable
        label="Single sign-on providers"
        storageKey={`sso-providers-${home.kind}`}
        columns={columns}
        rows={providers.data ?? []}
        rowId={(p) => p.id}
        isLoading={providers.isLoading}
        error={providers.error}
        onRetry={() => void providers.refetch()}
        onRowClick={canManage ? (p) => setEditing(p.id) : undefined}
        empty={
          <EmptyState
            title="No providers yet"
            action={
              canManage ? (
                <button type="button" className="button button-primary" onClick={() => setEditing(null)}>
                  Add a provider
                </button>
              ) : undefined
            }
          >
            People sign in with a password until a provider is added.
          </EmptyState>
        }
      />
      {providers.data && providers.data.length > 0 ? (
        <details className="sso-help">
          <summary>Callback URLs to register at each provider</summary>
          <ul>
            {providers.data.map((p) => (
              <li key={p.id}>
                {p.name}:{' '}
                {p.callbackUrl ? (
                  <>
                    <code>{p.callbackUrl}</code> <CopyButton value={p.callbackUrl} />
                  </>
                ) : (
                  <span className="muted">needs PUBLIC_URL</span>
                )}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <ProviderDialog home={home} providerId={editing ?? null} open={editing !== undefined} onClose={() => setEditing(undefined)} />
    </div>
  );
}
