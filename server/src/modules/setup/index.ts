import { defineModule } from '../../kernel/module.js';
import { setupRoutes } from './routes.js';

/** First-run onboarding: the first super admin and site, created from the console (or with curl). */
export function setupModule() {
  return defineModule({ name: 'setup', routes: { platform: setupRoutes } });
}
