import type { AdmiralApp } from '../../kernel/http/app-types.js';
import { defineJob } from '../../kernel/jobs/queue.js';
import { defineModule, type Kernel } from '../../kernel/module.js';
import { RuleMemberships } from '../access/index.js';
import { AuthService, authRateLimits, ExternalAccounts, SessionService, TwoFactorCodes, UserService } from '../identity/index.js';
import { OidcClients } from './oidc-client.js';
import { ssoPermissions } from './permissions.js';
import { platformProviderRoutes, siteProviderRoutes } from './provider-routes.js';
import {
  SsoProviderCreateSchema,
  SsoProviderListSchema,
  SsoProviderSchema,
  SsoProviderUpdateSchema,
  SsoSignInOptionSchema,
  SsoSignInOptionsSchema,
} from './provider-schemas.js';
import { ProviderService } from './provider-service.js';
import { ssoProviders, ssoSignInStates } from './schema.js';
import { SignInStates } from './sign-in-states.js';
import { ssoFlowRoutes } from './sso-routes.js';
import { SsoService } from './sso-service.js';

export { ssoProviders, ssoSignInStates } from './schema.js';

const purgeSignInStates = defineJob({
  name: 'sso.purge-sign-in-states',
  description: 'Delete single sign-on attempts that ended more than a day ago',
  schedule: '23 * * * *',
  retryLimit: 2,
  async handler(_data, { db }) {
    await db.asPlatform({}, (tx) => SignInStates.purge(tx));
  },
});

/** What both route plugins share, built once per app. */
function services(kernel: Kernel) {
  const accounts = new ExternalAccounts(kernel.secrets);
  const rules = new RuleMemberships(kernel.audit);
  const sessions = new SessionService(kernel.audit);
  const providers = new ProviderService(kernel.audit, kernel.secrets, rules, accounts, {
    publicUrl: kernel.config.publicUrl,
    allowLoopbackHttp: kernel.config.env !== 'production',
  });
  const flow = new SsoService(kernel.db, kernel.audit, {
    states: new SignInStates(kernel.secrets),
    clients: new OidcClients(kernel.secrets),
    accounts,
    users: new UserService(kernel.audit, sessions),
    sessions,
    auth: new AuthService(kernel.db, kernel.audit, sessions, new TwoFactorCodes(kernel.secrets), { mailer: kernel.mail, publicUrl: kernel.config.publicUrl }),
    rules,
    publicUrl: kernel.config.publicUrl,
  });
  return { providers, flow: ssoFlowRoutes(flow, authRateLimits(kernel).perIp) };
}

/**
 * Single sign-on through any OpenID Connect provider, platform-wide or per site: the providers' admin API
 * and the browser flow (authorization code with PKCE). Depends on identity (users, accounts, sessions),
 * access (just-in-time memberships) and tenancy (sites).
 */
export function ssoModule() {
  const built = new WeakMap<Kernel, ReturnType<typeof services>>();
  const of = (kernel: Kernel) => {
    let found = built.get(kernel);
    if (!found) {
      found = services(kernel);
      built.set(kernel, found);
    }
    return found;
  };
  return defineModule({
    name: 'sso',
    tables: { ssoProviders, ssoSignInStates },
    permissions: ssoPermissions,
    jobs: [purgeSignInStates],
    routes: {
      platform: (app: AdmiralApp, kernel: Kernel) => {
        for (const schema of [
          SsoProviderSchema,
          SsoProviderCreateSchema,
          SsoProviderUpdateSchema,
          SsoProviderListSchema,
          SsoSignInOptionSchema,
          SsoSignInOptionsSchema,
        ]) {
          app.addSchema(schema);
        }
        const { providers, flow } = of(kernel);
        platformProviderRoutes(app, providers);
        flow.platform(app);
      },
      tenant: (app: AdmiralApp, kernel: Kernel) => {
        const { providers, flow } = of(kernel);
        siteProviderRoutes(app, providers);
        flow.tenant(app);
      },
    },
  });
}
