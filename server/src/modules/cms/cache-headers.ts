import type { FastifyReply } from 'fastify';

/**
 * Public content may be cached by browsers and CDNs for a minute, and served stale for five more while
 * they revalidate (with If-None-Match, which costs one indexed query and no body).
 */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=300';

/** Caching headers of a public read (also sent with a 304, as RFC 9110 asks). */
export function setPublicCaching(reply: FastifyReply, etag?: string): void {
  reply.header('cache-control', PUBLIC_CACHE_CONTROL);
  reply.header('vary', 'Accept-Encoding');
  if (etag) reply.header('etag', etag);
}

/** If-None-Match against a strong validator: weak comparison (RFC 9110 §13.1.2), `*` matches anything. */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/**
 * The payload of a 304. Fastify serializes `null` as the JSON text `null` and announces it with
 * `Content-Length: 4`, which a 304 (no body) must not carry: clients would wait for four bytes that never
 * come. An undefined payload goes out with neither. (Typed as the 304 schema's null for the type provider.)
 */
export const NO_BODY = undefined as unknown as null;
