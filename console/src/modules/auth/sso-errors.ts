/** What `/sign-in?sso_error=<code>` means, in words (codes: docs/identity-and-access.md, single sign-on). */
const MESSAGES: Record<string, string> = {
  sso_not_configured: 'Single sign-on is not set up on this server yet (PUBLIC_URL is missing). Sign in with your password.',
  invalid_redirect: 'The sign-in link pointed outside this console, so it was stopped. Start again from this page.',
  provider_unavailable: 'That sign-in provider does not exist or has been turned off.',
  site_unavailable: 'That site is not open for sign-in right now.',
  invalid_state: 'The sign-in took too long, or was started in another browser or tab. Please start again.',
  access_denied: 'The provider did not let you in (perhaps the sign-in was cancelled).',
  provider_error: 'The provider reported an error. Please try again.',
  provider_unreachable: 'The sign-in provider could not be reached. Try again later, or sign in with your password.',
  invalid_response: 'The provider’s answer could not be verified, so you were not signed in.',
  email_missing: 'The provider did not share your email address, which is needed to sign you in.',
  email_not_verified: 'The provider has not verified your email address, so it cannot be matched to an account.',
  email_domain_not_allowed: 'Your email domain may not sign in through this provider.',
  no_account: 'There is no account for you here. Ask an administrator to invite you.',
  account_not_linkable: 'An account with your email exists but cannot be linked to this provider. Sign in with your password.',
  account_not_allowed: 'This account may not sign in through this provider.',
  invalid_credentials: 'This account cannot sign in (it may be suspended or banned).',
  provider_misconfigured: 'This sign-in provider is set up incorrectly. Please tell an administrator.',
  server_error: 'Something went wrong on our side. Please try again.',
};

export function ssoErrorMessage(code: string): string {
  return MESSAGES[code] ?? `Single sign-on failed (${code.slice(0, 60)}). Please try again or sign in with your password.`;
}
