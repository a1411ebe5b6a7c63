import { defineConsoleModule } from '../../app/module';
import { inboxRoute } from './routes';

/** The review inbox: approval requests waiting for the caller, all pending ones, and acting on them. */
export const approvalsModule = defineConsoleModule({
  name: 'approvals',
  label: 'Content',
  nav: [{ label: 'Review inbox', to: 'reviews', scope: 'site', permission: 'approvals.read' }],
  siteRoutes: [inboxRoute],
});
