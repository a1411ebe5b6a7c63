import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { PageQuerySchema } from '../../kernel/http/pagination.js';
import { SLUG_PATTERN } from './taxonomy-resources.js';

export const PUBLIC_LIST_MAX_LIMIT = 50;
export const PUBLIC_LIST_DEFAULT_LIMIT = 20;

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Page slugs may nest (`about/team`): send the `/` as `%2F` in the path. */
const PAGE_SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9/-]{0,198}[a-z0-9])?$';

export const PublicSiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
export const PublicArticleParams = Type.Object({ siteId: Type.String({ format: 'uuid' }), slug: Type.String({ pattern: SLUG_PATTERN, maxLength: 200 }) });
export const PublicPageParams = Type.Object({
  siteId: Type.String({ format: 'uuid' }),
  slug: Type.String({ pattern: PAGE_SLUG_PATTERN, maxLength: 200, description: 'The page slug; a nested one with `/` sent as `%2F`' }),
});
export const ConditionalHeaders = Type.Object({ 'if-none-match': Type.Optional(Type.String({ maxLength: 1000 })) });

export const PublicArticleListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: PUBLIC_LIST_MAX_LIMIT, default: PUBLIC_LIST_DEFAULT_LIMIT, description: `Page size (1–${PUBLIC_LIST_MAX_LIMIT})` }),
    ),
    cursor: PageQuerySchema.cursor,
    category: Type.Optional(Type.String({ pattern: SLUG_PATTERN, maxLength: 200, description: 'Only articles filed under the category with this slug' })),
    tag: Type.Optional(Type.String({ pattern: SLUG_PATTERN, maxLength: 200, description: 'Only articles labelled with the tag with this slug' })),
  },
  { additionalProperties: false },
);
export type PublicArticleListQuery = Static<typeof PublicArticleListQuery>;

const Term = Type.Object({ name: Type.String(), slug: Type.String() }, { additionalProperties: false });

export const PublicSeoSchema = Type.Object(
  {
    metaTitle: Nullable(Type.String()),
    metaDescription: Nullable(Type.String()),
    canonicalUrl: Nullable(Type.String()),
    structuredData: Nullable(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'PublicSeo', additionalProperties: false },
);

const articleSummaryProperties = {
  id: Type.String({ format: 'uuid' }),
  slug: Type.String(),
  title: Type.String(),
  summary: Nullable(Type.String()),
  featuredMediaId: Nullable(Type.String({ format: 'uuid' })),
  version: Type.Integer({ description: 'The published version number' }),
  authorName: Nullable(Type.String({ description: 'The author’s display name' })),
  categories: Type.Array(Term),
  tags: Type.Array(Term),
  publishedAt: DateTime,
  updatedAt: Type.String({ format: 'date-time', description: 'When the published version was saved' }),
};

export const PublicArticleSummarySchema = Type.Object(articleSummaryProperties, { $id: 'PublicArticleSummary', additionalProperties: false });

export const PublicArticleSchema = Type.Object(
  { ...articleSummaryProperties, body: Type.String(), seo: Nullable(Type.Ref(PublicSeoSchema)) },
  { $id: 'PublicArticle', additionalProperties: false },
);

export const PublicArticlePageSchema = Type.Object(
  {
    data: Type.Array(Type.Ref(PublicArticleSummarySchema)),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page' }),
  },
  { $id: 'PublicArticlePage', additionalProperties: false },
);

export const PublicPageSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    slug: Type.String(),
    title: Type.String(),
    contentBody: Type.String(),
    version: Type.Integer({ description: 'The published version number' }),
    authorName: Nullable(Type.String({ description: 'The author’s display name' })),
    seo: Nullable(Type.Ref(PublicSeoSchema)),
    publishedAt: DateTime,
    updatedAt: Type.String({ format: 'date-time', description: 'When the published version was saved' }),
  },
  { $id: 'PublicPage', additionalProperties: false },
);

export type PublicSeo = Static<typeof PublicSeoSchema>;
export type PublicArticleSummary = Static<typeof PublicArticleSummarySchema>;
export type PublicArticle = PublicArticleSummary & { body: string; seo: PublicSeo | null };
export type PublicPage = Omit<Static<typeof PublicPageSchema>, 'seo'> & { seo: PublicSeo | null };

export const PUBLIC_SCHEMAS = [PublicSeoSchema, PublicArticleSummarySchema, PublicArticleSchema, PublicArticlePageSchema, PublicPageSchema];
