import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { AuditActor } from '../audit/writer.js';
import type { Principal } from '../auth/principal.js';
import type { Tx } from '../db/transaction.js';

/** The Fastify instance modules register routes on: TypeBox-typed. */
export type AdmiralApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission key the caller needs (checked before the handler runs). */
    permission?: string;
    /** The route needs no credentials. Every route states one of the two. */
    public?: boolean;
    /** Any signed-in caller may call it (routes about the caller's own account: /v1/me, sign-out). */
    authenticated?: boolean;
    /** The response carries a one-time secret (a new API key): it is never stored, so Idempotency-Key is refused. */
    secretResponse?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The site of a tenant route (from the path, or from the Host's domain mapping). */
    siteId: string | null;
    /** Runs `fn` in this request's tenant transaction (RLS bound to the site and caller). */
    tenant<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
    /** Runs `fn` in a platform transaction (no site). */
    platform<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
    auditActor(): AuditActor;
  }
}
