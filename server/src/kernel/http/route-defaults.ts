import type { FastifyInstance, RouteOptions } from 'fastify';

const NO_QUERY = { type: 'object', properties: {}, additionalProperties: false } as const;

/**
 * API-wide route conventions applied at registration: public routes need no credentials in the OpenAPI
 * document, and /v1 routes that take no query parameters refuse unknown ones instead of ignoring them.
 */
export function applyRouteDefaults(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith('/v1/')) return;
    const schema = { ...(route.schema ?? {}) } as Record<string, unknown>;
    if ((route.config as { public?: boolean } | undefined)?.public) schema.security = [];
    if (!schema.querystring) schema.querystring = NO_QUERY;
    route.schema = schema as RouteOptions['schema'];
  });
}
