import { defineConsoleModule } from '../../app/module';

export const overviewModule = defineConsoleModule({
  name: 'overview',
  label: 'Site',
  nav: [{ label: 'Overview', to: '', scope: 'site' }],
});
