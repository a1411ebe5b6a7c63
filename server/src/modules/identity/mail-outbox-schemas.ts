import { Type } from '@sinclair/typebox';
import { PageQuerySchema, pageOf } from '../../kernel/http/pagination.js';

export const MAIL_STATUSES = ['queued', 'sent', 'failed', 'stored'] as const;

const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);
const Status = Type.Unsafe<(typeof MAIL_STATUSES)[number]>({
  type: 'string',
  enum: [...MAIL_STATUSES],
  description: 'queued: waiting to be sent (again); sent: accepted by the SMTP server; failed: gave up; stored: no SMTP, kept for the console',
});

const mailFields = {
  id: Type.String({ format: 'uuid' }),
  to: Type.String(),
  subject: Type.String(),
  kind: Type.String({ description: 'What the mail is for: password_reset, email_verification, new_device, …' }),
  status: Status,
  userId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'The user the mail is about, when there is one' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why the last attempt failed' }),
  attempts: Type.Integer({ minimum: 0, description: 'Delivery attempts so far' }),
  lastAttemptAt: NullableDateTime,
  nextAttemptAt: Type.Union([DateTime, Type.Null()], { description: 'When a queued mail is tried again (null: as soon as possible)' }),
  createdAt: DateTime,
  sentAt: NullableDateTime,
};

export const MailSchema = Type.Object(mailFields, { $id: 'Mail', additionalProperties: false });

export const MailDetailSchema = Type.Object(
  {
    ...mailFields,
    text: Type.String({ description: 'The plain-text body; sign-in tokens in it are [redacted] unless `redacted` is false' }),
    redacted: Type.Boolean({ description: 'Whether tokens were taken out of `text` for this caller' }),
  },
  { $id: 'MailDetail', additionalProperties: false },
);

export const MailListQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    status: Type.Optional(Status),
    kind: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$' })),
    to: Type.Optional(Type.String({ minLength: 3, maxLength: 254, description: 'Recipient address (exact, case-insensitive)' })),
  },
  { additionalProperties: false },
);

export const MailPageSchema = pageOf(Type.Ref(MailSchema), 'Mail');
export const MailParamsSchema = Type.Object({ mailId: Type.String({ format: 'uuid' }) });
