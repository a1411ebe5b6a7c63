import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database, Tx } from '../db/transaction.js';
import { badRequest, conflict, unprocessable } from './problem.js';

const KEY = /^[\x21-\x7e]{1,255}$/;
const REPLAY_TTL_HOURS = 24;
/** A claim whose request died mid-flight stops blocking retries after this long. */
const CLAIM_LEASE_SECONDS = 60;
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

interface Claim {
  scope: string;
  key: string;
  siteId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim?: Claim;
  }
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('hex');
}

function inContext<T>(db: Database, request: FastifyRequest, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return request.siteId ? db.withTenant({ siteId: request.siteId, userId: request.principal?.userId }, fn) : db.asPlatform({}, fn);
}

/**
 * `Idempotency-Key` on POST: the first request claims the key (committed at once, so a concurrent duplicate
 * sees it and gets 409); its response is stored for 24 h and replayed to a retry with the same body; the
 * same key with a different body is 422. A 5xx releases the key so the client can retry.
 */
export function registerIdempotency(app: FastifyInstance, db: Database): void {
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 1–255 visible ASCII characters.');
    }
    if (request.routeOptions.config.secretResponse) {
      // Replaying the response would mean storing the secret it shows once.
      throw badRequest(
        'idempotency_unsupported',
        'This operation returns a secret that is never stored, so it cannot be replayed; send it without Idempotency-Key.',
      );
    }
    const scope = `${request.principal?.id ?? 'anonymous'}:${request.siteId ?? 'platform'}:${request.routeOptions.url}`;
    const hash = requestHash(request);
    const claim = { scope, key, siteId: request.siteId };
    const outcome = await inContext(db, request, async (tx) => {
      const claimed = await tx.$client.query(
        `INSERT INTO idempotency_keys (scope, key, site_id, request_hash, state, locked_until, expires_at)
         VALUES ($1, $2, $3, $4, 'in_progress', now() + make_interval(secs => $5), now() + make_interval(hours => $6))
         ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, state = 'in_progress',
           locked_until = excluded.locked_until, expires_at = excluded.expires_at, response_status = NULL,
           response_headers = NULL, response_body = NULL, created_at = now()
         WHERE idempotency_keys.expires_at < now()
            OR (idempotency_keys.state = 'in_progress' AND idempotency_keys.locked_until < now())
         RETURNING 1`,
        [scope, key, request.siteId, hash, CLAIM_LEASE_SECONDS, REPLAY_TTL_HOURS],
      );
      if (claimed.rowCount === 1) return { kind: 'claimed' as const };
      const existing = await tx.$client.query<{
        request_hash: string;
        state: string;
        response_status: number;
        response_headers: Record<string, string>;
        response_body: string;
      }>('SELECT request_hash, state, response_status, response_headers, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2', [scope, key]);
      return { kind: 'existing' as const, row: existing.rows[0] };
    });
    if (outcome.kind === 'claimed') {
      request.idempotencyClaim = claim;
      return;
    }
    const row = outcome.row;
    if (!row) throw conflict('idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    if (row.request_hash !== hash) {
      throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was used with a different request; use a new key for a new request.');
    }
    if (row.state !== 'completed') throw conflict('idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    reply.headers(row.response_headers).header('idempotent-replayed', 'true').code(row.response_status);
    return reply.send(row.response_body);
  });

  app.addHook('onSend', async (request, reply: FastifyReply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = undefined;
    if (reply.statusCode >= 500) {
      await inContext(db, request, (tx) => tx.$client.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2', [claim.scope, claim.key]));
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    const body =
      typeof payload === 'string'
        ? payload
        : Buffer.isBuffer(payload)
          ? payload.toString('utf8')
          : payload === null || payload === undefined
            ? ''
            : JSON.stringify(payload);
    await inContext(db, request, (tx) =>
      tx.$client.query(
        `UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_headers = $4, response_body = $5
         WHERE scope = $1 AND key = $2`,
        [claim.scope, claim.key, reply.statusCode, headers, body],
      ),
    );
    return payload;
  });
}

/** Removes expired keys across all sites (run by the kernel's scheduled job, through a definer function). */
export const PURGE_EXPIRED_IDEMPOTENCY_KEYS = 'SELECT admiral_purge_expired_idempotency_keys() AS purged';
