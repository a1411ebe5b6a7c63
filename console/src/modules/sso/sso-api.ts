import { problemFrom } from '@admiral/sdk';
import { AdmiralError, api, idempotencyKey, type Schema, unwrap } from '../../lib/api';

export type Provider = Schema<'SsoProvider'>;
export type ProviderCreate = Schema<'SsoProviderCreate'>;
export type ProviderUpdate = Schema<'SsoProviderUpdate'>;

/** Whose providers a screen manages: the platform's (super admins) or one site's. */
export type ProviderHome = { kind: 'platform' } | { kind: 'site'; siteId: string };

export const providersKey = (home: ProviderHome) => ['sso-providers', home.kind === 'site' ? home.siteId : 'platform'] as const;

export async function listProviders(home: ProviderHome): Promise<Provider[]> {
  const page =
    home.kind === 'site'
      ? await unwrap(api.GET('/v1/sites/{siteId}/sso-providers', { params: { path: { siteId: home.siteId } } }))
      : await unwrap(api.GET('/v1/sso-providers'));
  return page.data;
}

/** One provider with its ETag, so an edit can say If-Match and never overwrite someone else's change unseen. */
export async function getProvider(home: ProviderHome, providerId: string): Promise<{ provider: Provider; etag: string | null }> {
  const { data, error, response } =
    home.kind === 'site'
      ? await api.GET('/v1/sites/{siteId}/sso-providers/{providerId}', { params: { path: { siteId: home.siteId, providerId } } })
      : await api.GET('/v1/sso-providers/{providerId}', { params: { path: { providerId } } });
  if (!response.ok || !data) throw new AdmiralError(problemFrom(response, error));
  return { provider: data, etag: response.headers.get('etag') };
}

export function createProvider(home: ProviderHome, body: ProviderCreate, key = idempotencyKey()): Promise<Provider> {
  const headers = { 'idempotency-key': key };
  return home.kind === 'site'
    ? unwrap(api.POST('/v1/sites/{siteId}/sso-providers', { params: { path: { siteId: home.siteId } }, body, headers }))
    : unwrap(api.POST('/v1/sso-providers', { body, headers }));
}

export function updateProvider(home: ProviderHome, providerId: string, body: ProviderUpdate, etag: string | null): Promise<Provider> {
  const header = etag ? { 'if-match': etag } : {};
  return home.kind === 'site'
    ? unwrap(api.PATCH('/v1/sites/{siteId}/sso-providers/{providerId}', { params: { path: { siteId: home.siteId, providerId }, header }, body }))
    : unwrap(api.PATCH('/v1/sso-providers/{providerId}', { params: { path: { providerId }, header }, body }));
}

export async function deleteProvider(home: ProviderHome, providerId: string): Promise<void> {
  await (home.kind === 'site'
    ? unwrap(api.DELETE('/v1/sites/{siteId}/sso-providers/{providerId}', { params: { path: { siteId: home.siteId, providerId } } }))
    : unwrap(api.DELETE('/v1/sso-providers/{providerId}', { params: { path: { providerId } } })));
}
