import { type SQL, sql } from 'drizzle-orm';
import { boolean, check, customType, foreignKey, index, integer, jsonb, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestampColumn } from '../../kernel/db/columns.js';
import { tenantTable } from '../../kernel/db/tenant-table.js';
import { users } from '../identity/schema.js';
import { mediaAssets } from '../media/schema.js';

/** PostgreSQL's text-search document type (read-only here: generated or set by SQL). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const CONTENT_STATUSES = ['draft', 'in_review', 'changes_requested', 'approved', 'scheduled', 'published', 'archived'] as const;
export const REVIEW_DECISIONS = ['approve', 'reject', 'request_changes'] as const;
export const TEMPLATE_CONTENT_TYPES = ['article', 'page'] as const;

const SLUG_CHECK = (column: unknown): SQL => sql`${column} ~ '^[a-z0-9](?:[a-z0-9-]{0,198}[a-z0-9])?$'`;
const STATUS_CHECK = (column: unknown): SQL => sql`${column} in ('draft', 'in_review', 'changes_requested', 'approved', 'scheduled', 'published', 'archived')`;

export const categories = tenantTable(
  'categories',
  {
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    description: text('description'),
  },
  (t) => [
    unique('categories_id_site_id_key').on(t.id, t.siteId),
    uniqueIndex('categories_site_slug_key').on(t.siteId, t.slug),
    check('categories_slug_check', SLUG_CHECK(t.slug)),
  ],
);

export const tags = tenantTable(
  'tags',
  {
    name: text('name').notNull(),
    slug: text('slug').notNull(),
  },
  (t) => [
    unique('tags_id_site_id_key').on(t.id, t.siteId),
    uniqueIndex('tags_site_slug_key').on(t.siteId, t.slug),
    check('tags_slug_check', SLUG_CHECK(t.slug)),
  ],
);

/** Seed 002 CONTENT_TEMPLATES: a starting point for a new article or page; usage_count counts the starts. */
export const contentTemplates = tenantTable(
  'content_templates',
  {
    name: text('name').notNull(),
    contentType: text('content_type', { enum: TEMPLATE_CONTENT_TYPES }).notNull(),
    templateData: jsonb('template_data').$type<Record<string, unknown>>().notNull().default({}),
    thumbnailUrl: text('thumbnail_url'),
    usageCount: integer('usage_count').notNull().default(0),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    uniqueIndex('content_templates_site_name_key').on(t.siteId, t.contentType, t.name),
    check('content_templates_content_type_check', sql`${t.contentType} in ('article', 'page')`),
    check('content_templates_usage_check', sql`${t.usageCount} >= 0`),
  ],
);

/**
 * Seed 000 articles. The row is the working copy (what editors see); `version_no` is its latest saved version
 * and `published_version_no` the version readers get, so a published article can be edited without changing
 * what is live until the edit is itself published.
 */
export const articles = tenantTable(
  'articles',
  {
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    slug: text('slug').notNull(),
    summary: text('summary'),
    body: text('body').notNull().default(''),
    featuredMediaId: uuid('featured_media_id'),
    status: text('status', { enum: CONTENT_STATUSES }).notNull().default('draft'),
    versionNo: integer('version_no').notNull().default(1),
    publishedVersionNo: integer('published_version_no'),
    scheduledFor: timestampColumn('scheduled_for'),
    scheduledBy: uuid('scheduled_by').references(() => users.id, { onDelete: 'set null' }),
    /** Who last submitted it for review: nobody reviews their own submission. */
    submittedBy: uuid('submitted_by').references(() => users.id, { onDelete: 'set null' }),
    publishedAt: timestampColumn('published_at'),
    templateId: uuid('template_id'),
    searchVector: tsvector('search_vector').generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(summary, '')), 'B') || setweight(to_tsvector('english', coalesce(body, '')), 'C')`,
    ),
  },
  (t) => [
    unique('articles_id_site_id_key').on(t.id, t.siteId),
    uniqueIndex('articles_site_slug_key').on(t.siteId, t.slug),
    index('articles_site_status_idx').on(t.siteId, t.status, t.id),
    index('articles_site_author_idx').on(t.siteId, t.authorId),
    index('articles_search_idx').using('gin', t.searchVector),
    index('articles_scheduled_idx').on(t.scheduledFor).where(sql`status = 'scheduled'`),
    // The public newest-first list reads only what is live.
    index('articles_site_published_idx').on(t.siteId, t.publishedAt.desc(), t.id.desc()).where(sql`published_version_no is not null`),
    foreignKey({ name: 'articles_featured_media_fk', columns: [t.featuredMediaId, t.siteId], foreignColumns: [mediaAssets.id, mediaAssets.siteId] }),
    check('articles_slug_check', SLUG_CHECK(t.slug)),
    check('articles_status_check', STATUS_CHECK(t.status)),
    check('articles_version_check', sql`${t.versionNo} >= 1 and (${t.publishedVersionNo} is null or ${t.publishedVersionNo} between 1 and ${t.versionNo})`),
    check('articles_scheduled_check', sql`(${t.status} = 'scheduled') = (${t.scheduledFor} is not null)`),
    check('articles_published_check', sql`${t.publishedVersionNo} is null or ${t.publishedAt} is not null`),
  ],
);

/** Seed 000 article_versions: an immutable snapshot of every saved state (all content fields). */
export const articleVersions = tenantTable(
  'article_versions',
  {
    articleId: uuid('article_id').notNull(),
    versionNo: integer('version_no').notNull(),
    editedBy: uuid('edited_by').references(() => users.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    slug: text('slug').notNull(),
    summary: text('summary'),
    body: text('body').notNull(),
    featuredMediaId: uuid('featured_media_id'),
    categoryIds: uuid('category_ids').array().notNull().default(sql`'{}'::uuid[]`),
    tagIds: uuid('tag_ids').array().notNull().default(sql`'{}'::uuid[]`),
    /** Why this version exists: a save, a restore of version N, a template start. */
    note: text('note'),
  },
  (t) => [
    foreignKey({ name: 'article_versions_article_fk', columns: [t.articleId, t.siteId], foreignColumns: [articles.id, articles.siteId] }).onDelete('cascade'),
    uniqueIndex('article_versions_article_version_key').on(t.articleId, t.versionNo),
    check('article_versions_version_check', sql`${t.versionNo} >= 1`),
  ],
);

export const articleCategories = tenantTable(
  'article_categories',
  { articleId: uuid('article_id').notNull(), categoryId: uuid('category_id').notNull() },
  (t) => [
    foreignKey({ name: 'article_categories_article_fk', columns: [t.articleId, t.siteId], foreignColumns: [articles.id, articles.siteId] }).onDelete('cascade'),
    foreignKey({ name: 'article_categories_category_fk', columns: [t.categoryId, t.siteId], foreignColumns: [categories.id, categories.siteId] }).onDelete(
      'cascade',
    ),
    uniqueIndex('article_categories_pair_key').on(t.articleId, t.categoryId),
    index('article_categories_category_idx').on(t.categoryId),
  ],
);

export const articleTags = tenantTable('article_tags', { articleId: uuid('article_id').notNull(), tagId: uuid('tag_id').notNull() }, (t) => [
  foreignKey({ name: 'article_tags_article_fk', columns: [t.articleId, t.siteId], foreignColumns: [articles.id, articles.siteId] }).onDelete('cascade'),
  foreignKey({ name: 'article_tags_tag_fk', columns: [t.tagId, t.siteId], foreignColumns: [tags.id, tags.siteId] }).onDelete('cascade'),
  uniqueIndex('article_tags_pair_key').on(t.articleId, t.tagId),
  index('article_tags_tag_idx').on(t.tagId),
]);

/**
 * Seed 004 pages: the page's identity and workflow state; its content lives in page_versions. `search_vector`
 * is kept by the service from the latest version (title A, body C).
 */
export const pages = tenantTable(
  'pages',
  {
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    slug: text('slug').notNull(),
    status: text('status', { enum: CONTENT_STATUSES }).notNull().default('draft'),
    versionNumber: integer('version_number').notNull().default(1),
    scheduledFor: timestampColumn('scheduled_for'),
    scheduledBy: uuid('scheduled_by').references(() => users.id, { onDelete: 'set null' }),
    /** Who last submitted it for review: nobody reviews their own submission. */
    submittedBy: uuid('submitted_by').references(() => users.id, { onDelete: 'set null' }),
    publishedAt: timestampColumn('published_at'),
    templateId: uuid('template_id'),
    searchVector: tsvector('search_vector'),
  },
  (t) => [
    unique('pages_id_site_id_key').on(t.id, t.siteId),
    uniqueIndex('pages_site_slug_key').on(t.siteId, t.slug),
    index('pages_site_status_idx').on(t.siteId, t.status, t.id),
    index('pages_search_idx').using('gin', t.searchVector),
    index('pages_scheduled_idx').on(t.scheduledFor).where(sql`status = 'scheduled'`),
    check('pages_slug_check', sql`${t.slug} ~ '^[a-z0-9](?:[a-z0-9/-]{0,198}[a-z0-9])?$'`),
    check('pages_status_check', STATUS_CHECK(t.status)),
    check('pages_version_check', sql`${t.versionNumber} >= 1`),
    check('pages_scheduled_check', sql`(${t.status} = 'scheduled') = (${t.scheduledFor} is not null)`),
  ],
);

/**
 * Seed 000 content_reviews: a reviewer's decision on a version of an article or (superset) a page, with notes.
 * Exactly one of article_id and page_id is set.
 */
export const contentReviews = tenantTable(
  'content_reviews',
  {
    articleId: uuid('article_id'),
    pageId: uuid('page_id'),
    versionNo: integer('version_no').notNull(),
    reviewerId: uuid('reviewer_id').references(() => users.id, { onDelete: 'set null' }),
    decision: text('decision', { enum: REVIEW_DECISIONS }).notNull(),
    notes: text('notes'),
    approvalRequestId: uuid('approval_request_id'),
  },
  (t) => [
    foreignKey({ name: 'content_reviews_article_fk', columns: [t.articleId, t.siteId], foreignColumns: [articles.id, articles.siteId] }).onDelete('cascade'),
    foreignKey({ name: 'content_reviews_page_fk', columns: [t.pageId, t.siteId], foreignColumns: [pages.id, pages.siteId] }).onDelete('cascade'),
    index('content_reviews_article_idx').on(t.articleId, t.id),
    index('content_reviews_page_idx').on(t.pageId, t.id),
    check('content_reviews_decision_check', sql`${t.decision} in ('approve', 'reject', 'request_changes')`),
    check('content_reviews_target_check', sql`(${t.articleId} is null) <> (${t.pageId} is null)`),
  ],
);

/** Seed 004 page_versions: immutable content snapshots; exactly one is published while the page is live. */
export const pageVersions = tenantTable(
  'page_versions',
  {
    pageId: uuid('page_id').notNull(),
    versionNumber: integer('version_number').notNull(),
    title: text('title').notNull(),
    contentBody: text('content_body').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    isPublished: boolean('is_published').notNull().default(false),
    note: text('note'),
  },
  (t) => [
    foreignKey({ name: 'page_versions_page_fk', columns: [t.pageId, t.siteId], foreignColumns: [pages.id, pages.siteId] }).onDelete('cascade'),
    uniqueIndex('page_versions_page_version_key').on(t.pageId, t.versionNumber),
    uniqueIndex('page_versions_one_published').on(t.pageId).where(sql`is_published`),
    check('page_versions_version_check', sql`${t.versionNumber} >= 1`),
  ],
);

/** Seed 004 seo_metadata, for a page or (superset) an article: exactly one of the two. */
export const seoMetadata = tenantTable(
  'seo_metadata',
  {
    pageId: uuid('page_id'),
    articleId: uuid('article_id'),
    metaTitle: text('meta_title'),
    metaDescription: text('meta_description'),
    canonicalUrl: text('canonical_url'),
    structuredData: jsonb('structured_data').$type<Record<string, unknown>>(),
  },
  (t) => [
    foreignKey({ name: 'seo_metadata_page_fk', columns: [t.pageId, t.siteId], foreignColumns: [pages.id, pages.siteId] }).onDelete('cascade'),
    foreignKey({ name: 'seo_metadata_article_fk', columns: [t.articleId, t.siteId], foreignColumns: [articles.id, articles.siteId] }).onDelete('cascade'),
    uniqueIndex('seo_metadata_page_key').on(t.pageId).where(sql`page_id is not null`),
    uniqueIndex('seo_metadata_article_key').on(t.articleId).where(sql`article_id is not null`),
    check('seo_metadata_target_check', sql`(${t.pageId} is null) <> (${t.articleId} is null)`),
    check('seo_metadata_structured_data_check', sql`${t.structuredData} is null or jsonb_typeof(${t.structuredData}) = 'object'`),
  ],
);
