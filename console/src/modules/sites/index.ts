import { defineConsoleModule } from '../../app/module';
import { platformSitesRoute, siteSettingsRoute } from './routes';

export const sitesModule = defineConsoleModule({
  name: 'sites',
  label: 'Sites',
  nav: [
    { label: 'Settings', to: 'settings', scope: 'site', permission: 'sites.update', group: 'Site' },
    { label: 'Sites', to: 'sites', scope: 'platform', group: 'Platform' },
  ],
  siteRoutes: [siteSettingsRoute],
  platformRoutes: [platformSitesRoute],
});
