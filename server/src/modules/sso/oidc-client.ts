import * as oidc from 'openid-client';
import type { SecretBox } from '../../kernel/crypto/secret-box.js';
import type { ProviderTokens } from '../identity/index.js';
import type { ProviderRow } from './provider-service.js';

/** A single sign-on that cannot go on: `code` is what the console is told (`?sso_error=`), `reason` what the audit records. */
export class SsoFlowError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string = code,
  ) {
    super(`${code}: ${reason}`);
    this.name = 'SsoFlowError';
  }
}

/** What the provider said about the person, from the validated ID token and, when it lacks them, the UserInfo endpoint. */
export interface VerifiedIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  tokens: ProviderTokens;
}

export interface AuthorizationRequest {
  redirectUri: string;
  scopes: readonly string[];
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface CallbackChecks {
  /** The redirect URI with the query the provider sent back. */
  callback: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

interface CachedConfiguration {
  version: string;
  expiresAt: number;
  configuration: Promise<oidc.Configuration>;
}

const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const HTTP_TIMEOUT_SECONDS = 10;

const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);

/** client_secret_basic unless the provider says it only takes client_secret_post (decided per request from its metadata). */
function clientSecretAuth(secret: string): oidc.ClientAuth {
  const basic = oidc.ClientSecretBasic(secret);
  const post = oidc.ClientSecretPost(secret);
  return (server, client, body, headers) => {
    const methods = server.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    return (methods.includes('client_secret_basic') || !methods.includes('client_secret_post') ? basic : post)(server, client, body, headers);
  };
}

/** What went wrong at the provider, as a flow error. */
function providerFailure(error: unknown): SsoFlowError {
  if (error instanceof SsoFlowError) return error;
  if (error instanceof oidc.AuthorizationResponseError) {
    return new SsoFlowError(error.error === 'access_denied' ? 'access_denied' : 'provider_error', `authorization_error:${error.error}`);
  }
  if (error instanceof oidc.ResponseBodyError) return new SsoFlowError('provider_error', `token_error:${error.error}`);
  if (error instanceof oidc.ClientError) return new SsoFlowError('invalid_response', `${error.code ?? 'client_error'}: ${error.message}`);
  return new SsoFlowError('provider_unreachable', error instanceof Error ? `${error.name}: ${error.message}` : 'unknown failure');
}

/**
 * OpenID Connect relying party (openid-client): discovery, cached per provider for an hour (and dropped when
 * the provider's settings change); authorization URLs with PKCE S256; the code exchange, whose ID token is
 * checked for issuer, audience, expiry, nonce and its signature against the provider's JWKS.
 */
export class OidcClients {
  private readonly cache = new Map<string, CachedConfiguration>();

  constructor(private readonly secrets: SecretBox) {}

  async authorizationUrl(provider: ProviderRow, request: AuthorizationRequest): Promise<URL> {
    const configuration = await this.configuration(provider);
    return oidc.buildAuthorizationUrl(configuration, {
      response_type: 'code',
      redirect_uri: request.redirectUri,
      scope: request.scopes.join(' '),
      state: request.state,
      nonce: request.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  async exchange(provider: ProviderRow, checks: CallbackChecks): Promise<VerifiedIdentity> {
    const configuration = await this.configuration(provider);
    try {
      const response = await oidc.authorizationCodeGrant(configuration, checks.callback, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = response.claims();
      if (!claims) throw new SsoFlowError('invalid_response', 'no_id_token');
      let profile: Record<string, unknown> = claims;
      if (text(claims.email) === null && configuration.serverMetadata().userinfo_endpoint) {
        // Providers that follow the spec strictly put scope claims only in UserInfo when an access token is issued.
        profile = { ...(await oidc.fetchUserInfo(configuration, response.access_token, claims.sub)), ...claims };
      }
      const email = text(profile.email)?.toLowerCase() ?? null;
      return {
        subject: claims.sub,
        email,
        emailVerified: profile.email_verified === true || profile.email_verified === 'true',
        name: text(profile.name),
        tokens: {
          accessToken: response.access_token,
          refreshToken: response.refresh_token,
          idToken: response.id_token,
          expiresIn: response.expiresIn(),
          scope: response.scope,
        },
      };
    } catch (error) {
      throw providerFailure(error);
    }
  }

  /** The provider's configuration: discovered once per settings version and hour; a failed discovery is not kept. */
  private configuration(provider: ProviderRow): Promise<oidc.Configuration> {
    const version = `${provider.updatedAt}|${provider.issuer}|${provider.clientId}`;
    const cached = this.cache.get(provider.id);
    if (cached && cached.version === version && cached.expiresAt > Date.now()) return cached.configuration;
    const configuration = this.discover(provider);
    const entry = { version, expiresAt: Date.now() + DISCOVERY_TTL_MS, configuration };
    this.cache.set(provider.id, entry);
    configuration.catch(() => {
      if (this.cache.get(provider.id) === entry) this.cache.delete(provider.id);
    });
    return configuration;
  }

  private async discover(provider: ProviderRow): Promise<oidc.Configuration> {
    // Only a loopback issuer can be http (the provider service refuses others); openid-client must be told.
    const insecure = new URL(provider.issuer).protocol === 'http:';
    const execute = insecure ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] : [oidc.enableNonRepudiationChecks];
    try {
      return await oidc.discovery(new URL(provider.issuer), provider.clientId, undefined, clientSecretAuth(this.secrets.open(provider.clientSecretEnc)), {
        execute,
        timeout: HTTP_TIMEOUT_SECONDS,
      });
    } catch (error) {
      const failure = providerFailure(error);
      throw new SsoFlowError(failure.code === 'invalid_response' ? 'provider_error' : failure.code, `discovery: ${failure.reason}`);
    }
  }
}
