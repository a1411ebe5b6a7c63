import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { resetPasswordRoute } from '../../app/routes';
import { Form, FormActions, SubmitButton, TextField, useFieldErrors } from '../../components/Form';
import { api, unwrap } from '../../lib/api';
import { AuthFrame } from './AuthFrame';

/**
 * `/reset-password`: ask for the mail; `/reset-password?token=…` (the mail's link): choose a new password.
 * The code can also be typed in, for mail read on another device.
 */
export default function ResetPassword() {
  const { token } = resetPasswordRoute.useSearch();
  const [haveCode, setHaveCode] = useState(Boolean(token));
  return (
    <AuthFrame title={haveCode ? 'Choose a new password' : 'Reset your password'} footer={<Link to="/sign-in">Back to sign-in</Link>}>
      {haveCode ? <Complete initialToken={token ?? ''} /> : <Request onHaveCode={() => setHaveCode(true)} />}
    </AuthFrame>
  );
}

function Request({ onHaveCode }: { onHaveCode: () => void }) {
  const [email, setEmail] = useState('');
  const request = useMutation({ mutationFn: () => unwrap(api.POST('/v1/auth/password-reset', { body: { email: email.trim() } })) });
  const errors = useFieldErrors(request.error);
  if (request.isSuccess) {
    return (
      <div className="stack">
        <p role="status">If {email} belongs to an account, a message with a reset link and code is on its way. It works once, for 30 minutes.</p>
        <button type="button" className="button" onClick={onHaveCode}>
          I have a code
        </button>
      </div>
    );
  }
  return (
    <Form onSubmit={() => request.mutate()} error={request.error} pointers={['/email']} aria-label="Request a password reset">
      <TextField label="Email" pointer="/email" errors={errors} type="email" autoComplete="email" value={email} onChange={setEmail} required autoFocus />
      <FormActions>
        <SubmitButton pending={request.isPending}>Send reset link</SubmitButton>
        <button type="button" className="button button-link" onClick={onHaveCode}>
          I have a code
        </button>
      </FormActions>
    </Form>
  );
}

function Complete({ initialToken }: { initialToken: string }) {
  const [token, setToken] = useState(initialToken);
  const [password, setPassword] = useState('');
  const complete = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/auth/password-reset/confirm', { body: { token: token.trim(), newPassword: password } })),
  });
  const errors = useFieldErrors(complete.error);
  if (complete.isSuccess) {
    return (
      <div className="stack">
        <p role="status">Your password is changed and every session was signed out.</p>
        <Link to="/sign-in" className="button button-primary">
          Sign in
        </Link>
      </div>
    );
  }
  return (
    <Form onSubmit={() => complete.mutate()} error={complete.error} pointers={['/token', '/newPassword']} aria-label="Choose a new password">
      {initialToken ? null : (
        <TextField label="Code from the mail" pointer="/token" errors={errors} value={token} onChange={setToken} autoComplete="off" required />
      )}
      <TextField
        label="New password"
        pointer="/newPassword"
        errors={errors}
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters; a long passphrase is best."
        value={password}
        onChange={setPassword}
        required
        autoFocus
      />
      <FormActions>
        <SubmitButton pending={complete.isPending}>Set password</SubmitButton>
      </FormActions>
    </Form>
  );
}
