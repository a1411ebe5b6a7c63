import { createTransport, type NodemailerError } from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** Why a send failed, safe to store and show: no credentials in it. `permanent`: the server refused this message for good (5xx). */
export class SmtpFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SmtpFailure';
  }
}

/** The server part of an SMTP URL, without credentials or options: what logs and errors may show. */
export function smtpEndpoint(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
}

/**
 * Sends through one SMTP server given as `smtp://` (STARTTLS when offered) or `smtps://` (TLS from the start),
 * with `user:password@` for AUTH and nodemailer's options as query parameters (`?requireTLS=true`,
 * `?tls.rejectUnauthorized=false`). A connection per message: Admiral's mail is sparse.
 */
export class SmtpSender {
  private readonly transport;
  private readonly secrets: string[];
  readonly endpoint: string;

  constructor(url: string) {
    this.endpoint = smtpEndpoint(url);
    const u = new URL(url);
    this.secrets = [u.password, decodeURIComponent(u.password)].filter((s) => s.length > 0);
    this.transport = createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  /** Hands the message to the server; resolves with its message id, or throws an SmtpFailure. */
  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    try {
      const info = await this.transport.sendMail({ ...mail, disableFileAccess: true, disableUrlAccess: true });
      return { messageId: info.messageId };
    } catch (error) {
      const e = error as NodemailerError;
      const what = [e.code, e.responseCode].filter((part) => part !== undefined).join(' ');
      const message = `${what ? `${what}: ` : ''}${e.message ?? String(error)} (${this.endpoint})`;
      throw new SmtpFailure(this.scrub(message).slice(0, 1000), e.permanent === true);
    }
  }

  /** Removes the password from text that came back from the transport (defence in depth: errors should not carry it). */
  private scrub(text: string): string {
    return this.secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  }
}
