import { VERIFICATION_POLICY } from './policy.js';

/**
 * Every mail the identity module sends, as plain text (no HTML: nothing in them needs markup, and text cannot
 * be turned into a phishing page by a hostile user agent string). `publicUrl` is PUBLIC_URL: without it the
 * mails carry codes instead of links.
 */
export interface MailContent {
  subject: string;
  text: string;
}

export type IdentityMailKind = 'password_reset' | 'email_verification' | 'new_device';

const SIGNATURE = '\n-- \nAdmiral\n';

const link = (publicUrl: string | undefined, path: string, token?: string) =>
  publicUrl ? new URL(token ? `/${path}?token=${encodeURIComponent(token)}` : `/${path}`, publicUrl).toString() : null;

const duration = (seconds: number) => (seconds % 3600 === 0 ? `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}` : `${Math.round(seconds / 60)} minutes`);

/** A single-use token mail: the link when there is a public URL, and always the code itself (for the API and the CLI). */
function tokenMail(what: string, url: string | null, token: string, seconds: number): string {
  const open = url ? `open this link:\n\n${url}\n\nor enter this code: ${token}` : `enter this code: ${token}`;
  return `To ${what}, ${open}\n\nIt works once and expires in ${duration(seconds)}.\n\nIf you did not ask for this, ignore this message.\n${SIGNATURE}`;
}

export function passwordResetMail(token: string, publicUrl: string | undefined): MailContent {
  return {
    subject: 'Reset your Admiral password',
    text: tokenMail('reset your password', link(publicUrl, 'reset-password', token), token, VERIFICATION_POLICY.passwordResetSeconds),
  };
}

export function emailVerificationMail(token: string, publicUrl: string | undefined): MailContent {
  return {
    subject: 'Confirm your email address',
    text: tokenMail('confirm your email address', link(publicUrl, 'verify-email', token), token, VERIFICATION_POLICY.emailVerificationSeconds),
  };
}

export interface SignInSeen {
  platform: string | null;
  userAgent: string | null;
  ip: string | null;
  at: Date;
}

/** One line of at most 200 printable characters: a user agent is whatever the client sent. */
const oneLine = (value: string) =>
  value
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()
    .slice(0, 200);

export function newDeviceMail(seen: SignInSeen, publicUrl: string | undefined): MailContent {
  const device = [seen.platform, seen.userAgent ? oneLine(seen.userAgent) : null].filter(Boolean).join(', ') || 'an unknown device';
  const reset = link(publicUrl, 'reset-password');
  const advice = reset ? `reset your password: ${reset}` : 'reset your password from the sign-in page';
  return {
    subject: 'New sign-in to your Admiral account',
    text:
      `A new sign-in to your Admiral account from ${device} at ${seen.at.toISOString()} from ${seen.ip ?? 'an unknown address'}.\n\n` +
      `If this was you, there is nothing to do. If this was not you, ${advice}\n` +
      `Resetting it ends every session, including the one that was just started.\n${SIGNATURE}`,
  };
}
