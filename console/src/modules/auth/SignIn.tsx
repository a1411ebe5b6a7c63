import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, Navigate, useNavigate, useRouterState } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { signInRoute } from '../../app/routes';
import { useLoadMe } from '../../app/session';
import { Form, FormActions, SubmitButton, TextField, useFieldErrors } from '../../components/Form';
import { Loading } from '../../components/States';
import { api, isProblem, unwrap } from '../../lib/api';
import { AuthFrame } from './AuthFrame';
import { ssoErrorMessage } from './sso-errors';
import './sign-in.css';

type Challenge = { challenge: string; expiresAt: string };

/**
 * A single sign-on that needs the second factor comes back as `/sign-in#two_factor_challenge=…&expires_at=…&redirect=…`
 * (a fragment: it never reaches a server or a Referer). Read once, when the page opens.
 */
function challengeFromFragment(): { challenge: Challenge; redirect: string | undefined } | null {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const challenge = params.get('two_factor_challenge');
  const expiresAt = params.get('expires_at');
  if (!challenge || !expiresAt) return null;
  return { challenge: { challenge, expiresAt }, redirect: params.get('redirect') ?? undefined };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whose providers to offer besides the platform's: `?site=<slug|id>`, else the site of the page being returned to. */
function siteOf(search: Record<string, unknown>, redirect: string | undefined): string | undefined {
  if (typeof search.site === 'string' && search.site) return search.site;
  const id = /^\/sites\/([^/?#]+)/.exec(redirect ?? '')?.[1];
  return id && UUID.test(id) ? id : undefined;
}

/** Only same-origin paths are followed after sign-in (never an absolute URL from the query string). */
const safeRedirect = (target: string | undefined) => (target?.startsWith('/') && !target.startsWith('//') ? target : '/');

export default function SignIn() {
  const { redirect: redirectParam } = signInRoute.useSearch();
  const search = useRouterState({ select: (s) => s.location.search as Record<string, unknown> });
  const setup = useQuery({ queryKey: ['setup'], queryFn: () => unwrap(api.GET('/v1/setup')) });
  const loadMe = useLoadMe();
  const navigate = useNavigate();
  const [fromSso] = useState(challengeFromFragment);
  const [challenge, setChallenge] = useState<Challenge | null>(fromSso?.challenge ?? null);
  const redirect = fromSso?.redirect ?? redirectParam;
  const ssoError = typeof search.sso_error === 'string' ? search.sso_error : undefined;

  // The challenge is in memory now: take it out of the address bar (and of the history entry).
  useEffect(() => {
    if (fromSso) window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`);
  }, [fromSso]);

  const finish = async () => {
    await loadMe();
    await navigate({ to: safeRedirect(redirect) });
  };

  if (setup.isLoading) return <Loading />;
  if (setup.data?.needsSetup) return <Navigate to="/setup" />;
  return (
    <AuthFrame title={challenge ? 'Two-factor check' : 'Sign in'} footer={<Link to="/reset-password">Forgot your password?</Link>}>
      {challenge ? (
        <SecondStep challenge={challenge} onDone={finish} onRestart={() => setChallenge(null)} />
      ) : (
        <>
          {ssoError ? (
            <div className="form-error sso-error" role="alert" data-code={ssoError}>
              {ssoErrorMessage(ssoError)}
            </div>
          ) : null}
          <FirstStep onChallenge={setChallenge} onDone={finish} />
          <SsoButtons site={siteOf(search, redirect)} redirect={safeRedirect(redirect)} />
        </>
      )}
    </AuthFrame>
  );
}

/** "Continue with <provider>": the enabled single sign-on providers (the platform's, and the site's when known). */
function SsoButtons({ site, redirect }: { site: string | undefined; redirect: string }) {
  const options = useQuery({
    queryKey: ['sign-in-providers', site],
    queryFn: async () => {
      try {
        return await unwrap(api.GET('/v1/auth/sso', { params: { query: site ? { site } : {} } }));
      } catch (error) {
        // An unknown or inactive site: still offer the platform's providers.
        if (site && isProblem(error, 404)) return unwrap(api.GET('/v1/auth/sso'));
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
  const providers = options.data?.data ?? [];
  if (providers.length === 0) return null;
  const query = redirect === '/' ? '' : `?redirect=${encodeURIComponent(redirect)}`;
  return (
    <div className="sso-options" data-testid="sso-options">
      <div className="sso-divider" aria-hidden="true">
        <span>or</span>
      </div>
      <ul className="sso-list" aria-label="Single sign-on">
        {providers.map((provider) => (
          <li key={provider.id}>
            {/* A full page load: the server redirects to the provider. */}
            <a className="button sso-button" href={`${provider.startUrl}${query}`}>
              Continue with {provider.name}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

function FirstStep({ onChallenge, onDone }: { onChallenge: (c: Challenge) => void; onDone: () => Promise<void> }) {
  const [identifier, setIdentifier] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () => {
      const who = identifier.includes('@') ? { email: identifier.trim() } : { username: identifier.trim() };
      return unwrap(api.POST('/v1/auth/sign-in', { body: { ...who, password, cookie: true } }));
    },
    onSuccess: async (answer) => {
      if ('twoFactorRequired' in answer) onChallenge(answer);
      else await onDone();
    },
  });
  const errors = useFieldErrors(signIn.error);
  if (errors['/username'] && !errors['/email']) errors['/email'] = errors['/username'];
  return (
    <Form onSubmit={() => signIn.mutate()} error={signIn.error} pointers={['/email', '/password']} aria-label="Sign in">
      <TextField
        label="Email or username"
        pointer="/email"
        errors={errors}
        value={identifier}
        onChange={setIdentifier}
        autoComplete="username"
        autoFocus
        required
      />
      <TextField
        label="Password"
        pointer="/password"
        errors={errors}
        value={password}
        onChange={setPassword}
        type="password"
        autoComplete="current-password"
        required
      />
      <FormActions>
        <SubmitButton pending={signIn.isPending}>Sign in</SubmitButton>
      </FormActions>
    </Form>
  );
}

function SecondStep({ challenge, onDone, onRestart }: { challenge: Challenge; onDone: () => Promise<void>; onRestart: () => void }) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const verify = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/auth/two-factor', {
          body: useRecovery
            ? { challenge: challenge.challenge, recoveryCode: code.trim(), cookie: true }
            : { challenge: challenge.challenge, code: code.replace(/\s/g, ''), cookie: true },
        }),
      ),
    onSuccess: onDone,
  });
  const errors = useFieldErrors(verify.error);
  const pointer = useRecovery ? '/recoveryCode' : '/code';
  return (
    <Form onSubmit={() => verify.mutate()} error={verify.error} pointers={[pointer]} aria-label="Two-factor code">
      <p className="muted">{useRecovery ? 'Enter one of your recovery codes. Each works once.' : 'Enter the 6-digit code from your authenticator app.'}</p>
      {useRecovery ? (
        <TextField label="Recovery code" pointer={pointer} errors={errors} value={code} onChange={setCode} autoComplete="off" autoFocus required />
      ) : (
        <TextField
          label="Authentication code"
          pointer={pointer}
          errors={errors}
          value={code}
          onChange={setCode}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={6}
          autoFocus
          required
        />
      )}
      <FormActions>
        <SubmitButton pending={verify.isPending}>Verify</SubmitButton>
        <button
          type="button"
          className="button button-link"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setCode('');
            verify.reset();
          }}
        >
          {useRecovery ? 'Use an authenticator code' : 'Use a recovery code'}
        </button>
        <button type="button" className="button button-link" onClick={onRestart}>
          Start over
        </button>
      </FormActions>
    </Form>
  );
}
