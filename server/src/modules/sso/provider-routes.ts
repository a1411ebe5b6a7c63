import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Tx } from '../../kernel/db/transaction.js';
import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { etagOf } from '../../kernel/http/etag.js';
import { problemResponses as problems } from '../../kernel/http/problem.js';
import { authorityOfRequest } from '../access/index.js';
import { SSO_PERMISSIONS as P } from './permissions.js';
import {
  ProviderParams,
  SiteProviderParams,
  SsoProviderCreateSchema,
  SsoProviderListSchema,
  SsoProviderSchema,
  SsoProviderUpdateSchema,
} from './provider-schemas.js';
import type { ProviderScope, ProviderService } from './provider-service.js';

const tags = ['Single sign-on'];
const SiteParams = Type.Object({ siteId: Type.String({ format: 'uuid' }) });
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 200 })) });

/** The routes' two homes: platform-wide providers (super admins) and a site's own. */
interface Home {
  /** operationId part: '' for the platform, 'Site' for a site. */
  name: '' | 'Site';
  params: typeof SiteParams | undefined;
  itemParams: typeof ProviderParams | typeof SiteProviderParams;
  scope(request: FastifyRequest): ProviderScope;
  run<T>(request: FastifyRequest, fn: (tx: Tx) => Promise<T>): Promise<T>;
}

const platformHome: Home = {
  name: '',
  params: undefined,
  itemParams: ProviderParams,
  scope: () => ({ siteId: null }),
  run: (request, fn) => request.platform(fn),
};

const siteHome: Home = {
  name: 'Site',
  params: SiteParams,
  itemParams: SiteProviderParams,
  scope: (request) => ({ siteId: request.siteId as string, authority: authorityOfRequest(request) }),
  run: (request, fn) => request.tenant(fn),
};

const whose = (home: Home) => (home.name ? "the site's" : 'platform-wide');

/** /sso-providers: thin handlers over ProviderService, mounted on the platform (/v1) and on each site (/v1/sites/{siteId}). */
function providerRoutes(app: AdmiralApp, service: ProviderService, home: Home): void {
  const id = (request: FastifyRequest) => (request.params as { providerId: string }).providerId;

  app.get(
    '/sso-providers',
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: `list${home.name}SsoProviders`,
        summary: `List ${whose(home)} single sign-on providers`,
        ...(home.params ? { params: home.params } : {}),
        response: { 200: Type.Ref(SsoProviderListSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => ({ data: await home.run(request, (tx) => service.list(tx, home.scope(request))) }),
  );

  app.post(
    '/sso-providers',
    {
      config: { permission: P.manage },
      schema: {
        tags,
        operationId: `create${home.name}SsoProvider`,
        summary: `Add a ${home.name ? 'site' : 'platform-wide'} OpenID Connect provider (the client secret is write-only)`,
        ...(home.params ? { params: home.params } : {}),
        body: Type.Ref(SsoProviderCreateSchema),
        response: { 201: Type.Ref(SsoProviderSchema), ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as Parameters<ProviderService['create']>[3];
      const provider = await home.run(request, (tx) => service.create(tx, home.scope(request), request.auditActor(), body));
      reply
        .code(201)
        .header('etag', etagOf(provider))
        .header('location', `${request.url.split('?')[0]}/${provider.id}`);
      return provider;
    },
  );

  app.get(
    '/sso-providers/:providerId',
    {
      config: { permission: P.read },
      schema: {
        tags,
        operationId: `get${home.name}SsoProvider`,
        summary: `Get one of ${whose(home)} single sign-on providers`,
        params: home.itemParams,
        response: { 200: Type.Ref(SsoProviderSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const provider = await home.run(request, (tx) => service.get(tx, home.scope(request), id(request)));
      reply.header('etag', etagOf(provider));
      return provider;
    },
  );

  app.patch(
    '/sso-providers/:providerId',
    {
      config: { permission: P.manage },
      schema: {
        tags,
        operationId: `update${home.name}SsoProvider`,
        summary: `Change one of ${whose(home)} single sign-on providers (a new clientSecret replaces the old one)`,
        params: home.itemParams,
        headers: IfMatch,
        body: Type.Ref(SsoProviderUpdateSchema),
        response: { 200: Type.Ref(SsoProviderSchema), ...problems(400, 401, 403, 404, 412, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as Parameters<ProviderService['update']>[4];
      const ifMatch = request.headers['if-match'] as string | undefined;
      const provider = await home.run(request, (tx) => service.update(tx, home.scope(request), request.auditActor(), id(request), body, ifMatch));
      reply.header('etag', etagOf(provider));
      return provider;
    },
  );

  app.delete(
    '/sso-providers/:providerId',
    {
      config: { permission: P.manage },
      schema: {
        tags,
        operationId: `delete${home.name}SsoProvider`,
        summary: `Remove one of ${whose(home)} single sign-on providers (and the accounts linked through it)`,
        params: home.itemParams,
        headers: IfMatch,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 412) },
      },
    },
    async (request, reply) => {
      const ifMatch = request.headers['if-match'] as string | undefined;
      await home.run(request, (tx) => service.remove(tx, home.scope(request), request.auditActor(), id(request), ifMatch));
      return reply.code(204).send(null);
    },
  );
}

export const platformProviderRoutes = (app: AdmiralApp, service: ProviderService) => providerRoutes(app, service, platformHome);
export const siteProviderRoutes = (app: AdmiralApp, service: ProviderService) => providerRoutes(app, service, siteHome);
