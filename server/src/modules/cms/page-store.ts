import type { Static } from '@sinclair/typebox';
import { and, asc, desc, eq, gt, ilike, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { escapeLike } from '../../kernel/db/like.js';
import type { Tx } from '../../kernel/db/transaction.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, pageFrom } from '../../kernel/http/pagination.js';
import { badRequest } from '../../kernel/http/problem.js';
import type { ContentState, ContentStatus, StateChange } from './content-types.js';
import type { PageListQuerySchema } from './page-schemas.js';
import { pages, pageVersions } from './schema.js';
import { readSeo, type Seo } from './seo.js';

/** What a page version records. */
export interface PageContent {
  title: string;
  contentBody: string;
}

export interface PageSummary {
  id: string;
  siteId: string;
  authorId: string | null;
  title: string;
  slug: string;
  status: ContentStatus;
  versionNo: number;
  publishedVersionNo: number | null;
  scheduledFor: string | null;
  scheduledBy: string | null;
  publishedAt: string | null;
  templateId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page extends PageSummary {
  contentBody: string;
  seo: Seo | null;
}

export type PageListQuery = Static<typeof PageListQuerySchema>;

const publishedVersionOf = sql<
  number | null
>`(select pv.version_number from page_versions pv where pv.page_id = "pages"."id" and pv.site_id = "pages"."site_id" and pv.is_published)`;

/** Column order here is the order of the JSON the API serves (and digests into ETags). */
const summaryColumns = {
  id: pages.id,
  siteId: pages.siteId,
  authorId: pages.authorId,
  title: pages.title,
  slug: pages.slug,
  status: pages.status,
  versionNo: pages.versionNumber,
  publishedVersionNo: publishedVersionOf,
  scheduledFor: pages.scheduledFor,
  scheduledBy: pages.scheduledBy,
  publishedAt: pages.publishedAt,
  templateId: pages.templateId,
  createdAt: pages.createdAt,
  updatedAt: pages.updatedAt,
};

/** The search document of a page: its title weighs most, its content least (docs/content.md). */
export function pageSearchVector(content: PageContent): string {
  return sql`setweight(to_tsvector('english', ${content.title}), 'A') || setweight(to_tsvector('english', ${content.contentBody}), 'C')` as unknown as string;
}

export async function readPage(tx: Tx, siteId: string, id: string): Promise<Page | null> {
  const [row] = await tx
    .select({ ...summaryColumns, contentBody: pageVersions.contentBody })
    .from(pages)
    .innerJoin(pageVersions, and(eq(pageVersions.pageId, pages.id), eq(pageVersions.versionNumber, pages.versionNumber)))
    .where(and(eq(pages.siteId, siteId), eq(pages.id, id)));
  if (!row) return null;
  const { contentBody, ...summary } = row;
  return { ...summary, contentBody, seo: await readSeo(tx, siteId, { pageId: id }) };
}

const sortColumns = { id: pages.id, title: pages.title, updatedAt: pages.updatedAt } as const;

export async function listPages(tx: Tx, siteId: string, query: PageListQuery): Promise<{ data: PageSummary[]; nextCursor: string | null }> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const sortSpec = query.sort ?? '-id';
  const descending = sortSpec.startsWith('-');
  const field = (descending ? sortSpec.slice(1) : sortSpec) as keyof typeof sortColumns;
  const column = sortColumns[field];
  const conditions: SQL[] = [eq(pages.siteId, siteId)];
  if (query.status) conditions.push(eq(pages.status, query.status));
  if (query.authorId) conditions.push(eq(pages.authorId, query.authorId));
  if (query.q) conditions.push(ilike(pages.title, `%${escapeLike(query.q)}%`));
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor, sortSpec);
    const beyond = descending ? lt : gt;
    if (field === 'id') conditions.push(beyond(pages.id, cursor.id));
    else {
      if (typeof cursor.value !== 'string') throw badRequest('invalid_cursor', 'The cursor is not one this server issued.');
      conditions.push(or(beyond(column, cursor.value), and(eq(column, cursor.value), beyond(pages.id, cursor.id))) as SQL);
    }
  }
  const order = descending ? desc : asc;
  const rows = await tx
    .select(summaryColumns)
    .from(pages)
    .where(and(...conditions))
    .orderBy(...(field === 'id' ? [order(pages.id)] : [order(column), order(pages.id)]))
    .limit(limit + 1);
  return pageFrom(rows, limit, (last) => encodeCursor({ sort: sortSpec, value: field === 'id' ? last.id : last[field], id: last.id }));
}

/** The page's workflow state, row-locked for the rest of the transaction; null when not on the site. */
export async function lockPageState(tx: Tx, siteId: string, id: string): Promise<(ContentState & { slug: string }) | null> {
  const [row] = await tx
    .select({
      id: pages.id,
      siteId: pages.siteId,
      authorId: pages.authorId,
      title: pages.title,
      slug: pages.slug,
      status: pages.status,
      versionNo: pages.versionNumber,
      scheduledFor: pages.scheduledFor,
      scheduledBy: pages.scheduledBy,
      publishedAt: pages.publishedAt,
    })
    .from(pages)
    .where(and(eq(pages.siteId, siteId), eq(pages.id, id)))
    .for('update');
  if (!row) return null;
  const [published] = await tx
    .select({ versionNo: pageVersions.versionNumber })
    .from(pageVersions)
    .where(and(eq(pageVersions.siteId, siteId), eq(pageVersions.pageId, id), eq(pageVersions.isPublished, true)));
  return { ...row, publishedVersionNo: published?.versionNo ?? null, categoryIds: [] };
}

/**
 * Status, schedule and what is live. Exactly one version is published while the page is live: the old one is
 * cleared before the new one is set (the partial unique index is checked row by row), in this transaction.
 */
export async function applyPageState(tx: Tx, state: ContentState, change: StateChange): Promise<void> {
  const schedule = change.status === 'scheduled' ? change.schedule : undefined;
  const where = and(eq(pages.siteId, state.siteId), eq(pages.id, state.id));
  await tx
    .update(pages)
    .set({
      status: change.status,
      scheduledFor: schedule?.at ?? null,
      scheduledBy: schedule?.by ?? null,
      ...(change.submittedBy === undefined ? {} : { submittedBy: change.submittedBy }),
      ...(typeof change.live === 'number' ? { publishedAt: sql`coalesce(${pages.publishedAt}, now())` as unknown as string } : {}),
    })
    .where(where);
  if (change.live === undefined) return;
  const live = change.live;
  const ofPage = and(eq(pageVersions.siteId, state.siteId), eq(pageVersions.pageId, state.id));
  await tx
    .update(pageVersions)
    .set({ isPublished: false })
    .where(and(ofPage, eq(pageVersions.isPublished, true), ...(live === null ? [] : [ne(pageVersions.versionNumber, live)])));
  if (live !== null) {
    await tx
      .update(pageVersions)
      .set({ isPublished: true })
      .where(and(ofPage, eq(pageVersions.versionNumber, live), eq(pageVersions.isPublished, false)));
  }
}

export async function insertPageVersion(
  tx: Tx,
  siteId: string,
  pageId: string,
  versionNumber: number,
  createdBy: string | null,
  content: PageContent,
  note: string | null,
): Promise<void> {
  await tx.insert(pageVersions).values({ siteId, pageId, versionNumber, createdBy, note, title: content.title, contentBody: content.contentBody });
}
