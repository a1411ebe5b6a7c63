export const SIGN_UP_ROLES = ['guest', 'registered', 'author'] as const;
export type SignUpRole = (typeof SIGN_UP_ROLES)[number];

export interface SignUp {
  enabled: boolean;
  defaultRole: SignUpRole;
  requireEmailVerification: boolean;
}

/** A site's sign-up terms as the server reads them: anything malformed or missing reads as closed. */
export function signUpOf(settings: Record<string, unknown> | undefined): SignUp {
  const raw = settings?.signUp as Partial<SignUp> | undefined;
  const closed: SignUp = { enabled: false, defaultRole: 'registered', requireEmailVerification: true };
  if (!raw || typeof raw !== 'object') return closed;
  const role = raw.defaultRole ?? 'registered';
  if (!SIGN_UP_ROLES.includes(role)) return closed;
  return { enabled: raw.enabled === true, defaultRole: role, requireEmailVerification: raw.requireEmailVerification !== false };
}

export function StatusPill({ status }: { status: string }) {
  const variant = status === 'active' ? 'pill-success' : status === 'suspended' ? 'pill-warning' : 'pill-danger';
  return <span className={`pill ${variant} status-pill`}>{status}</span>;
}
