import { Type } from '@sinclair/typebox';
import { PageQuerySchema, pageOf } from '../../kernel/http/pagination.js';
import { CONTENT_STATUSES, REVIEW_DECISIONS } from './schema.js';

/** Schemas shared by articles and pages: SEO, versions, diffs, reviews, lifecycle bodies. */

export const Uuid = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time' });
export const NullableUuid = Type.Union([Uuid, Type.Null()]);
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const Status = Type.Union(
  CONTENT_STATUSES.map((s) => Type.Literal(s)),
  { description: 'draft → in_review → approved | changes_requested → scheduled → published; archived' },
);

export const TITLE_MAX = 300;
export const BODY_MAX = 1_000_000;
export const Title = Type.String({ minLength: 1, maxLength: TITLE_MAX, pattern: '\\S', description: 'Not blank' });
export const Body = Type.String({ maxLength: BODY_MAX });
export const VersionNote = Type.String({ minLength: 1, maxLength: 500, description: 'Why this version exists (shown in the history)' });

/** Bytes the serialized `structuredData` may take (checked by the service: JSON Schema cannot measure it). */
export const STRUCTURED_DATA_MAX_BYTES = 32 * 1024;

export const SeoSchema = Type.Object(
  {
    metaTitle: Type.Union([Type.String(), Type.Null()]),
    metaDescription: Type.Union([Type.String(), Type.Null()]),
    canonicalUrl: Type.Union([Type.String(), Type.Null()]),
    structuredData: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  },
  { $id: 'ContentSeo', additionalProperties: false },
);

export const SeoInputSchema = Type.Object(
  {
    metaTitle: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 300, description: 'Up to 70 characters shows in full in search results' }), Type.Null()]),
    ),
    metaDescription: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()])),
    canonicalUrl: Type.Optional(
      Type.Union([
        Type.String({ format: 'uri', maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+', description: 'An absolute http(s) URL' }),
        Type.Null(),
      ]),
    ),
    structuredData: Type.Optional(
      Type.Union([Type.Record(Type.String(), Type.Unknown(), { description: 'A JSON-LD object, at most 32 KB serialized' }), Type.Null()]),
    ),
  },
  {
    $id: 'ContentSeoInput',
    additionalProperties: false,
    description: 'Replaces the whole SEO record (fields left out are cleared); null removes it',
  },
);

export const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 200 })) });

export const ContentVersionSummarySchema = Type.Object(
  {
    versionNo: Type.Integer({ minimum: 1 }),
    editedBy: NullableUuid,
    note: Type.Union([Type.String(), Type.Null()]),
    isPublished: Type.Boolean({ description: 'The version readers get now' }),
    createdAt: Timestamp,
  },
  { $id: 'ContentVersionSummary', additionalProperties: false },
);
export const ContentVersionPageSchema = pageOf(Type.Ref(ContentVersionSummarySchema), 'ContentVersionSummary');
export const VersionListQuerySchema = Type.Object({ ...PageQuerySchema }, { additionalProperties: false });

export const DiffQuerySchema = Type.Object(
  {
    from: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The older version number' }),
    to: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The newer version number' }),
  },
  { additionalProperties: false },
);

const DiffPart = Type.Object(
  {
    value: Type.String({ description: 'One or more whole lines' }),
    added: Type.Boolean(),
    removed: Type.Boolean(),
    count: Type.Integer({ description: 'Lines in value' }),
  },
  { additionalProperties: false },
);
const DiffHunk = Type.Object(
  {
    oldStart: Type.Integer(),
    oldLines: Type.Integer(),
    newStart: Type.Integer(),
    newLines: Type.Integer(),
    lines: Type.Array(Type.String(), { description: "Unified-diff lines: ' ' context, '-' removed, '+' added" }),
  },
  { additionalProperties: false },
);

export const FieldDiffSchema = Type.Object(
  {
    field: Type.String({ description: 'title, slug, summary, body, featuredMediaId, categoryIds, tagIds (articles); title, contentBody (pages)' }),
    changed: Type.Boolean(),
    parts: Type.Array(DiffPart, { description: 'Line diff of the whole field (diffLines); empty when unchanged' }),
    hunks: Type.Array(DiffHunk, { description: 'The changes with 3 lines of context (structuredPatch); empty when unchanged' }),
  },
  { $id: 'ContentFieldDiff', additionalProperties: false },
);

export const ContentDiffSchema = Type.Object(
  {
    from: Type.Integer(),
    to: Type.Integer(),
    fields: Type.Array(Type.Ref(FieldDiffSchema)),
  },
  { $id: 'ContentDiff', additionalProperties: false, description: 'Id lists are compared one id per line, sorted; null is the empty text' },
);

export const ReviewSchema = Type.Object(
  {
    id: Uuid,
    versionNo: Type.Integer(),
    reviewerId: NullableUuid,
    decision: Type.Union(REVIEW_DECISIONS.map((d) => Type.Literal(d))),
    notes: Type.Union([Type.String(), Type.Null()]),
    approvalRequestId: NullableUuid,
    createdAt: Timestamp,
  },
  { $id: 'ContentReview', additionalProperties: false },
);
export const ReviewPageSchema = pageOf(Type.Ref(ReviewSchema), 'ContentReview');

export const ReviewInputSchema = Type.Object(
  {
    decision: Type.Union(
      REVIEW_DECISIONS.map((d) => Type.Literal(d)),
      { description: 'approve, reject (back to draft) or request_changes' },
    ),
    notes: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
  },
  { $id: 'ContentReviewInput', additionalProperties: false },
);

export const ScheduleInputSchema = Type.Object(
  { at: Type.String({ format: 'date-time', description: 'When to publish (in the future, within 5 years)' }) },
  { $id: 'ContentScheduleInput', additionalProperties: false },
);

export const FromTemplateParams = Type.Object({ siteId: Uuid, templateId: Uuid });

export const sharedContentSchemas = [
  SeoSchema,
  SeoInputSchema,
  ContentVersionSummarySchema,
  FieldDiffSchema,
  ContentDiffSchema,
  ReviewSchema,
  ReviewInputSchema,
  ScheduleInputSchema,
];
