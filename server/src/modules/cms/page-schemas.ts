import { Type } from '@sinclair/typebox';
import { PageQuerySchema, pageOf } from '../../kernel/http/pagination.js';
import { Body, NullableTimestamp, NullableUuid, SeoInputSchema, SeoSchema, Status, Timestamp, Title, Uuid, VersionNote } from './content-schemas.js';

export const PAGE_SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9/-]{0,198}[a-z0-9])?$';
const Slug = Type.String({ maxLength: 200, pattern: PAGE_SLUG_PATTERN, description: 'Lower-case letters, digits, inner hyphens and slashes (about/team)' });

const pageCommon = {
  id: Uuid,
  siteId: Uuid,
  authorId: NullableUuid,
  title: Type.String(),
  slug: Type.String(),
  status: Status,
  versionNo: Type.Integer({ description: "The working copy's latest version (pages.version_number)" }),
  publishedVersionNo: Type.Union([Type.Integer(), Type.Null()], { description: 'The published page version; null when nothing is live' }),
  scheduledFor: NullableTimestamp,
  scheduledBy: NullableUuid,
  publishedAt: Type.Union([Timestamp, Type.Null()], { description: 'First publication (kept on republish)' }),
  templateId: NullableUuid,
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

/** A page's working copy: its latest version's title and content, and its SEO record. */
export const PageSchema = Type.Object(
  { ...pageCommon, contentBody: Type.String(), seo: Type.Union([Type.Ref(SeoSchema), Type.Null()]) },
  { $id: 'Page', additionalProperties: false },
);
export const PageSummarySchema = Type.Object(pageCommon, { $id: 'PageSummary', additionalProperties: false });
export const PagePageSchema = pageOf(Type.Ref(PageSummarySchema), 'PageSummary');

export const PageCreateSchema = Type.Object(
  {
    title: Title,
    slug: Slug,
    contentBody: Type.Optional(Body),
    seo: Type.Optional(Type.Union([Type.Ref(SeoInputSchema), Type.Null()])),
  },
  { $id: 'PageCreate', additionalProperties: false },
);

export const PageUpdateSchema = Type.Object(
  {
    title: Type.Optional(Title),
    slug: Type.Optional(Slug),
    contentBody: Type.Optional(Body),
    seo: Type.Optional(Type.Union([Type.Ref(SeoInputSchema), Type.Null()])),
    note: Type.Optional(VersionNote),
  },
  { $id: 'PageUpdate', additionalProperties: false, description: 'Fields left out keep their value; a save that changes nothing writes nothing' },
);

export const PageFromTemplateSchema = Type.Object(
  { title: Type.Optional(Title), slug: Type.Optional(Slug) },
  { $id: 'PageFromTemplate', additionalProperties: false, description: "Overrides the template's title; the slug defaults to one made from the title" },
);

export const PAGE_SORTS = ['id', '-id', 'title', '-title', 'updatedAt', '-updatedAt'] as const;

export const PageListQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    status: Type.Optional(Status),
    authorId: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Words in the title' })),
    sort: Type.Optional(
      Type.Union(
        PAGE_SORTS.map((s) => Type.Literal(s)),
        { default: '-id', description: 'Newest first by default' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const PageParams = Type.Object({ siteId: Uuid, pageId: Uuid });
export const PageVersionParams = Type.Object({ siteId: Uuid, pageId: Uuid, versionNo: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

export const PageVersionSchema = Type.Object(
  {
    versionNo: Type.Integer(),
    editedBy: NullableUuid,
    note: Type.Union([Type.String(), Type.Null()]),
    isPublished: Type.Boolean(),
    createdAt: Timestamp,
    title: Type.String(),
    contentBody: Type.String(),
  },
  { $id: 'PageVersion', additionalProperties: false },
);

export const pageSchemas = [PageSchema, PageSummarySchema, PageCreateSchema, PageUpdateSchema, PageFromTemplateSchema, PageVersionSchema];
