import type { ConsoleModule } from '../app/module';
import { apiKeysModule } from './api-keys';
import { auditModule } from './audit';
import { mailModule } from './mail';
import { overviewModule } from './overview';
import { resourcesModule } from './resources';
import { rolesModule } from './roles';
import { sitesModule } from './sites';
import { ssoModule } from './sso';
import { usersModule } from './users';

/** Every console module, in sidebar order. A new module is one line here (see docs/console.md). */
export const consoleModules: ConsoleModule[] = [
  overviewModule,
  resourcesModule,
  usersModule,
  rolesModule,
  apiKeysModule,
  auditModule,
  sitesModule,
  ssoModule,
  mailModule,
];
