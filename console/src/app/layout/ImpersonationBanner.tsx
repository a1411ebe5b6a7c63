import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { toast } from '../../components/Toasts';
import { api, describeError, unwrap } from '../../lib/api';
import { useMe, useReloadIdentity } from '../session';

/**
 * While an administrator acts as someone else: unmissable, on every screen, with the way out. Ending it
 * revokes the impersonation session and, when the console kept the administrator's own session, signs them
 * back in as themselves on the impersonated user's page; otherwise it goes to sign-in.
 */
export function ImpersonationBanner() {
  const me = useMe();
  const client = useQueryClient();
  const navigate = useNavigate();
  const reloadIdentity = useReloadIdentity();
  const [ending, setEnding] = useState(false);
  if (!me.impersonatedBy) return null;
  const impersonated = me.user;
  const end = async () => {
    setEnding(true);
    try {
      const { restored } = await unwrap(api.POST('/v1/auth/impersonation/end', { body: {} }));
      if (restored) {
        await reloadIdentity();
        await navigate({ to: `/platform/users/${impersonated.id}` });
        toast({ title: 'Impersonation ended', description: `You are yourself again; ${impersonated.email}’s session is closed.`, variant: 'success' });
      } else {
        client.setQueryData(['me'], null);
        await navigate({ to: '/sign-in' });
        client.clear();
      }
    } catch (error) {
      toast({ title: 'Impersonation could not be ended', description: describeError(error), variant: 'error' });
    } finally {
      setEnding(false);
    }
  };
  return (
    <div className="impersonation-banner" role="alert" data-testid="impersonation-banner">
      <strong>Impersonating {impersonated.email}.</strong> Everything you do is recorded as theirs and yours (impersonator {me.impersonatedBy}).
      <button type="button" className="button button-small" onClick={() => void end()} disabled={ending} aria-busy={ending || undefined}>
        End impersonation
      </button>
    </div>
  );
}
