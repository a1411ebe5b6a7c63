import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useLoadMe } from '../../app/session';
import { Form, FormActions, SubmitButton, TextField, useFieldErrors } from '../../components/Form';
import { Loading } from '../../components/States';
import { toast } from '../../components/Toasts';
import { api, unwrap } from '../../lib/api';
import { AuthFrame } from './AuthFrame';

const slugify = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);

const POINTERS = ['/setupCode', '/admin/email', '/admin/name', '/admin/password', '/site/name', '/site/slug'];

/** First run: no administrator exists yet. Creates the super admin and the first site, and signs in. */
export default function Setup() {
  const status = useQuery({ queryKey: ['setup'], queryFn: () => unwrap(api.GET('/v1/setup')) });
  const client = useQueryClient();
  const loadMe = useLoadMe();
  const navigate = useNavigate();
  const [admin, setAdmin] = useState({ email: '', name: '', password: '', confirm: '' });
  const [site, setSite] = useState({ name: '', slug: '' });
  const [setupCode, setSetupCode] = useState('');
  const codeRequired = status.data?.setupCodeRequired === true;
  const [slugTouched, setSlugTouched] = useState(false);
  const [mismatch, setMismatch] = useState(false);
  const run = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/setup', {
          body: {
            admin: { email: admin.email.trim(), password: admin.password, ...(admin.name.trim() ? { name: admin.name.trim() } : {}) },
            site,
            ...(codeRequired ? { setupCode } : {}),
            cookie: true,
          },
        }),
      ),
    onSuccess: async (done) => {
      client.setQueryData(['setup'], { needsSetup: false, setupCodeRequired: codeRequired });
      await loadMe();
      toast({ title: `Welcome to Admiral, ${done.user.name ?? done.user.email}`, description: `Site ${done.site.name} is ready.`, variant: 'success' });
      await navigate({ to: `/sites/${done.site.id}` });
    },
  });
  const errors = useFieldErrors(run.error);
  if (mismatch) errors['/admin/confirm'] = 'The two passwords differ';

  if (status.isLoading) return <Loading />;
  if (status.data && !status.data.needsSetup && !run.isSuccess) return <Navigate to="/sign-in" />;
  return (
    <AuthFrame title="Set up Admiral">
      <p className="muted">No administrator exists yet. Create yours and the first site; you can add more sites and people later.</p>
      <Form
        aria-label="First-run setup"
        error={run.error}
        pointers={POINTERS}
        onSubmit={() => {
          const differs = admin.password !== admin.confirm;
          setMismatch(differs);
          if (!differs) run.mutate();
        }}
      >
        {codeRequired && (
          <TextField
            label="Setup code"
            pointer="/setupCode"
            errors={errors}
            autoComplete="off"
            hint="Admiral prints it in its log when it starts without an administrator."
            value={setupCode}
            onChange={setSetupCode}
            required
            autoFocus
          />
        )}
        <fieldset>
          <legend>Your administrator account</legend>
          <TextField
            label="Email"
            pointer="/admin/email"
            errors={errors}
            type="email"
            autoComplete="email"
            value={admin.email}
            onChange={(email) => setAdmin({ ...admin, email })}
            required
            autoFocus={!codeRequired}
          />
          <TextField
            label="Name"
            pointer="/admin/name"
            errors={errors}
            autoComplete="name"
            value={admin.name}
            onChange={(name) => setAdmin({ ...admin, name })}
          />
          <TextField
            label="Password"
            pointer="/admin/password"
            errors={errors}
            type="password"
            autoComplete="new-password"
            hint="At least 12 characters; a long passphrase is best."
            value={admin.password}
            onChange={(password) => setAdmin({ ...admin, password })}
            required
          />
          <TextField
            label="Repeat the password"
            pointer="/admin/confirm"
            errors={errors}
            type="password"
            autoComplete="new-password"
            value={admin.confirm}
            onChange={(confirm) => setAdmin({ ...admin, confirm })}
            required
          />
        </fieldset>
        <fieldset>
          <legend>Your first site</legend>
          <TextField
            label="Site name"
            pointer="/site/name"
            errors={errors}
            value={site.name}
            onChange={(name) => setSite({ name, slug: slugTouched ? site.slug : slugify(name) })}
            required
          />
          <TextField
            label="Slug"
            pointer="/site/slug"
            errors={errors}
            hint="Lower-case letters, digits and hyphens; unique."
            value={site.slug}
            onChange={(slug) => {
              setSlugTouched(true);
              setSite({ ...site, slug });
            }}
            required
          />
        </fieldset>
        <FormActions>
          <SubmitButton pending={run.isPending}>Create administrator and site</SubmitButton>
        </FormActions>
      </Form>
    </AuthFrame>
  );
}
