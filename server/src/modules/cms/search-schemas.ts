import { type Static, Type } from '@sinclair/typebox';
import { CONTENT_STATUSES } from './schema.js';

export const SEARCH_MAX_LIMIT = 50;
export const SEARCH_DEFAULT_LIMIT = 20;
/** Deepest position a search pages to: ranking evaluates every match anyway, and nobody reads result 1,000. */
export const SEARCH_MAX_OFFSET = 1000;

export const ContentType = Type.Union([Type.Literal('article'), Type.Literal('page')]);
export type ContentKind = Static<typeof ContentType>;

const Query = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Web-search syntax (websearch_to_tsquery, English): words, "a phrase", -excluded, either OR other',
});
const Limit = Type.Integer({ minimum: 1, maximum: SEARCH_MAX_LIMIT, default: SEARCH_DEFAULT_LIMIT, description: `Hits per page (1–${SEARCH_MAX_LIMIT})` });
const Offset = Type.Integer({
  minimum: 0,
  maximum: SEARCH_MAX_OFFSET,
  default: 0,
  description: 'Hits to skip: pass the previous page’s nextOffset (results are ranked, so pages are positions, not keys)',
});

export const SearchQuerySchema = Type.Object(
  {
    q: Query,
    type: Type.Optional(ContentType),
    status: Type.Optional(Type.Unsafe<(typeof CONTENT_STATUSES)[number]>({ type: 'string', enum: [...CONTENT_STATUSES] })),
    limit: Type.Optional(Limit),
    offset: Type.Optional(Offset),
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuerySchema>;

export const PublicSearchQuerySchema = Type.Object(
  { q: Query, type: Type.Optional(ContentType), limit: Type.Optional(Limit), offset: Type.Optional(Offset) },
  { additionalProperties: false },
);
export type PublicSearchQuery = Static<typeof PublicSearchQuerySchema>;

const Html = (description: string) => Type.String({ contentMediaType: 'text/html', description });

const hitProperties = {
  type: ContentType,
  id: Type.String({ format: 'uuid' }),
  title: Type.String({ description: 'Plain text' }),
  slug: Type.String(),
  rank: Type.Number({ description: 'ts_rank_cd relevance (title weighs most, then summary, then body)' }),
  titleHtml: Html('The title, HTML-escaped, with the matched words in <mark>…</mark>'),
  snippet: Html('Up to two excerpts of the text around the matches, HTML-escaped, matches in <mark>…</mark> (the only tags)'),
};

export const SearchHitSchema = Type.Object(
  { ...hitProperties, status: Type.String(), updatedAt: Type.String({ format: 'date-time' }) },
  { $id: 'ContentSearchHit', additionalProperties: false },
);

export const SearchResultsSchema = Type.Object(
  {
    data: Type.Array(Type.Ref(SearchHitSchema)),
    nextOffset: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as `offset` for the next page; null on the last page' }),
  },
  { $id: 'ContentSearchResults', additionalProperties: false },
);

export const PublicSearchHitSchema = Type.Object(
  { ...hitProperties, publishedAt: Type.String({ format: 'date-time' }) },
  { $id: 'PublicSearchHit', additionalProperties: false },
);

export const PublicSearchResultsSchema = Type.Object(
  {
    data: Type.Array(Type.Ref(PublicSearchHitSchema)),
    nextOffset: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as `offset` for the next page; null on the last page' }),
  },
  { $id: 'PublicSearchResults', additionalProperties: false },
);

export type SearchHit = Static<typeof SearchHitSchema>;
export type PublicSearchHit = Static<typeof PublicSearchHitSchema>;
