import type { Readable } from 'node:stream';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { PageQuerySchema, pageOf } from '../../kernel/http/pagination.js';

const Uuid = Type.String({ format: 'uuid' });
const NullableUuid = Type.Union([Uuid, Type.Null()]);
const NullableText = Type.Union([Type.String(), Type.Null()]);
const Json = (description: string) => Type.Unknown({ description });

/** One audit row, every column (what the chain hashes, plus the hash). */
export const AuditLogSchema = Type.Object(
  {
    id: Uuid,
    siteId: Type.Union([Uuid, Type.Null()], { description: 'The chain the row belongs to; null: the platform chain' }),
    seq: Type.Integer({ minimum: 1, description: 'Position in its chain (1, 2, …), assigned by the database' }),
    actorUserId: NullableUuid,
    actorApiKeyId: NullableUuid,
    impersonatorUserId: Type.Union([Uuid, Type.Null()], { description: 'Set when the actor was being impersonated' }),
    action: Type.String({ description: 'What happened, e.g. domain.created' }),
    category: Type.String(),
    targetType: NullableText,
    targetId: NullableText,
    description: NullableText,
    before: Json('State before the change (secrets redacted); null when none'),
    after: Json('State after the change (secrets redacted); null when none'),
    ip: NullableText,
    userAgent: NullableText,
    sessionId: NullableUuid,
    requestId: NullableText,
    success: Type.Boolean(),
    error: NullableText,
    metadata: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Type.String({ format: 'date-time' }),
    prevHash: Type.String({ description: 'The previous row’s hash (64 zeros for the first row)' }),
    hash: Type.String({ description: 'SHA-256 of prevHash and the row’s canonical form' }),
  },
  { $id: 'AuditLog', additionalProperties: false },
);

const BREAK_REASONS = ['hash_mismatch', 'prev_hash_mismatch', 'sequence_gap', 'head_mismatch'] as const;

export const AuditChainReportSchema = Type.Object(
  {
    siteId: Type.Union([Uuid, Type.Null()], { description: 'The chain verified; null: the platform chain' }),
    ok: Type.Boolean({ description: 'Whether the whole chain is intact' }),
    rows: Type.Integer({ minimum: 0, description: 'Rows in the chain' }),
    firstBreak: Type.Union(
      [
        Type.Object(
          {
            seq: Type.Integer({ description: 'Where the chain breaks' }),
            id: Type.Union([Uuid, Type.Null()], { description: 'The offending row; null for a missing row or a cut-off end' }),
            reason: Type.Unsafe<(typeof BREAK_REASONS)[number]>({ type: 'string', enum: [...BREAK_REASONS] }),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: 'The first broken link; null when ok' },
    ),
  },
  { $id: 'AuditChainReport', additionalProperties: false },
);

/** The filters every audit query takes (list, export, activity). */
const actorFilters = {
  actorUserId: Type.Optional(Type.String({ format: 'uuid', description: 'Rows by this user' })),
  actorApiKeyId: Type.Optional(Type.String({ format: 'uuid', description: 'Rows by this API key' })),
};
const entryFilters = {
  action: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, pattern: '^[^*]+\\*?$', description: 'An exact action, or a prefix ending in `*` (`domain.*`)' }),
  ),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  targetType: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  success: Type.Optional(Type.Boolean({ description: 'Only successful (true) or failed (false) actions' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Created at or after (inclusive)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Created before (exclusive)' })),
} satisfies Record<string, TSchema>;

export const AuditListQuerySchema = Type.Object({ ...PageQuerySchema, ...actorFilters, ...entryFilters }, { additionalProperties: false });
export const ActivityQuerySchema = Type.Object({ ...PageQuerySchema, ...entryFilters }, { additionalProperties: false });

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const AuditExportQuerySchema = Type.Object(
  {
    format: Type.Unsafe<ExportFormat>({ type: 'string', enum: [...EXPORT_FORMATS], description: 'csv (RFC 4180, with a header) or ndjson' }),
    ...actorFilters,
    ...entryFilters,
  },
  { additionalProperties: false },
);

export type AuditFilters = Partial<Static<typeof AuditListQuerySchema>>;

export const AuditLogPageSchema = pageOf(Type.Ref(AuditLogSchema), 'AuditLog');

export const SiteParamsSchema = Type.Object({ siteId: Uuid });
export const SiteAuditLogParamsSchema = Type.Object({ siteId: Uuid, auditLogId: Uuid });
export const PlatformAuditLogParamsSchema = Type.Object({ auditLogId: Uuid });
export const ActivityParamsSchema = Type.Object({ siteId: Uuid, userId: Uuid });

/** Text for OpenAPI, a stream for the handler (the body is never serialised through the schema). */
const streamed = (description: string) => Type.Unsafe<Readable>(Type.String({ description }));

/** Response bodies of the export route. */
export const ExportResponseSchema = {
  description: 'The filtered audit trail, newest first, streamed as an attachment',
  content: {
    'text/csv': { schema: streamed('RFC 4180 CSV with a header row; JSON columns as JSON text') },
    'application/x-ndjson': { schema: streamed('One AuditLog JSON object per line') },
  },
};
