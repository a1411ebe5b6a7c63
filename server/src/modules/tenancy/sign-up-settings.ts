import { type Static, Type } from '@sinclair/typebox';

/**
 * Roles self sign-up may hand out: the least privileged system roles. A custom role is not allowed because
 * whoever edits a site's settings is not checked against the role's permissions (nobody may hand out more
 * than they hold), and an administrative role would give strangers the keys.
 */
export const SIGN_UP_ROLES = ['guest', 'registered', 'author'] as const;
export type SignUpRole = (typeof SIGN_UP_ROLES)[number];

/** `settings.signUp` of a site: whether strangers may create an account and join it, and on what terms. */
export const SignUpSettingsSchema = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Whether POST /v1/sites/{siteId}/sign-up (and /join) are open' }),
    defaultRole: Type.Optional(
      Type.Unsafe<SignUpRole>({ type: 'string', enum: [...SIGN_UP_ROLES], default: 'registered', description: 'The role new members get' }),
    ),
    requireEmailVerification: Type.Optional(
      Type.Boolean({ default: true, description: 'New accounts cannot sign in, and existing ones cannot join, until the address is confirmed' }),
    ),
  },
  { additionalProperties: false },
);

export interface SignUpSettings {
  enabled: boolean;
  defaultRole: SignUpRole;
  requireEmailVerification: boolean;
}

const CLOSED: SignUpSettings = { enabled: false, defaultRole: 'registered', requireEmailVerification: true };

/**
 * The sign-up terms of a site, defaults filled in. Settings written before this shape existed (or by hand)
 * that do not fit it read as closed: a malformed setting never opens a site.
 */
export function signUpSettings(settings: Record<string, unknown> | null | undefined): SignUpSettings {
  const raw = settings?.signUp as Partial<Static<typeof SignUpSettingsSchema>> | undefined;
  if (!raw || typeof raw !== 'object' || raw.enabled !== true) return CLOSED;
  const role = raw.defaultRole ?? CLOSED.defaultRole;
  if (!SIGN_UP_ROLES.includes(role)) return CLOSED;
  return { enabled: true, defaultRole: role, requireEmailVerification: raw.requireEmailVerification !== false };
}
