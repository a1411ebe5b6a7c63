import type { ReactNode } from 'react';
import { CopyButton } from '../../components/CopyButton';

const URL_OR_TOKEN = /(https?:\/\/[^\s<>"']+|\badmv_[A-Za-z0-9_-]{16,})/g;
const TOKEN = /\badmv_[A-Za-z0-9_-]{16,}/;

/** The single-use code of a reset or verification mail, when the caller may see it (else null: redacted). */
export const tokenOf = (text: string): string | null => TOKEN.exec(text)?.[0] ?? null;

/** Where the console completes what a mail asks for, by kind (independent of PUBLIC_URL: it works in development). */
export function consolePathFor(kind: string, token: string): { path: string; label: string } | null {
  if (kind === 'password_reset') return { path: `/reset-password?token=${encodeURIComponent(token)}`, label: 'Open the reset page' };
  if (kind === 'email_verification') return { path: `/verify-email?token=${encodeURIComponent(token)}`, label: 'Confirm the address' };
  return null;
}

/** The plain-text body with its links clickable and its codes marked (and copyable). */
export function MailBody({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_OR_TOKEN)) {
    const value = match[0];
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    parts.push(
      value.startsWith('adm') ? (
        <mark key={index} className="mail-token">
          {value}
        </mark>
      ) : (
        <a key={index} href={value} rel="noreferrer">
          {value}
        </a>
      ),
    );
    last = index + value.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return (
    <pre className="mail-body" data-testid="mail-body">
      {parts}
    </pre>
  );
}

/** The shortcut a developer wants from a reset or verification mail: open it here, or copy its code. */
export function TokenActions({ kind, text }: { kind: string; text: string }) {
  const token = tokenOf(text);
  if (!token) return null;
  const target = consolePathFor(kind, token);
  return (
    <div className="mail-token-actions">
      {target ? (
        // A new tab: the outbox stays open for the next mail.
        <a href={target.path} target="_blank" rel="noopener" className="button button-primary">
          {target.label} <span aria-hidden="true">↗</span>
        </a>
      ) : null}
      <CopyButton value={token} label="Copy code" />
    </div>
  );
}
