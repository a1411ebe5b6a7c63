import { and, eq } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Tx } from '../../kernel/db/transaction.js';
import { etagOf } from '../../kernel/http/etag.js';
import { notFound, ProblemError } from '../../kernel/http/problem.js';
import type { MediaService } from './media-service.js';
import type { AssetRow } from './media-views.js';
import { mediaDerivatives } from './schema.js';
import { type ByteRange, ObjectMissingError, type StorageDriver } from './storage/index.js';

/** The bytes a content request asks for: the original or one derivative, and how to label them. */
export interface ContentSource {
  asset: AssetRow;
  key: string;
  mimeType: string;
  bytes: number;
  etag: string;
  filename: string;
}

/** Served in the page (`inline`): raster images, video, sound. Everything else — SVG, PDF, HTML-ish text — downloads. */
const INLINE = /^(?:image\/(?:jpeg|png|gif|webp|avif)|video\/|audio\/)/;

export async function contentSource(tx: Tx, media: MediaService, siteId: string, id: string, variant: string | null): Promise<ContentSource> {
  const asset = await media.row(tx, siteId, id);
  if (asset.deletedAt) throw notFound('Media asset', 'The file is deleted; restore it to read it again.');
  if (variant === null) {
    const storage = await media.storageOf(tx, siteId, id);
    if (!storage) throw notFound('Stored file', 'The file has no stored bytes.');
    return { asset, key: storage.storageKey, mimeType: asset.mimeType, bytes: asset.sizeBytes, etag: `"${asset.checksum}"`, filename: asset.filename };
  }
  const [derivative] = await tx
    .select()
    .from(mediaDerivatives)
    .where(and(eq(mediaDerivatives.siteId, siteId), eq(mediaDerivatives.mediaAssetId, id), eq(mediaDerivatives.variant, variant)));
  if (!derivative)
    throw notFound(
      'Derivative',
      `The file has no derivative "${variant}"${asset.processingStatus === 'ready' ? '' : ` (processing is ${asset.processingStatus})`}.`,
    );
  const stem = asset.filename.replace(/\.[^.]*$/, '') || 'file';
  const extension = derivative.storageKey.slice(derivative.storageKey.lastIndexOf('.') + 1);
  return {
    asset,
    key: derivative.storageKey,
    mimeType: derivative.mimeType,
    bytes: derivative.bytes,
    // From the original's checksum and this rendering of it (a re-run makes a new row, so a new validator).
    etag: etagOf(`${asset.checksum}:${variant}:${derivative.id}`),
    filename: `${stem}-${variant}.${extension}`,
  };
}

/** `attachment; filename="plain ASCII"; filename*=UTF-8''percent-encoded` (RFC 6266): safe whatever the name holds. */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** A single `bytes=` range within `size`; undefined to send everything; 416 when it cannot be met. */
function requestedRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [first, last] = [match[1] as string, match[2] as string];
  const range =
    first === ''
      ? { start: Math.max(0, size - Number(last)), end: size - 1 }
      : { start: Number(first), end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
  if (size === 0 || range.start > range.end || range.start >= size) {
    throw new ProblemError(416, 'range_not_satisfiable', `The file has ${size} bytes; the range ${header} is outside it.`, undefined, {
      'content-range': `bytes */${size}`,
    });
  }
  return range;
}

/**
 * Sends stored bytes with their own type, never sniffed or run: nosniff, a sandboxing CSP, inline only for
 * images, video and sound. 304 for a matching If-None-Match; single byte ranges (video seeking) are honoured.
 */
export async function sendContent(
  request: FastifyRequest,
  reply: FastifyReply,
  storage: StorageDriver,
  source: ContentSource,
  options: { cacheControl: string; crossOrigin: boolean },
): Promise<FastifyReply> {
  const inline = INLINE.test(source.mimeType);
  reply.header('etag', source.etag);
  reply.header('cache-control', options.cacheControl);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  reply.header('accept-ranges', 'bytes');
  if (options.crossOrigin) reply.header('cross-origin-resource-policy', 'cross-origin');
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === source.etag)) return reply.code(304).send();
  const ifRange = request.headers['if-range'];
  const range = ifRange === undefined || ifRange === source.etag ? requestedRange(request.headers.range, source.bytes) : undefined;
  let object: Awaited<ReturnType<StorageDriver['read']>>;
  try {
    object = await storage.read(source.key, range);
  } catch (error) {
    if (error instanceof ObjectMissingError) throw notFound('Stored file', 'The stored bytes of this file are missing.');
    throw error;
  }
  const type = source.mimeType.startsWith('text/') ? `${source.mimeType}; charset=utf-8` : source.mimeType;
  reply.header('content-type', type);
  reply.header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', source.filename));
  reply.header('content-length', String(object.bytes));
  if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${source.bytes}`);
  return reply.send(object.body);
}
