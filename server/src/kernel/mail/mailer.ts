import { uuidv7 } from 'uuidv7';
import type { Database, Tx } from '../db/transaction.js';
import { conflict, notFound } from '../http/problem.js';
import type { JobQueue } from '../jobs/queue.js';
import { redactTokens } from './redact.js';
import { SmtpFailure, SmtpSender } from './smtp.js';

/** The kernel job that sends queued mail (also run every minute as a sweep). */
export const MAIL_DELIVERY_JOB = 'kernel.deliver-mail';

/** Attempts per message, and the wait after the n-th failed one: 1 min, 4 min, 16 min, 1 h (about 81 minutes in all). */
export const MAIL_POLICY = {
  maxAttempts: 5,
  /** Messages one delivery run sends at most (the next run, or the sweep, takes the rest). */
  batch: 20,
  retryDelaySeconds: (failedAttempts: number) => Math.min(60 * 4 ** (failedAttempts - 1), 3600),
};

export type MailStatus = 'queued' | 'sent' | 'failed' | 'stored';

export interface MailMessage {
  to: string;
  subject: string;
  /** Plain text body. */
  text: string;
  /** What the mail is for (`password_reset`, `new_device`, …): filterable in the outbox. */
  kind: string;
  metadata?: Record<string, unknown>;
}

/** Kept in `metadata.delivery` of each outbox row. */
export interface DeliveryState {
  attempts: number;
  lastAttemptAt?: string;
  nextAttemptAt?: string;
  messageId?: string;
}

export interface DeliveryTally {
  sent: number;
  retrying: number;
  failed: number;
}

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

interface ClaimedRow {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  delivery: DeliveryState | null;
}

const HEADER_UNSAFE = /[\r\n]/;

/**
 * Outgoing mail. `enqueue` writes the message into `mail_outbox` inside the caller's transaction, so a mail
 * exists only if the change that caused it committed. With SMTP configured the row is `queued` and a delivery
 * job is written in the same transaction (it becomes visible, and runs, when the transaction commits); the job
 * sends due rows, claiming each with FOR UPDATE SKIP LOCKED, and retries failures with backoff until
 * `MAIL_POLICY.maxAttempts`, then marks them `failed`. Without SMTP the row is `stored`: the console shows it.
 */
export class Mailer {
  private readonly sender: SmtpSender | undefined;
  private queue: JobQueue | undefined;
  private log: Logger = { info: () => {}, warn: () => {} };
  readonly from: string;

  constructor(options: { smtpUrl: string | undefined; from: string }) {
    this.sender = options.smtpUrl ? new SmtpSender(options.smtpUrl) : undefined;
    this.from = options.from;
  }

  /** The queue that delivery jobs go to (set once it exists: the queue's definitions include this mailer's job). */
  useQueue(queue: JobQueue): void {
    this.queue = queue;
  }

  useLogger(log: Logger): void {
    this.log = log;
  }

  /** True when mail goes out through SMTP; false when it is only stored for the console. */
  get delivers(): boolean {
    return this.sender !== undefined;
  }

  /** Where mail goes, safe to show: `smtp://host:port`, or `outbox` when there is no SMTP. */
  get destination(): string {
    return this.sender?.endpoint ?? 'outbox';
  }

  async enqueue(tx: Tx, message: MailMessage): Promise<{ id: string; status: MailStatus }> {
    if (HEADER_UNSAFE.test(message.to) || HEADER_UNSAFE.test(message.subject)) throw new Error('mail headers must not contain line breaks');
    const id = uuidv7();
    const status: MailStatus = this.sender ? 'queued' : 'stored';
    const metadata = { ...message.metadata, ...(this.sender ? { delivery: { attempts: 0 } satisfies DeliveryState } : {}) };
    await tx.$client.query('INSERT INTO mail_outbox (id, to_address, subject, text_body, kind, status, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      id,
      message.to,
      message.subject,
      message.text,
      message.kind,
      status,
      JSON.stringify(metadata),
    ]);
    if (status === 'queued') await this.wake(tx, id);
    return { id, status };
  }

  /** Puts a `failed` mail back in the queue with a fresh set of attempts (the caller audits it). */
  async requeue(tx: Tx, id: string): Promise<{ before: { status: MailStatus; error: string | null } }> {
    const { rows } = await tx.$client.query<{ status: MailStatus; error: string | null }>('SELECT status, error FROM mail_outbox WHERE id = $1 FOR UPDATE', [
      id,
    ]);
    const row = rows[0];
    if (!row) throw notFound('Mail', `Mail ${id} was not found.`);
    if (row.status !== 'failed') throw conflict('mail_not_failed', `Only failed mail can be retried; this one is ${row.status}.`);
    if (!this.sender) throw conflict('smtp_not_configured', 'Mail cannot be sent: no SMTP server is configured (ADMIRAL_SMTP_URL).');
    await tx.$client.query(`UPDATE mail_outbox SET status = 'queued', error = NULL, metadata = jsonb_set(metadata, '{delivery}', $2::jsonb) WHERE id = $1`, [
      id,
      JSON.stringify({ attempts: 0 } satisfies DeliveryState),
    ]);
    await this.wake(tx, id);
    return { before: row };
  }

  /** Sends every queued message that is due (up to `limit`), one transaction each. Without SMTP it does nothing. */
  async deliverDue(db: Database, limit = MAIL_POLICY.batch): Promise<DeliveryTally> {
    const tally: DeliveryTally = { sent: 0, retrying: 0, failed: 0 };
    if (!this.sender) return tally;
    for (let n = 0; n < limit; n++) {
      const outcome = await db.asPlatform({}, (tx) => this.deliverOne(tx, this.sender as SmtpSender));
      if (!outcome) break;
      tally[outcome]++;
    }
    return tally;
  }

  /**
   * Claims the oldest due message (skipping rows another worker holds), sends it and records the outcome, in
   * one transaction. A crash between the server's acceptance and COMMIT sends the message again later
   * (at-least-once). A sent message's body keeps no tokens: its links are redacted once delivered.
   */
  private async deliverOne(tx: Tx, sender: SmtpSender): Promise<keyof DeliveryTally | null> {
    const { rows } = await tx.$client.query<ClaimedRow>(
      `SELECT id, to_address, subject, text_body, metadata -> 'delivery' AS delivery FROM mail_outbox
       WHERE status = 'queued' AND coalesce((metadata #>> '{delivery,nextAttemptAt}')::timestamptz, created_at) <= now()
       ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
    );
    const row = rows[0];
    if (!row) return null;
    const attempts = (row.delivery?.attempts ?? 0) + 1;
    const lastAttemptAt = new Date().toISOString();
    try {
      const { messageId } = await sender.send({ from: this.from, to: row.to_address, subject: row.subject, text: row.text_body });
      await this.record(tx, row.id, 'sent', null, { attempts, lastAttemptAt, messageId }, redactTokens(row.text_body));
      this.log.info({ mailId: row.id, attempts }, 'mail sent');
      return 'sent';
    } catch (error) {
      const reason = error instanceof SmtpFailure ? error : new SmtpFailure(error instanceof Error ? error.message : String(error), false);
      const final = reason.permanent || attempts >= MAIL_POLICY.maxAttempts;
      this.log.warn({ mailId: row.id, attempts, error: reason.message, final }, final ? 'mail failed' : 'mail attempt failed; will retry');
      if (final) {
        await this.record(tx, row.id, 'failed', reason.message, { attempts, lastAttemptAt });
        return 'failed';
      }
      const delay = MAIL_POLICY.retryDelaySeconds(attempts);
      const nextAttemptAt = new Date(Date.now() + delay * 1000).toISOString();
      await this.record(tx, row.id, 'queued', reason.message, { attempts, lastAttemptAt, nextAttemptAt });
      await this.wake(tx, row.id, delay);
      return 'retrying';
    }
  }

  private async record(tx: Tx, id: string, status: MailStatus, error: string | null, delivery: DeliveryState, body?: string): Promise<void> {
    await tx.$client.query(
      `UPDATE mail_outbox SET status = $2, error = $3, metadata = jsonb_set(metadata, '{delivery}', $4::jsonb),
         sent_at = CASE WHEN $2::text = 'sent' THEN now() ELSE sent_at END, text_body = coalesce($5, text_body)
       WHERE id = $1`,
      [id, status, error, JSON.stringify(delivery), body ?? null],
    );
  }

  /**
   * Asks for a delivery run, written in the caller's transaction: it exists (and runs) only once that commits.
   * The run sends whatever is due; `mailId` only says which mail asked for it. Without a started queue (a CLI
   * command) the every-minute sweep delivers instead.
   */
  private async wake(tx: Tx, mailId: string, afterSeconds?: number): Promise<void> {
    if (!this.queue?.started) return;
    await this.queue.send(MAIL_DELIVERY_JOB, { mailId }, { tx, ...(afterSeconds ? { startAfterSeconds: afterSeconds } : {}) });
  }
}
