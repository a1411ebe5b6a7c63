import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect } from 'react';
import { verifyEmailRoute } from '../../app/routes';
import { ErrorState, Loading } from '../../components/States';
import { api, unwrap } from '../../lib/api';
import { AuthFrame } from './AuthFrame';

/** `/verify-email?token=…`, the link of the verification mail. */
export default function VerifyEmail() {
  const { token } = verifyEmailRoute.useSearch();
  const verify = useMutation({ mutationFn: (code: string) => unwrap(api.POST('/v1/auth/verify-email', { body: { token: code } })) });
  const { mutate } = verify;
  useEffect(() => {
    if (token) mutate(token);
  }, [token, mutate]);
  return (
    <AuthFrame title="Confirm your email address" footer={<Link to="/">Go to the console</Link>}>
      {!token ? <p>The link has no code. Open the link from the mail again.</p> : null}
      {verify.isPending ? <Loading label="Confirming…" /> : null}
      {verify.isSuccess ? <p role="status">Your email address is confirmed.</p> : null}
      {verify.isError ? <ErrorState error={verify.error} title="The address could not be confirmed" /> : null}
    </AuthFrame>
  );
}
