/** Where a provider's flow lives: platform providers under /v1/auth/sso, a site's under its /v1/sites/{siteId}. */
export interface ProviderAddress {
  siteId: string | null;
  slug: string;
}

const base = (provider: ProviderAddress) => `/v1${provider.siteId ? `/sites/${provider.siteId}` : ''}/auth/sso/${provider.slug}`;

/** Relative URL the console sends the browser to. */
export const startPath = (provider: ProviderAddress) => `${base(provider)}/start`;

/**
 * The redirect URI registered at the provider: built from PUBLIC_URL (never from the request's Host), one per
 * provider so that a response from one provider can never be taken for another's (mix-up attacks).
 */
export function callbackUrl(publicUrl: string | undefined, provider: ProviderAddress): string | null {
  return publicUrl ? new URL(`${base(provider)}/callback`, publicUrl).toString() : null;
}

/** The console's sign-in page: where failed single sign-ons land with `?sso_error=<code>`. */
export const CONSOLE_SIGN_IN_PATH = '/sign-in';

export const signInErrorPath = (code: string) => `${CONSOLE_SIGN_IN_PATH}?sso_error=${encodeURIComponent(code)}`;

/**
 * A user with two-factor on comes back to the sign-in page with the challenge in the fragment (never sent to
 * a server or in a Referer); the console finishes with POST /v1/auth/two-factor `{ challenge, code, cookie: true }`.
 */
export function twoFactorPath(challenge: string, expiresAt: string, redirectTo: string): string {
  const fragment = new URLSearchParams({ two_factor_challenge: challenge, expires_at: expiresAt, redirect: redirectTo });
  return `${CONSOLE_SIGN_IN_PATH}#${fragment.toString()}`;
}

const ORIGIN = 'https://admiral.invalid';

/** Backslashes (browsers read them as slashes) and control characters (header splitting, stripped tabs). */
const unsafeCharacter = (text: string) => [...text].some((c) => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/**
 * The path to return to after signing in, or null when it is not a plain same-origin path: absolute URLs,
 * scheme-relative `//host`, backslashes (read as slashes by browsers) and control characters are refused.
 */
export function safeRedirectPath(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return '/';
  if (raw.length > 2000 || !raw.startsWith('/') || raw.startsWith('//') || unsafeCharacter(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== ORIGIN) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
