import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { preconditionFailed } from './problem.js';

/** Strong validator of a representation: a digest of its JSON. */
export function etagOf(value: unknown): string {
  return `"${createHash('sha1')
    .update(typeof value === 'string' ? value : JSON.stringify(value))
    .digest('base64url')}"`;
}

function listMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare);
}

/** `If-Match` on an update: the client's copy must be the current one (412 otherwise). */
export function assertIfMatch(header: string | undefined, currentEtag: string): void {
  if (header !== undefined && !listMatches(header, currentEtag)) {
    throw preconditionFailed('The record changed since you read it (If-Match does not match its ETag); read it again and retry.');
  }
}

/** ETag on every successful GET (unless the route set one), and 304 for a matching If-None-Match. */
export function registerConditionalGet(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' || reply.statusCode !== 200) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    let etag = reply.getHeader('etag') as string | undefined;
    if (!etag) {
      etag = etagOf(payload.toString());
      reply.header('etag', etag);
    }
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch && listMatches(ifNoneMatch, etag)) {
      reply.code(304);
      reply.removeHeader('content-length');
      return '';
    }
    return payload;
  });
}
