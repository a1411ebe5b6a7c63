import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { toast } from '../../components/Toasts';
import { api, describeError, unwrap } from '../../lib/api';

/** Ends the current session (the server clears the cookie), forgets every cached answer, goes to sign-in. */
export function useSignOut() {
  const client = useQueryClient();
  const navigate = useNavigate();
  return async () => {
    try {
      await unwrap(api.POST('/v1/auth/sign-out', { body: {} }));
    } catch (error) {
      toast({ title: 'Sign-out failed', description: describeError(error), variant: 'error' });
      return;
    }
    client.setQueryData(['me'], null);
    await navigate({ to: '/sign-in' });
    client.clear();
  };
}
