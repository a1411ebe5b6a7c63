import { defineConsoleModule } from '../../app/module';
import { roleRoute, rolesRoute } from './routes';

export const rolesModule = defineConsoleModule({
  name: 'roles',
  label: 'Access',
  nav: [{ label: 'Roles', to: 'roles', scope: 'site', permission: 'roles.read' }],
  siteRoutes: [rolesRoute, roleRoute],
});
