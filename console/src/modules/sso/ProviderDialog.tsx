import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { usePermissions } from '../../app/session';
import { CopyButton } from '../../components/CopyButton';
import { Dialog } from '../../components/Dialog';
import { CheckboxField, Form, FormActions, SelectField, SubmitButton, TextField, useFieldErrors } from '../../components/Form';
import { ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { AdmiralError, api, describeError, idempotencyKey, isProblem, unwrap } from '../../lib/api';
import { slugify } from '../../lib/slug';
import {
  createProvider,
  getProvider,
  type Provider,
  type ProviderCreate,
  type ProviderHome,
  type ProviderUpdate,
  providersKey,
  updateProvider,
} from './sso-api';

interface Draft {
  name: string;
  slug: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  allowedEmailDomains: string;
  enabled: boolean;
  allowJit: boolean;
  defaultRole: string;
}

const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);
const DEFAULT_SCOPES = 'openid email profile';

const draftOf = (provider: Provider | undefined): Draft => ({
  name: provider?.name ?? '',
  slug: provider?.slug ?? '',
  issuer: provider?.issuer ?? '',
  clientId: provider?.clientId ?? '',
  clientSecret: '',
  scopes: provider ? provider.scopes.join(' ') : DEFAULT_SCOPES,
  allowedEmailDomains: provider?.allowedEmailDomains.join(', ') ?? '',
  enabled: provider?.enabled ?? true,
  allowJit: provider?.allowJit ?? false,
  defaultRole: provider?.defaultRole ?? '',
});

/** The API reports list items as /scopes/2; those belong to the one text field of the list. */
const listPointers = (name: string) => [`/${name}`, ...Array.from({ length: 100 }, (_, i) => `/${name}/${i}`)];
const POINTERS = [
  '/name',
  '/slug',
  '/issuer',
  '/clientId',
  '/clientSecret',
  '/enabled',
  '/allowJit',
  '/defaultRole',
  ...listPointers('scopes'),
  ...listPointers('allowedEmailDomains'),
];

/**
 * Add or change an OpenID Connect provider. The client secret is write-only: it is never shown again, and
 * on an edit an empty field keeps the stored one.
 */
export function ProviderDialog({ home, providerId, open, onClose }: { home: ProviderHome; providerId: string | null; open: boolean; onClose: () => void }) {
  const editing = providerId !== null;
  const loaded = useQuery({
    queryKey: [...providersKey(home), 'one', providerId],
    enabled: open && editing,
    queryFn: () => getProvider(home, providerId as string),
    staleTime: 0,
    gcTime: 0,
  });
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) onClose();
      }}
      title={editing ? `Edit ${loaded.data?.provider.name ?? 'provider'}` : 'Add a single sign-on provider'}
      description={
        editing
          ? undefined
          : 'Any OpenID Connect provider works (Okta, Entra ID, Google, Keycloak, Auth0…). Register the callback URL shown afterwards at the provider.'
      }
      wide
    >
      {editing && loaded.isLoading ? <Loading /> : null}
      {editing && loaded.error ? <ErrorState error={loaded.error} onRetry={() => void loaded.refetch()} /> : null}
      {!editing || loaded.data ? (
        <ProviderForm key={loaded.data?.etag ?? 'new'} home={home} loaded={loaded.data} onDone={onClose} onStale={() => void loaded.refetch()} />
      ) : null}
    </Dialog>
  );
}

function ProviderForm({
  home,
  loaded,
  onDone,
  onStale,
}: {
  home: ProviderHome;
  loaded: { provider: Provider; etag: string | null } | undefined;
  onDone: () => void;
  onStale: () => void;
}) {
  const provider = loaded?.provider;
  const queryClient = useQueryClient();
  const permissions = usePermissions(home.kind === 'site' ? home.siteId : null);
  const [draft, setDraft] = useState<Draft>(() => draftOf(provider));
  const [slugTouched, setSlugTouched] = useState(Boolean(provider));
  // Reused when a submission is retried after a network failure; renewed once the server has answered.
  const [key, setKey] = useState(idempotencyKey);
  const set =
    <K extends keyof Draft>(name: K) =>
    (value: Draft[K]) =>
      setDraft((d) => ({ ...d, [name]: value }));

  const roles = useQuery({
    queryKey: ['roles', home.kind === 'site' ? home.siteId : 'platform'],
    enabled: home.kind === 'site' && permissions.can('roles.read'),
    queryFn: () => unwrap(api.GET('/v1/sites/{siteId}/roles', { params: { path: { siteId: (home as { siteId: string }).siteId } } })),
  });

  const save = useMutation({
    mutationFn: async (): Promise<Provider> => {
      const scopes = words(draft.scopes);
      const allowedEmailDomains = words(draft.allowedEmailDomains.toLowerCase());
      const defaultRole = home.kind === 'site' ? draft.defaultRole.trim() || null : undefined;
      if (!provider) {
        const body: ProviderCreate = {
          name: draft.name.trim(),
          slug: draft.slug.trim(),
          issuer: draft.issuer.trim(),
          clientId: draft.clientId.trim(),
          clientSecret: draft.clientSecret,
          scopes,
          allowedEmailDomains,
          enabled: draft.enabled,
          allowJit: draft.allowJit,
          ...(defaultRole !== undefined ? { defaultRole } : {}),
        };
        return createProvider(home, body, key);
      }
      const body: ProviderUpdate = {};
      if (draft.name.trim() !== provider.name) body.name = draft.name.trim();
      if (draft.issuer.trim() !== provider.issuer) body.issuer = draft.issuer.trim();
      if (draft.clientId.trim() !== provider.clientId) body.clientId = draft.clientId.trim();
      if (draft.clientSecret) body.clientSecret = draft.clientSecret;
      if (scopes.join(' ') !== provider.scopes.join(' ')) body.scopes = scopes;
      if (allowedEmailDomains.join(' ') !== provider.allowedEmailDomains.join(' ')) body.allowedEmailDomains = allowedEmailDomains;
      if (draft.enabled !== provider.enabled) body.enabled = draft.enabled;
      if (draft.allowJit !== provider.allowJit) body.allowJit = draft.allowJit;
      if (defaultRole !== undefined && defaultRole !== provider.defaultRole) body.defaultRole = defaultRole;
      if (Object.keys(body).length === 0) return provider;
      return updateProvider(home, provider.id, body, loaded?.etag ?? null);
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: providersKey(home) });
      toast({
        title: provider ? `${saved.name} saved` : `${saved.name} added`,
        description: provider
          ? undefined
          : saved.callbackUrl
            ? 'Register its callback URL at the provider.'
            : 'Set PUBLIC_URL so it can be offered on the sign-in page.',
        variant: 'success',
      });
      onDone();
    },
    onError: (error) => {
      if (error instanceof AdmiralError) setKey(idempotencyKey());
      if (isProblem(error, 412)) {
        toast({ title: 'Not saved: the provider changed meanwhile', description: 'The form now shows the current version.', variant: 'error' });
        onStale();
      } else if (!isProblem(error, 400) && !isProblem(error, 409) && !isProblem(error, 422)) {
        toast({ title: 'Not saved', description: describeError(error), variant: 'error' });
      }
    },
  });
  const errors = useFieldErrors(save.error);
  for (const [pointer, detail] of Object.entries(errors)) {
    const list = /^\/(scopes|allowedEmailDomains)\/\d+$/.exec(pointer);
    if (list) errors[`/${list[1]}`] ??= detail;
  }
  const canSubmit = draft.name.trim() && draft.slug.trim() && draft.issuer.trim() && draft.clientId.trim() && (provider || draft.clientSecret);
  const roleOptions = roles.data?.data.filter((r) => r.assignable !== false) ?? [];

  return (
    <Form onSubmit={() => save.mutate()} error={save.error} pointers={POINTERS} aria-label={provider ? 'Edit provider' : 'Add provider'} className="sso-form">
      <div className="sso-form-grid">
        <TextField
          label="Name"
          pointer="/name"
          errors={errors}
          value={draft.name}
          onChange={(name) => setDraft((d) => ({ ...d, name, slug: slugTouched ? d.slug : slugify(name) }))}
          hint="Shown on the sign-in page: “Continue with …”"
          required
          autoFocus
        />
        <TextField
          label="Slug"
          pointer="/slug"
          errors={errors}
          value={draft.slug}
          onChange={(slug) => {
            setSlugTouched(true);
            set('slug')(slug);
          }}
          disabled={Boolean(provider)}
          hint={provider ? 'Fixed: it is part of the callback URL registered at the provider.' : 'Part of the sign-in and callback URLs; cannot change later.'}
          spellCheck={false}
          required
        />
        <TextField
          label="Issuer URL"
          pointer="/issuer"
          errors={errors}
          value={draft.issuer}
          onChange={set('issuer')}
          type="url"
          placeholder="https://login.example.com"
          hint="Its /.well-known/openid-configuration is read. https (http only on a loopback host, outside production)."
          spellCheck={false}
          required
        />
        <TextField
          label="Client ID"
          pointer="/clientId"
          errors={errors}
          value={draft.clientId}
          onChange={set('clientId')}
          spellCheck={false}
          autoComplete="off"
          required
        />
        <TextField
          label={provider ? 'New client secret' : 'Client secret'}
          pointer="/clientSecret"
          errors={errors}
          value={draft.clientSecret}
          onChange={set('clientSecret')}
          type="password"
          autoComplete="new-password"
          placeholder={provider?.hasClientSecret ? '•••••••• stored — leave empty to keep it' : undefined}
          hint="Write-only: stored sealed and never shown again."
          required={!provider}
        />
        <TextField
          label="Scopes"
          pointer="/scopes"
          errors={errors}
          value={draft.scopes}
          onChange={set('scopes')}
          hint="Separated by spaces; must include openid."
          spellCheck={false}
        />
        <TextField
          label="Allowed email domains"
          pointer="/allowedEmailDomains"
          errors={errors}
          value={draft.allowedEmailDomains}
          onChange={set('allowedEmailDomains')}
          placeholder="any domain"
          hint="Comma-separated, e.g. example.com; empty: every domain. Limits who may be linked or created."
          spellCheck={false}
        />
        {home.kind === 'site' ? (
          roleOptions.length > 0 ? (
            <SelectField
              label="Role of new members"
              pointer="/defaultRole"
              errors={errors}
              value={draft.defaultRole}
              onChange={set('defaultRole')}
              options={[{ value: '', label: 'registered (default)' }, ...roleOptions.map((r) => ({ value: r.key, label: `${r.name} (${r.key})` }))]}
              disabled={!draft.allowJit}
              hint="For people signing in here for the first time (just-in-time)."
            />
          ) : (
            <TextField
              label="Role of new members"
              pointer="/defaultRole"
              errors={errors}
              value={draft.defaultRole}
              onChange={set('defaultRole')}
              placeholder="registered"
              disabled={!draft.allowJit}
              hint="A role key, for people signing in here for the first time."
            />
          )
        ) : null}
      </div>
      <CheckboxField label="Enabled: offered on the sign-in page" pointer="/enabled" errors={errors} checked={draft.enabled} onChange={set('enabled')} />
      <CheckboxField
        label={home.kind === 'site' ? 'Create accounts and members on a first sign-in (just-in-time)' : 'Create accounts on a first sign-in (just-in-time)'}
        pointer="/allowJit"
        errors={errors}
        checked={draft.allowJit}
        onChange={set('allowJit')}
        hint="Otherwise only people who already have an account (same verified email) can sign in."
      />
      {provider ? (
        <div className="sso-callback">
          <span className="muted">Callback URL</span>
          {provider.callbackUrl ? (
            <>
              <code>{provider.callbackUrl}</code> <CopyButton value={provider.callbackUrl} />
            </>
          ) : (
            <span className="notice">Set PUBLIC_URL: without it no provider is offered.</span>
          )}
        </div>
      ) : null}
      <FormActions>
        <SubmitButton pending={save.isPending} disabled={!canSubmit}>
          {provider ? 'Save provider' : 'Add provider'}
        </SubmitButton>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </FormActions>
    </Form>
  );
}
