import { defineConsoleModule } from '../../app/module';
import { platformProvidersRoute, siteProvidersRoute } from './routes';

export const ssoModule = defineConsoleModule({
  name: 'sso',
  label: 'Single sign-on',
  nav: [
    { label: 'Single sign-on', to: 'sso-providers', scope: 'site', permission: 'sso.read', group: 'Site' },
    { label: 'Single sign-on', to: 'sso-providers', scope: 'platform', group: 'Platform' },
  ],
  siteRoutes: [siteProvidersRoute],
  platformRoutes: [platformProvidersRoute],
});
