import { defineConsoleModule } from '../../app/module';
import { apiKeysRoute } from './routes';

export const apiKeysModule = defineConsoleModule({
  name: 'api-keys',
  label: 'Access',
  nav: [{ label: 'API keys', to: 'api-keys', scope: 'site', permission: 'api-keys.read' }],
  siteRoutes: [apiKeysRoute],
});
