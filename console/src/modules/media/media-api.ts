import { AdmiralError, problemFrom } from '@admiral/sdk';
import type { Page } from '../../lib/use-cursor-list';

/** The media library over HTTP (docs/content.md, "Media"): list, one asset with its ETag, edit, delete, restore, signed URLs. */

export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'other'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];
export const PROCESSING_STATUSES = ['pending', 'processing', 'ready', 'failed', 'skipped'] as const;

export interface Derivative {
  variant: string;
  mimeType: string;
  width: number | null;
  height: number | null;
  bytes: number;
  url: string | null;
}

export interface MediaAsset {
  id: string;
  filename: string;
  extension: string;
  mediaType: MediaType;
  mimeType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  checksum: string;
  title: string | null;
  altText: string | null;
  visibility: 'public' | 'private';
  processingStatus: string;
  processingError: string | null;
  aiTags: string[];
  uploadedBy: string | null;
  deletedAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  /** Where the bytes are read with media.read; null for private or deleted files (ask for a signed URL). */
  url: string | null;
  /** The thumbnail derivative once made (same rules as url). */
  thumbnailUrl: string | null;
  derivatives: Derivative[];
}

type Raw = Record<string, unknown>;
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export const mediaBase = (siteId: string) => `/v1/sites/${encodeURIComponent(siteId)}/media`;
const one = (siteId: string, id: string) => `${mediaBase(siteId)}/${encodeURIComponent(id)}`;

export function assetOf(raw: Raw): MediaAsset {
  const id = String(raw.id);
  const mediaType = (MEDIA_TYPES as readonly string[]).includes(String(raw.mediaType)) ? (raw.mediaType as MediaType) : 'other';
  const derivatives = (Array.isArray(raw.derivatives) ? raw.derivatives : []).filter((d): d is Raw => typeof d === 'object' && d !== null);
  return {
    id,
    filename: str(raw.filename) ?? '',
    extension: str(raw.extension) ?? '',
    mediaType,
    mimeType: str(raw.mimeType) ?? '',
    sizeBytes: num(raw.sizeBytes) ?? 0,
    width: num(raw.width),
    height: num(raw.height),
    durationMs: num(raw.durationMs),
    checksum: str(raw.checksum) ?? '',
    title: str(raw.title),
    altText: str(raw.altText),
    visibility: raw.visibility === 'private' ? 'private' : 'public',
    processingStatus: str(raw.processingStatus) ?? 'pending',
    processingError: str(raw.processingError),
    aiTags: Array.isArray(raw.aiTags) ? raw.aiTags.filter((t): t is string => typeof t === 'string') : [],
    uploadedBy: str(raw.uploadedBy),
    deletedAt: str(raw.deletedAt),
    createdAt: str(raw.createdAt),
    updatedAt: str(raw.updatedAt),
    url: str(raw.url),
    thumbnailUrl: str(raw.thumbnailUrl),
    derivatives: derivatives.map((d) => {
      const variant = str(d.variant) ?? '';
      return {
        variant,
        mimeType: str(d.mimeType) ?? '',
        width: num(d.width),
        height: num(d.height),
        bytes: num(d.bytes) ?? 0,
        url: str(d.url),
      };
    }),
  };
}

/** Where the grid's picture comes from: the thumbnail derivative, else null (an icon by type is shown). */
export function thumbnailOf(asset: MediaAsset): string | null {
  return asset.thumbnailUrl ?? asset.derivatives.find((d) => d.variant === 'thumbnail')?.url ?? null;
}

async function send(method: string, path: string, options: { body?: unknown; ifMatch?: string | null } = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
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

export interface MediaQuery {
  mediaType?: string;
  processingStatus?: string;
  deleted?: boolean;
  q?: string;
}

export async function listMedia(siteId: string, query: MediaQuery, cursor: string | undefined, limit = 60): Promise<Page<MediaAsset>> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (query.mediaType) params.set('mediaType', query.mediaType);
  if (query.processingStatus) params.set('processingStatus', query.processingStatus);
  if (query.deleted) params.set('deleted', 'true');
  if (query.q) params.set('q', query.q);
  if (cursor) params.set('cursor', cursor);
  const page = (await (await send('GET', `${mediaBase(siteId)}?${params}`)).json()) as { data: Raw[]; nextCursor: string | null };
  return { data: page.data.map((raw) => assetOf(raw)), nextCursor: page.nextCursor ?? null };
}

export async function getMedia(siteId: string, id: string): Promise<{ data: MediaAsset; etag: string | null }> {
  const response = await send('GET', one(siteId, id));
  return { data: assetOf((await response.json()) as Raw), etag: response.headers.get('etag') };
}

export interface MediaUpdate {
  title?: string | null;
  altText?: string | null;
  visibility?: 'public' | 'private';
}

export async function updateMedia(siteId: string, id: string, body: MediaUpdate, etag: string | null): Promise<{ data: MediaAsset; etag: string | null }> {
  const response = await send('PATCH', one(siteId, id), { body, ifMatch: etag });
  return { data: assetOf((await response.json()) as Raw), etag: response.headers.get('etag') };
}

export const deleteMedia = async (siteId: string, id: string, etag: string | null) => void (await send('DELETE', one(siteId, id), { ifMatch: etag }));
export const restoreMedia = async (siteId: string, id: string) => void (await send('POST', `${one(siteId, id)}/restore`, { body: {} }));
export const purgeMedia = async (siteId: string, id: string) => void (await send('DELETE', `${one(siteId, id)}/purge`));

export async function signedUrl(
  siteId: string,
  id: string,
  variant: string | undefined,
  expiresInSeconds: number,
): Promise<{ url: string; expiresAt: string | null }> {
  const response = await send('POST', `${one(siteId, id)}/signed-url`, { body: { ...(variant ? { variant } : {}), expiresInSeconds } });
  const raw = (await response.json()) as Raw;
  const url = str(raw.url) ?? '';
  return { url: url.startsWith('/') ? `${window.location.origin}${url}` : url, expiresAt: str(raw.expiresAt) };
}

export const mediaKey = (siteId: string) => ['media', siteId] as const;
