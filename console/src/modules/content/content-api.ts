import { AdmiralError, problemFrom } from '@admiral/sdk';
import { idempotencyKey } from '../../lib/api';
import type { Page } from '../../lib/use-cursor-list';
import type { KindInfo } from './kinds';
import { type ContentStatus, isContentStatus } from './lifecycle';

/**
 * Articles and pages over HTTP (docs/content.md, "HTTP"). One client for both kinds, since the editor is
 * shared: the typed SDK names each path separately, so this uses plain fetch with the console's cookie and
 * origin, and keeps the ETag every write needs back as If-Match.
 */

export interface Seo {
  metaTitle: string | null;
  metaDescription: string | null;
  canonicalUrl: string | null;
  structuredData: Record<string, unknown> | null;
}

/** An article or a page, in the console's one shape (pages have no summary, taxonomy or featured image). */
export interface Content {
  id: string;
  title: string;
  slug: string;
  summary: string | null;
  body: string;
  status: ContentStatus;
  version: number;
  /** The version readers get, or null when nothing is live. */
  publishedVersion: number | null;
  authorId: string | null;
  featuredMediaId: string | null;
  categoryIds: string[];
  tagIds: string[];
  seo: Seo;
  scheduledFor: string | null;
  publishedAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface Version {
  version: number;
  title: string;
  editedBy: string | null;
  note: string | null;
  createdAt: string | null;
  isPublished: boolean;
}

export interface Review {
  id: string;
  version: number;
  reviewerId: string | null;
  decision: 'approve' | 'reject' | 'request_changes';
  notes: string | null;
  createdAt: string | null;
}

export interface Template {
  id: string;
  name: string;
  contentType: 'article' | 'page';
  usageCount: number;
  thumbnailUrl: string | null;
}

export interface Versioned<T> {
  data: T;
  etag: string | null;
}

type Raw = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const ids = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const objectOrNull = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;

function seoOf(raw: Raw): Seo {
  const seo = objectOrNull(raw.seo) ?? {};
  return {
    metaTitle: str(seo.metaTitle),
    metaDescription: str(seo.metaDescription),
    canonicalUrl: str(seo.canonicalUrl),
    structuredData: objectOrNull(seo.structuredData),
  };
}

/** Reads an article or page as the API sends it (articles: versionNo, body; pages: versionNumber, contentBody). */
export function contentOf(raw: Raw): Content {
  const version = num(raw.versionNo) ?? num(raw.versionNumber) ?? num(raw.version) ?? 1;
  return {
    id: String(raw.id),
    title: str(raw.title) ?? '',
    slug: str(raw.slug) ?? '',
    summary: str(raw.summary),
    body: str(raw.body) ?? str(raw.contentBody) ?? '',
    status: isContentStatus(raw.status) ? raw.status : 'draft',
    version,
    publishedVersion: num(raw.publishedVersionNo) ?? num(raw.publishedVersionNumber) ?? num(raw.publishedVersion),
    authorId: str(raw.authorId),
    featuredMediaId: str(raw.featuredMediaId),
    categoryIds: ids(raw.categoryIds),
    tagIds: ids(raw.tagIds),
    seo: seoOf(raw),
    scheduledFor: str(raw.scheduledFor),
    publishedAt: str(raw.publishedAt),
    createdAt: str(raw.createdAt),
    updatedAt: str(raw.updatedAt),
  };
}

export function versionOf(raw: Raw): Version {
  return {
    version: num(raw.versionNo) ?? num(raw.versionNumber) ?? num(raw.version) ?? 0,
    title: str(raw.title) ?? '',
    editedBy: str(raw.editedBy) ?? str(raw.createdBy),
    note: str(raw.note),
    createdAt: str(raw.createdAt),
    isPublished: raw.isPublished === true,
  };
}

export function reviewOf(raw: Raw): Review {
  const decision = raw.decision === 'reject' || raw.decision === 'request_changes' ? raw.decision : 'approve';
  return {
    id: String(raw.id),
    version: num(raw.versionNo) ?? num(raw.versionNumber) ?? num(raw.version) ?? 0,
    reviewerId: str(raw.reviewerId),
    decision,
    notes: str(raw.notes),
    createdAt: str(raw.createdAt),
  };
}

async function send(method: string, path: string, options: { body?: unknown; ifMatch?: string | null; key?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  if (options.key) headers['idempotency-key'] = options.key;
  const response = await fetch(path, {
    method,
    credentials: 'include',
    referrerPolicy: 'same-origin',
    cache: 'no-store',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!response.ok) {
    const payload: unknown = await response.json().catch(() => undefined);
    throw new AdmiralError(problemFrom(response, payload));
  }
  return response;
}

async function json<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

const versioned = async (response: Response): Promise<Versioned<Content>> => ({
  data: contentOf(await json<Raw>(response)),
  etag: response.headers.get('etag'),
});

export const base = (siteId: string, info: KindInfo) => `/v1/sites/${encodeURIComponent(siteId)}/${info.plural}`;
const one = (siteId: string, info: KindInfo, id: string) => `${base(siteId, info)}/${encodeURIComponent(id)}`;

export interface ListQuery {
  status?: string;
  q?: string;
  authorId?: string;
  sort?: string;
}

export async function listContent(siteId: string, info: KindInfo, query: ListQuery, cursor: string | undefined): Promise<Page<Content>> {
  const params = new URLSearchParams({ limit: '50' });
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  if (cursor) params.set('cursor', cursor);
  const page = await json<{ data: Raw[]; nextCursor: string | null }>(await send('GET', `${base(siteId, info)}?${params}`));
  return { data: page.data.map(contentOf), nextCursor: page.nextCursor ?? null };
}

export const getContent = async (siteId: string, info: KindInfo, id: string) => versioned(await send('GET', one(siteId, info, id)));

export interface ContentInput {
  title: string;
  slug: string;
  summary?: string | null;
  body: string;
  featuredMediaId?: string | null;
  categoryIds?: string[];
  tagIds?: string[];
  seo?: Seo | null;
}

/** The request body in the kind's field names. */
export function bodyFor(info: KindInfo, input: ContentInput): Raw {
  const out: Raw = { title: input.title, slug: input.slug, [info.bodyField]: input.body };
  if (info.rich) {
    out.summary = input.summary ?? null;
    out.featuredMediaId = input.featuredMediaId ?? null;
    out.categoryIds = input.categoryIds ?? [];
    out.tagIds = input.tagIds ?? [];
  }
  if (input.seo !== undefined) out.seo = input.seo;
  return out;
}

export const createContent = async (siteId: string, info: KindInfo, input: ContentInput, key = idempotencyKey()) =>
  versioned(await send('POST', base(siteId, info), { body: bodyFor(info, input), key }));

export const updateContent = async (siteId: string, info: KindInfo, id: string, input: ContentInput, etag: string | null) =>
  versioned(await send('PATCH', one(siteId, info, id), { body: bodyFor(info, input), ifMatch: etag }));

export const deleteContent = async (siteId: string, info: KindInfo, id: string, etag: string | null) => {
  await send('DELETE', one(siteId, info, id), { ifMatch: etag });
};

export type TransitionAction = 'submit' | 'publish' | 'unpublish' | 'archive';

/** A lifecycle step; answers with the content as it now is. */
export const transition = async (siteId: string, info: KindInfo, id: string, action: TransitionAction, etag: string | null) =>
  versioned(await send('POST', `${one(siteId, info, id)}/${action}`, { ifMatch: etag, body: {} }));

export const schedule = async (siteId: string, info: KindInfo, id: string, at: string, etag: string | null) =>
  versioned(await send('POST', `${one(siteId, info, id)}/schedule`, { body: { at }, ifMatch: etag }));

export const unschedule = async (siteId: string, info: KindInfo, id: string, etag: string | null) =>
  versioned(await send('DELETE', `${one(siteId, info, id)}/schedule`, { ifMatch: etag }));

export async function listVersions(siteId: string, info: KindInfo, id: string): Promise<Version[]> {
  const page = await json<{ data: Raw[] } | Raw[]>(await send('GET', `${one(siteId, info, id)}/versions?limit=100`));
  return (Array.isArray(page) ? page : page.data).map(versionOf).sort((a, b) => b.version - a.version);
}

export const getVersion = async (siteId: string, info: KindInfo, id: string, version: number): Promise<Content> =>
  contentOf(await json<Raw>(await send('GET', `${one(siteId, info, id)}/versions/${version}`)));

export const getDiff = async (siteId: string, info: KindInfo, id: string, from: number, to: number): Promise<unknown> =>
  json<unknown>(await send('GET', `${one(siteId, info, id)}/diff?from=${from}&to=${to}`));

export const restoreVersion = async (siteId: string, info: KindInfo, id: string, version: number, etag: string | null) =>
  versioned(await send('POST', `${one(siteId, info, id)}/versions/${version}/restore`, { ifMatch: etag, body: {} }));

export async function listReviews(siteId: string, info: KindInfo, id: string): Promise<Review[]> {
  const page = await json<{ data: Raw[] } | Raw[]>(await send('GET', `${one(siteId, info, id)}/reviews`));
  return (Array.isArray(page) ? page : page.data).map(reviewOf);
}

export const addReview = async (siteId: string, info: KindInfo, id: string, decision: Review['decision'], notes: string) =>
  reviewOf(await json<Raw>(await send('POST', `${one(siteId, info, id)}/reviews`, { body: notes.trim() ? { decision, notes: notes.trim() } : { decision } })));

export async function listTemplates(siteId: string, info: KindInfo): Promise<Template[]> {
  const page = await json<{ data: Raw[] }>(await send('GET', `/v1/sites/${encodeURIComponent(siteId)}/content-templates?limit=100&contentType=${info.kind}`));
  return page.data
    .map((raw) => ({
      id: String(raw.id),
      name: str(raw.name) ?? '',
      contentType: raw.contentType === 'page' ? ('page' as const) : ('article' as const),
      usageCount: num(raw.usageCount) ?? 0,
      thumbnailUrl: str(raw.thumbnailUrl),
    }))
    .filter((t) => t.contentType === info.kind);
}

export const fromTemplate = async (siteId: string, info: KindInfo, templateId: string, input: { title?: string; slug?: string }, key = idempotencyKey()) =>
  versioned(await send('POST', `${base(siteId, info)}/from-template/${encodeURIComponent(templateId)}`, { body: input, key }));

export interface Term {
  id: string;
  name: string;
  slug: string;
}

export async function listTerms(siteId: string, kind: 'categories' | 'tags'): Promise<Term[]> {
  const page = await json<{ data: Raw[] }>(await send('GET', `/v1/sites/${encodeURIComponent(siteId)}/${kind}?limit=200&sort=name`));
  return page.data.map((raw) => ({ id: String(raw.id), name: str(raw.name) ?? '', slug: str(raw.slug) ?? '' }));
}

export const contentKey = (siteId: string, info: KindInfo) => [info.plural, siteId] as const;
