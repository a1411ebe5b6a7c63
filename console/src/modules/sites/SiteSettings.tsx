import { problemFrom } from '@admiral/sdk';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { siteRoute } from '../../app/routes';
import { usePermissions } from '../../app/session';
import { useConfirm } from '../../components/ConfirmDialog';
import { CheckboxField, Form, FormActions, SelectField, SubmitButton, TextAreaField, TextField, useFieldErrors } from '../../components/Form';
import { ErrorState, Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { AdmiralError, api, describeError, isProblem, type Schema } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { SIGN_UP_ROLES, type SignUp, StatusPill, signUpOf } from './site-view';
import './sites.css';

type Site = Schema<'Site'>;
type SiteUpdate = Schema<'SiteUpdate'>;

/** The site with its ETag (sent back as If-Match, so two people editing cannot overwrite each other unseen). */
async function fetchSite(siteId: string): Promise<{ site: Site; etag: string | null }> {
  const { data, error, response } = await api.GET('/v1/sites/{siteId}', { params: { path: { siteId } } });
  if (!response.ok || !data) throw new AdmiralError(problemFrom(response, error));
  return { site: data, etag: response.headers.get('etag') };
}

async function patchSite(siteId: string, etag: string | null, body: SiteUpdate): Promise<{ site: Site; etag: string | null }> {
  const { data, error, response } = await api.PATCH('/v1/sites/{siteId}', {
    params: { path: { siteId }, header: etag ? { 'if-match': etag } : {} },
    body,
  });
  if (!response.ok || !data) throw new AdmiralError(problemFrom(response, error));
  return { site: data, etag: response.headers.get('etag') };
}

const ROLE_HELP: Record<(typeof SIGN_UP_ROLES)[number], string> = {
  guest: 'Guest — can read what members can read',
  registered: 'Registered — a signed-up member (default)',
  author: 'Author — can also write their own content',
};

function Section({ id, title, description, children }: { id: string; title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <section className="card settings-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {description ? <p className="muted settings-description">{description}</p> : null}
      {children}
    </section>
  );
}

/**
 * A site's settings: name and details, self sign-up, and its status (suspend, archive, reactivate). Every
 * save sends If-Match; a change made meanwhile by someone else is reported, never overwritten.
 */
export default function SiteSettings() {
  const { site: routeSite } = siteRoute.useRouteContext();
  const siteId = routeSite.id;
  const permissions = usePermissions(siteId);
  const canUpdate = permissions.can('sites.update');
  const confirm = useConfirm();
  const query = useQuery({ queryKey: ['site', siteId], queryFn: () => fetchSite(siteId) });

  const saveStatus = useSaveSite(siteId);

  if (query.isLoading) return <Loading />;
  if (query.error || !query.data) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const site = query.data.site;

  const changeStatus = async (status: Site['status']) => {
    const questions: Record<Site['status'], { title: string; description: string; confirmLabel: string; destructive: boolean }> = {
      suspended: {
        title: `Suspend ${site.name}?`,
        description:
          'Its API refuses every request (403 site_inactive) until it is reactivated: members, API keys and sign-ups stop working. Nothing is deleted.',
        confirmLabel: 'Suspend site',
        destructive: true,
      },
      archived: {
        title: `Archive ${site.name}?`,
        description: 'An archived site is closed like a suspended one and marked as retired. Its data and audit trail are kept; you can reactivate it later.',
        confirmLabel: 'Archive site',
        destructive: true,
      },
      active: {
        title: `Reactivate ${site.name}?`,
        description: 'Its API, members and API keys work again.',
        confirmLabel: 'Reactivate',
        destructive: false,
      },
    };
    if (!(await confirm(questions[status]))) return;
    saveStatus.mutate({ body: { status }, what: status === 'active' ? 'Site reactivated' : `Site ${status}` });
  };

  return (
    <div className="page settings-page">
      <header className="page-header">
        <h1>Site settings</h1>
        <p className="muted">
          {site.name} · created {formatDateTime(site.createdAt)} · last changed {formatDateTime(site.updatedAt)}
        </p>
      </header>
      {canUpdate ? null : (
        <p className="notice" role="note">
          You can see these settings but not change them (that takes the permission sites.update).
        </p>
      )}
      <GeneralSection key={`general-${site.updatedAt}`} site={site} disabled={!canUpdate} />
      <SignUpSection key={`sign-up-${site.updatedAt}`} site={site} disabled={!canUpdate} />
      <Section
        id="status-title"
        title="Status"
        description="A suspended or archived site is closed: its API refuses every request until it is reactivated. Nothing is deleted."
      >
        <div className="status-row" data-testid="site-status">
          <span>
            This site is <StatusPill status={site.status} />
          </span>
          <div className="status-actions">
            {site.status !== 'active' ? (
              <button type="button" className="button button-primary" disabled={!canUpdate || saveStatus.isPending} onClick={() => void changeStatus('active')}>
                Reactivate
              </button>
            ) : null}
            {site.status === 'active' ? (
              <button
                type="button"
                className="button button-danger"
                disabled={!canUpdate || saveStatus.isPending}
                onClick={() => void changeStatus('suspended')}
              >
                Suspend…
              </button>
            ) : null}
            {site.status !== 'archived' ? (
              <button
                type="button"
                className="button button-danger"
                disabled={!canUpdate || saveStatus.isPending}
                onClick={() => void changeStatus('archived')}
              >
                Archive…
              </button>
            ) : null}
          </div>
        </div>
      </Section>
      <OtherSettings settings={site.settings} />
    </div>
  );
}

/** A PATCH of the site with the ETag last read; on success the switcher, the site stripe and the sites list follow. */
function useSaveSite(siteId: string) {
  const queryClient = useQueryClient();
  const router = useRouter();
  return useMutation({
    mutationFn: ({ body }: { body: SiteUpdate; what: string }) =>
      patchSite(siteId, queryClient.getQueryData<{ etag: string | null }>(['site', siteId])?.etag ?? null, body),
    onSuccess: async (saved, { what }) => {
      queryClient.setQueryData(['site', siteId], saved);
      toast({ title: what, variant: 'success' });
      await queryClient.invalidateQueries({ queryKey: ['switchable-sites'], refetchType: 'all' });
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      await queryClient.invalidateQueries({ queryKey: ['sites'] });
      await router.invalidate();
    },
    onError: (error) => {
      if (isProblem(error, 412)) {
        toast({
          title: 'Not saved: the site changed meanwhile',
          description: 'Someone else saved it first. The form now shows their version.',
          variant: 'error',
        });
        void queryClient.invalidateQueries({ queryKey: ['site', siteId] });
      } else if (!isProblem(error, 422) && !isProblem(error, 400) && !isProblem(error, 409)) {
        toast({ title: 'Not saved', description: describeError(error), variant: 'error' });
      }
    },
  });
}

const GENERAL_POINTERS = ['/name', '/slug', '/description', '/logoUrl', '/countryCode'];

function GeneralSection({ site, disabled }: { site: Site; disabled: boolean }) {
  const save = useSaveSite(site.id);
  const initial = { name: site.name, slug: site.slug, description: site.description ?? '', logoUrl: site.logoUrl ?? '', countryCode: site.countryCode ?? '' };
  const [values, setValues] = useState(initial);
  const errors = useFieldErrors(save.error);
  const set = (key: keyof typeof initial) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const body: SiteUpdate = {};
  if (values.name.trim() !== site.name) body.name = values.name.trim();
  if (values.slug.trim() !== site.slug) body.slug = values.slug.trim();
  if (values.description.trim() !== (site.description ?? '')) body.description = values.description.trim() || null;
  if (values.logoUrl.trim() !== (site.logoUrl ?? '')) body.logoUrl = values.logoUrl.trim() || null;
  if (values.countryCode.trim().toUpperCase() !== (site.countryCode ?? '')) body.countryCode = values.countryCode.trim().toUpperCase() || null;
  const dirty = Object.keys(body).length > 0;
  return (
    <Section id="general-title" title="General">
      <Form onSubmit={() => save.mutate({ body, what: 'Site details saved' })} error={save.error} pointers={GENERAL_POINTERS} aria-label="Site details">
        <fieldset disabled={disabled} className="plain-fieldset">
          <TextField label="Name" pointer="/name" errors={errors} value={values.name} onChange={set('name')} required maxLength={200} />
          <TextField
            label="Slug"
            pointer="/slug"
            errors={errors}
            value={values.slug}
            onChange={set('slug')}
            spellCheck={false}
            hint={values.slug !== site.slug ? 'Changing the slug changes addresses that use it (e.g. the sign-in page’s ?site=).' : undefined}
          />
          <TextAreaField label="Description" pointer="/description" errors={errors} value={values.description} onChange={set('description')} rows={2} />
          <TextField label="Logo URL" pointer="/logoUrl" errors={errors} value={values.logoUrl} onChange={set('logoUrl')} type="url" placeholder="https://…" />
          <TextField
            label="Country code"
            pointer="/countryCode"
            errors={errors}
            value={values.countryCode}
            onChange={(v) => set('countryCode')(v.toUpperCase())}
            maxLength={2}
            hint="Two letters (ISO 3166-1), e.g. NL; empty for none."
          />
        </fieldset>
        <FormActions>
          <SubmitButton pending={save.isPending} disabled={disabled || !dirty}>
            Save details
          </SubmitButton>
          {dirty ? (
            <button type="button" className="button button-link" onClick={() => setValues(initial)}>
              Discard changes
            </button>
          ) : null}
        </FormActions>
      </Form>
    </Section>
  );
}

function SignUpSection({ site, disabled }: { site: Site; disabled: boolean }) {
  const save = useSaveSite(site.id);
  const current = signUpOf(site.settings);
  const [signUp, setSignUp] = useState<SignUp>(current);
  const raw = useFieldErrors(save.error);
  // The API reports these under /settings/signUp/…; the fields here are named by the last part.
  const errors = Object.fromEntries(Object.entries(raw).map(([pointer, detail]) => [pointer.replace(/^\/settings\/signUp/, ''), detail]));
  const dirty = JSON.stringify(signUp) !== JSON.stringify(current);
  return (
    <Section
      id="sign-up-title"
      title="Self sign-up"
      description={
        <>
          Whether people may create an account here themselves (<code>POST /v1/sites/{site.id}/sign-up</code>) or join with an existing one.
        </>
      }
    >
      <Form
        onSubmit={() => {
          // Other keys of settings belong to other modules: they are sent back as they are.
          save.mutate({ body: { settings: { ...site.settings, signUp } }, what: signUp.enabled ? 'Self sign-up is open' : 'Self sign-up is closed' });
        }}
        error={save.error}
        pointers={['/settings', '/settings/signUp', '/settings/signUp/enabled', '/settings/signUp/defaultRole', '/settings/signUp/requireEmailVerification']}
        aria-label="Self sign-up"
      >
        <fieldset disabled={disabled} className="plain-fieldset">
          <CheckboxField
            label="Anyone may sign up and join this site"
            pointer="/enabled"
            errors={errors}
            checked={signUp.enabled}
            onChange={(enabled) => setSignUp((s) => ({ ...s, enabled }))}
          />
          <SelectField
            label="Role of new members"
            pointer="/defaultRole"
            errors={errors}
            value={signUp.defaultRole}
            onChange={(role) => setSignUp((s) => ({ ...s, defaultRole: role as SignUp['defaultRole'] }))}
            options={SIGN_UP_ROLES.map((role) => ({ value: role, label: ROLE_HELP[role] }))}
            disabled={!signUp.enabled}
            hint="Only the least privileged roles can be handed out to strangers."
          />
          <CheckboxField
            label="Require a confirmed email address before signing in"
            pointer="/requireEmailVerification"
            errors={errors}
            checked={signUp.requireEmailVerification}
            onChange={(requireEmailVerification) => setSignUp((s) => ({ ...s, requireEmailVerification }))}
            disabled={!signUp.enabled}
          />
        </fieldset>
        <FormActions>
          <SubmitButton pending={save.isPending} disabled={disabled || !dirty}>
            Save sign-up settings
          </SubmitButton>
          <span className="muted" data-testid="sign-up-state">
            Currently {current.enabled ? `open, new members are ${current.defaultRole}` : 'closed'}.
          </span>
        </FormActions>
      </Form>
    </Section>
  );
}

/** Keys other modules keep in the site's settings: shown for reference, kept as they are on every save. */
function OtherSettings({ settings }: { settings: Record<string, unknown> }) {
  const { signUp: _signUp, ...others } = settings;
  if (Object.keys(others).length === 0) return null;
  return (
    <Section id="other-settings-title" title="Other settings" description="Kept by other modules; saved unchanged with the settings above.">
      <pre className="settings-json">{JSON.stringify(others, null, 2)}</pre>
    </Section>
  );
}
