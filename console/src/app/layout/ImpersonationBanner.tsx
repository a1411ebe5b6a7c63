import { useMe } from '../session';
import { useSignOut } from './sign-out';

/** While an administrator acts as someone else: unmissable, on every screen, with the way out. */
export function ImpersonationBanner() {
  const me = useMe();
  const signOut = useSignOut();
  if (!me.impersonatedBy) return null;
  return (
    <div className="impersonation-banner" role="alert" data-testid="impersonation-banner">
      <strong>Impersonating {me.user.email}.</strong> Everything you do is recorded as theirs and yours (impersonator {me.impersonatedBy}).
      <button type="button" className="button button-small" onClick={() => void signOut()}>
        End impersonation
      </button>
    </div>
  );
}
