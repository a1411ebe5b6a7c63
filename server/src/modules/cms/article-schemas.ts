import { Type } from '@sinclair/typebox';
import { PageQuerySchema, pageOf } from '../../kernel/http/pagination.js';
import { Body, NullableTimestamp, NullableUuid, SeoInputSchema, SeoSchema, Status, Timestamp, Title, Uuid, VersionNote } from './content-schemas.js';

export const ARTICLE_SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,198}[a-z0-9])?$';
const Slug = Type.String({ maxLength: 200, pattern: ARTICLE_SLUG_PATTERN, description: 'Lower-case letters, digits and inner hyphens' });
const Summary = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]);
const CategoryIds = Type.Array(Uuid, { maxItems: 50, uniqueItems: true, description: "Categories of this site (replaces the article's set)" });
const TagIds = Type.Array(Uuid, { maxItems: 100, uniqueItems: true, description: "Tags of this site (replaces the article's set)" });

const articleCommon = {
  id: Uuid,
  siteId: Uuid,
  authorId: NullableUuid,
  title: Type.String(),
  slug: Type.String(),
  summary: Type.Union([Type.String(), Type.Null()]),
  featuredMediaId: NullableUuid,
  status: Status,
  versionNo: Type.Integer({ description: "The working copy's latest version" }),
  publishedVersionNo: Type.Union([Type.Integer(), Type.Null()], { description: 'The version readers get; null when nothing is live' }),
  scheduledFor: NullableTimestamp,
  scheduledBy: NullableUuid,
  publishedAt: Type.Union([Timestamp, Type.Null()], { description: 'First publication (kept on republish)' }),
  templateId: NullableUuid,
  categoryIds: Type.Array(Uuid),
  tagIds: Type.Array(Uuid),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

/** An article's working copy, with its categories, tags and SEO record. Its ETag is what If-Match names. */
export const ArticleSchema = Type.Object(
  { ...articleCommon, body: Type.String(), seo: Type.Union([Type.Ref(SeoSchema), Type.Null()]) },
  { $id: 'Article', additionalProperties: false },
);

/** A list row: the article without its body and SEO record. */
export const ArticleSummarySchema = Type.Object(articleCommon, { $id: 'ArticleSummary', additionalProperties: false });
export const ArticlePageSchema = pageOf(Type.Ref(ArticleSummarySchema), 'ArticleSummary');

export const ArticleCreateSchema = Type.Object(
  {
    title: Title,
    slug: Slug,
    summary: Type.Optional(Summary),
    body: Type.Optional(Body),
    featuredMediaId: Type.Optional(NullableUuid),
    categoryIds: Type.Optional(CategoryIds),
    tagIds: Type.Optional(TagIds),
    seo: Type.Optional(Type.Union([Type.Ref(SeoInputSchema), Type.Null()])),
  },
  { $id: 'ArticleCreate', additionalProperties: false },
);

export const ArticleUpdateSchema = Type.Object(
  {
    title: Type.Optional(Title),
    slug: Type.Optional(Slug),
    summary: Type.Optional(Summary),
    body: Type.Optional(Body),
    featuredMediaId: Type.Optional(NullableUuid),
    categoryIds: Type.Optional(CategoryIds),
    tagIds: Type.Optional(TagIds),
    seo: Type.Optional(Type.Union([Type.Ref(SeoInputSchema), Type.Null()])),
    note: Type.Optional(VersionNote),
  },
  { $id: 'ArticleUpdate', additionalProperties: false, description: 'Fields left out keep their value; a save that changes nothing writes nothing' },
);

export const ArticleFromTemplateSchema = Type.Object(
  {
    title: Type.Optional(Title),
    slug: Type.Optional(Slug),
  },
  { $id: 'ArticleFromTemplate', additionalProperties: false, description: "Overrides the template's title; the slug defaults to one made from the title" },
);

export const ARTICLE_SORTS = ['id', '-id', 'title', '-title', 'updatedAt', '-updatedAt'] as const;

export const ArticleListQuerySchema = Type.Object(
  {
    ...PageQuerySchema,
    status: Type.Optional(Status),
    authorId: Type.Optional(Uuid),
    categoryId: Type.Optional(Uuid),
    tagId: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Words in the title' })),
    sort: Type.Optional(
      Type.Union(
        ARTICLE_SORTS.map((s) => Type.Literal(s)),
        { default: '-id', description: 'Newest first by default' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ArticleParams = Type.Object({ siteId: Uuid, articleId: Uuid });
export const ArticleVersionParams = Type.Object({ siteId: Uuid, articleId: Uuid, versionNo: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

export const ArticleVersionSchema = Type.Object(
  {
    versionNo: Type.Integer(),
    editedBy: NullableUuid,
    note: Type.Union([Type.String(), Type.Null()]),
    isPublished: Type.Boolean(),
    createdAt: Timestamp,
    title: Type.String(),
    slug: Type.String(),
    summary: Type.Union([Type.String(), Type.Null()]),
    body: Type.String(),
    featuredMediaId: NullableUuid,
    categoryIds: Type.Array(Uuid),
    tagIds: Type.Array(Uuid),
  },
  { $id: 'ArticleVersion', additionalProperties: false },
);

export const articleSchemas = [ArticleSchema, ArticleSummarySchema, ArticleCreateSchema, ArticleUpdateSchema, ArticleFromTemplateSchema, ArticleVersionSchema];
