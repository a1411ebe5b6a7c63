import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { AuditActor, AuditWriter } from '../../kernel/audit/writer.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, idCursor, pageFrom } from '../../kernel/http/pagination.js';
import { notFound } from '../../kernel/http/problem.js';
import type { DeliveryState, Mailer } from '../../kernel/mail/mailer.js';
import { redactTokens } from '../../kernel/mail/redact.js';
import type { MAIL_STATUSES } from './mail-outbox-schemas.js';
import { mailOutbox } from './schema.js';

type MailRow = typeof mailOutbox.$inferSelect;

export interface Reader {
  superAdmin: boolean;
}

function mailView(row: MailRow) {
  const delivery = (row.metadata.delivery ?? {}) as Partial<DeliveryState>;
  return {
    id: row.id,
    to: row.toAddress,
    subject: row.subject,
    kind: row.kind,
    status: row.status,
    userId: typeof row.metadata.userId === 'string' ? row.metadata.userId : null,
    error: row.error,
    attempts: delivery.attempts ?? 0,
    lastAttemptAt: delivery.lastAttemptAt ?? null,
    nextAttemptAt: row.status === 'queued' ? (delivery.nextAttemptAt ?? null) : null,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
  };
}

/**
 * Bodies carry live sign-in tokens (password reset, email verification). Only a super admin sees them, and
 * only on `stored` mail: without SMTP the outbox is the way the mail reaches anyone (the development setup).
 * Mail that SMTP carries reached its recipient, so nobody reads its tokens here (sent mail keeps none).
 */
function mayReadTokens(reader: Reader, row: MailRow): boolean {
  return reader.superAdmin && row.status === 'stored';
}

/** The mail outbox as the console sees it: list, one mail with its body, and sending a failed one again. */
export class MailOutboxService {
  constructor(
    private readonly audit: AuditWriter,
    private readonly mailer: Mailer,
  ) {}

  async list(tx: Tx, query: { limit?: number; cursor?: string; status?: (typeof MAIL_STATUSES)[number]; kind?: string; to?: string }) {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const conditions: SQL[] = [];
    if (query.status) conditions.push(eq(mailOutbox.status, query.status));
    if (query.kind) conditions.push(eq(mailOutbox.kind, query.kind));
    if (query.to) conditions.push(eq(mailOutbox.toAddress, query.to.trim().toLowerCase()));
    if (query.cursor) conditions.push(lt(mailOutbox.id, decodeCursor(query.cursor, '-id').id));
    const rows = await tx
      .select()
      .from(mailOutbox)
      .where(and(...conditions))
      .orderBy(desc(mailOutbox.id))
      .limit(limit + 1);
    const page = pageFrom(rows, limit, idCursor);
    return { data: page.data.map(mailView), nextCursor: page.nextCursor };
  }

  /** One mail with its body; showing a super admin the tokens of a stored mail is audited (it hands out a credential). */
  async get(tx: Tx, actor: AuditActor, reader: Reader, id: string) {
    const row = await this.find(tx, id);
    const redacted = redactTokens(row.textBody);
    const shown = mayReadTokens(reader, row) ? row.textBody : redacted;
    if (shown !== redacted) {
      await this.audit.write(tx, actor, {
        siteId: null,
        action: 'mail.tokens_revealed',
        category: 'identity',
        targetType: 'mail',
        targetId: row.id,
        metadata: { kind: row.kind, to: row.toAddress },
      });
    }
    return { ...mailView(row), text: shown, redacted: shown !== row.textBody };
  }

  /** Queues a failed mail again with a fresh set of attempts (409 unless it failed, or without SMTP). */
  async retry(tx: Tx, actor: AuditActor, reader: Reader, id: string) {
    const { before } = await this.mailer.requeue(tx, id);
    await this.audit.write(tx, actor, {
      siteId: null,
      action: 'mail.retried',
      category: 'identity',
      targetType: 'mail',
      targetId: id,
      before,
      after: { status: 'queued', error: null },
    });
    return this.get(tx, actor, reader, id);
  }

  private async find(tx: Tx, id: string): Promise<MailRow> {
    const [row] = await tx.select().from(mailOutbox).where(eq(mailOutbox.id, id));
    if (!row) throw notFound('Mail', `Mail ${id} was not found.`);
    return row;
  }
}
