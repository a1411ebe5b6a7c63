import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, Navigate, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { signInRoute } from '../../app/routes';
import { useLoadMe } from '../../app/session';
import { Form, FormActions, SubmitButton, TextField, useFieldErrors } from '../../components/Form';
import { Loading } from '../../components/States';
import { api, unwrap } from '../../lib/api';
import { AuthFrame } from './AuthFrame';

type Challenge = { challenge: string; expiresAt: string };

/** Only same-origin paths are followed after sign-in (never an absolute URL from the query string). */
const safeRedirect = (target: string | undefined) => (target?.startsWith('/') && !target.startsWith('//') ? target : '/');

export default function SignIn() {
  const { redirect } = signInRoute.useSearch();
  const setup = useQuery({ queryKey: ['setup'], queryFn: () => unwrap(api.GET('/v1/setup')) });
  const loadMe = useLoadMe();
  const navigate = useNavigate();
  const [challenge, setChallenge] = useState<Challenge | null>(null);

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
        <FirstStep onChallenge={setChallenge} onDone={finish} />
      )}
    </AuthFrame>
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
