import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { problemResponses } from '../../kernel/http/problem.js';
import { cookieValue, SESSION_POLICY, sessionCookie } from '../identity/index.js';
import { type ProviderAddress, signInErrorPath, twoFactorPath } from './flow-paths.js';
import { SsoFlowError } from './oidc-client.js';
import { SLUG_PATTERN } from './provider-schemas.js';
import { SIGN_IN_STATE_SECONDS } from './sign-in-states.js';
import type { SsoService } from './sso-service.js';

const tags = ['Single sign-on'];

/** Ties a sign-in to the browser that started it. Lax, not Strict: it must come back on the provider's redirect. */
const FLOW_COOKIE = '__Host-admiral_sso';
const flowCookie = (value: string) => `${FLOW_COOKIE}=${value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${SIGN_IN_STATE_SECONDS}`;

const flowCookieOf = (request: FastifyRequest) => cookieValue(request.headers.cookie, FLOW_COOKIE);

const Redirected = Type.Null({ description: 'A redirect (Location): to the provider, back to the console, or to its sign-in page with ?sso_error=<code>' });
const FlowParams = Type.Object({ slug: Type.String({ pattern: SLUG_PATTERN }) });
const SiteFlowParams = Type.Object({ siteId: Type.String({ format: 'uuid' }), slug: Type.String({ pattern: SLUG_PATTERN }) });
const StartQuery = Type.Object(
  { redirect: Type.Optional(Type.String({ maxLength: 2000, description: 'A console path to return to (same origin only)' })) },
  { additionalProperties: false },
);
// The provider decides what it sends back (code, state, iss, session_state, error…): every parameter is taken as text.
const CallbackQuery = Type.Object(
  { code: Type.Optional(Type.String({ maxLength: 4000 })), state: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: Type.String({ maxLength: 4000 }) },
);

type Hook = (request: FastifyRequest) => Promise<void>;

/** Refusals go back to the console's sign-in page, never to a JSON error the browser would show raw. */
function redirectFailure(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof SsoFlowError)) throw error;
  if (error.code === 'server_error') request.log.error({ err: error.cause ?? error }, 'single sign-on failed');
  return reply.header('cache-control', 'no-store').redirect(signInErrorPath(error.code), 302);
}

/**
 * The browser side of single sign-on: the sign-in page's list of providers, the redirect to a provider and
 * its callback. Public routes (the caller is signing in); each answers with a redirect.
 */
export function ssoFlowRoutes(service: SsoService, perIp: (family: string) => Hook) {
  const start = async (request: FastifyRequest, reply: FastifyReply, address: ProviderAddress) => {
    try {
      const { redirect } = request.query as { redirect?: string };
      const started = await service.start(address, redirect, flowCookieOf(request), request.auditActor());
      return reply.header('set-cookie', flowCookie(started.browserBinding)).header('cache-control', 'no-store').redirect(started.location, 302);
    } catch (error) {
      return redirectFailure(request, reply, error);
    }
  };

  const callback = async (request: FastifyRequest, reply: FastifyReply, address: ProviderAddress) => {
    try {
      const done = await service.complete(address, request.query as Record<string, string>, flowCookieOf(request), request.auditActor());
      reply.header('cache-control', 'no-store');
      if (done.kind === 'two_factor') return reply.redirect(twoFactorPath(done.challenge.challenge, done.challenge.expiresAt, done.redirectTo), 302);
      return reply.header('set-cookie', sessionCookie(done.signedIn.token, SESSION_POLICY.idleSeconds)).redirect(done.redirectTo, 302);
    } catch (error) {
      return redirectFailure(request, reply, error);
    }
  };

  const schemas = (
    operationId: string,
    summary: string,
    params: typeof FlowParams | typeof SiteFlowParams,
    querystring: typeof StartQuery | typeof CallbackQuery,
  ) => ({
    tags,
    operationId,
    summary,
    params,
    querystring,
    response: { 302: Redirected, ...problemResponses(400, 429) },
  });

  return {
    platform(app: AdmiralApp): void {
      app.get(
        '/auth/sso',
        {
          config: { public: true },
          schema: {
            tags,
            operationId: 'listSignInProviders',
            summary: "The single sign-on providers a sign-in page offers (the platform's, and a site's with ?site=<slug or id>)",
            querystring: Type.Object({ site: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false }),
            response: { 200: Type.Ref('SsoSignInOptions'), ...problemResponses(400, 404) },
          },
        },
        async (request) => ({ data: await service.options(request.query.site) }),
      );
      app.get(
        '/auth/sso/:slug/start',
        {
          config: { public: true },
          onRequest: perIp('sso'),
          schema: schemas('startPlatformSignOn', 'Sign in through a platform-wide provider: redirects to it (PKCE, state, nonce)', FlowParams, StartQuery),
        },
        (request, reply) => start(request, reply, { siteId: null, slug: request.params.slug }),
      );
      app.get(
        '/auth/sso/:slug/callback',
        {
          config: { public: true },
          onRequest: perIp('sso'),
          schema: schemas('finishPlatformSignOn', "A platform-wide provider's answer: signs in and redirects to the console", FlowParams, CallbackQuery),
        },
        (request, reply) => callback(request, reply, { siteId: null, slug: request.params.slug }),
      );
    },
    tenant(app: AdmiralApp): void {
      app.get(
        '/auth/sso/:slug/start',
        {
          config: { public: true },
          onRequest: perIp('sso'),
          schema: schemas('startSiteSignOn', "Sign in through one of the site's providers: redirects to it (PKCE, state, nonce)", SiteFlowParams, StartQuery),
        },
        (request, reply) => start(request, reply, { siteId: request.siteId as string, slug: request.params.slug }),
      );
      app.get(
        '/auth/sso/:slug/callback',
        {
          config: { public: true },
          onRequest: perIp('sso'),
          schema: schemas(
            'finishSiteSignOn',
            "A site provider's answer: signs in, makes a first-time visitor a member, redirects",
            SiteFlowParams,
            CallbackQuery,
          ),
        },
        (request, reply) => callback(request, reply, { siteId: request.siteId as string, slug: request.params.slug }),
      );
    },
  };
}
