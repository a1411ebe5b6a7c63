import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** What the test's provider says about a person: the claims a real identity provider would release. */
export interface IdpAccount {
  email: string;
  email_verified: boolean;
  name?: string;
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** People who can "sign in" at the provider, by subject. */
  accounts: Map<string, IdpAccount>;
  /** The subject the next login at the provider signs in as (what a person would type into its form). */
  signInAs(subject: string): void;
  stop(): Promise<void>;
}

/**
 * A real OpenID Connect provider (panva's oidc-provider) on a loopback port, with one confidential client
 * (client_secret_basic, PKCE required). Its login and consent pages are answered by small interaction
 * handlers calling provider.interactionFinished, as its own examples do, instead of an HTML form.
 */
export async function startTestIdp(redirectUris: string[]): Promise<TestIdp> {
  const accounts = new Map<string, IdpAccount>();
  let nextSubject: string | null = null;
  const clientId = 'admiral-test';
  const clientSecret = randomBytes(24).toString('base64url');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
  });
  provider.on('server_error', (_ctx, error) => {
    console.error('test identity provider error', error);
  });

  const interaction = async (req: IncomingMessage, res: ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      if (!nextSubject) throw new Error('the test did not say who signs in at the provider');
      await provider.interactionFinished(req, res, { login: { accountId: nextSubject } }, { mergeWithLastSubmission: false });
      return;
    }
    const { accountId } = details.session as { accountId: string };
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    if (!grant) throw new Error('grant vanished');
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  };

  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    handle(req, res);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    signInAs(subject) {
      nextSubject = subject;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Hop {
  url: string;
  status: number;
  location: string | null;
  setCookies: string[];
}

/**
 * A browser as far as redirects and cookies go: follows Location across origins (manually, so each hop can be
 * inspected) and keeps cookies per origin. Attributes (Secure, SameSite, Max-Age) are not modelled.
 */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }

  /** One request; cookies sent and stored. */
  async request(url: string): Promise<Hop> {
    const target = new URL(url);
    const cookies = [...(this.jar.get(target.origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(target, { redirect: 'manual', headers: { 'user-agent': 'vitest-browser', ...(cookies ? { cookie: cookies } : {}) } });
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) {
      const [pair = ''] = header.split(';');
      const index = pair.indexOf('=');
      const jar = this.jar.get(target.origin) ?? new Map<string, string>();
      const value = pair.slice(index + 1);
      if (/max-age=0/i.test(header) || value === '') jar.delete(pair.slice(0, index));
      else jar.set(pair.slice(0, index), value);
      this.jar.set(target.origin, jar);
    }
    await response.arrayBuffer();
    const location = response.headers.get('location');
    return { url: target.toString(), status: response.status, location: location ? new URL(location, target).toString() : null, setCookies };
  }

  /** Follows redirects from `url` until `stop(hop)` is true or a hop is not a redirect; answers every hop. */
  async follow(url: string, stop: (hop: Hop) => boolean = () => false): Promise<Hop[]> {
    const hops: Hop[] = [];
    let next: string | null = url;
    while (next && hops.length < 20) {
      const hop = await this.request(next);
      hops.push(hop);
      if (stop(hop) || hop.status < 300 || hop.status >= 400) break;
      next = hop.location;
    }
    return hops;
  }
}
