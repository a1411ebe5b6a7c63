import { defineConsoleModule } from '../../app/module';
import { mailOutboxRoute } from './routes';

export const mailModule = defineConsoleModule({
  name: 'mail',
  label: 'Mail',
  nav: [{ label: 'Mail outbox', to: 'mail', scope: 'platform', group: 'Platform' }],
  platformRoutes: [mailOutboxRoute],
});
