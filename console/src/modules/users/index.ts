import { defineConsoleModule } from '../../app/module';
import { membersRoute, userRoute, usersRoute } from './routes';

export const usersModule = defineConsoleModule({
  name: 'users',
  label: 'People',
  nav: [
    { label: 'Members', to: 'memberships', scope: 'site', permission: 'memberships.read', group: 'Access' },
    { label: 'Users', to: 'users', scope: 'platform' },
  ],
  siteRoutes: [membersRoute],
  platformRoutes: [usersRoute, userRoute],
});
