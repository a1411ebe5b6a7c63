import type { ConsoleModule } from '../app/module';
import { apiKeysModule } from './api-keys';
import { approvalsModule } from './approvals';
import { auditModule } from './audit';
import { contentModule } from './content';
import { mailModule } from './mail';
import { mediaModule } from './media';
import { overviewModule } from './overview';
import { resourcesModule } from './resources';
import { rolesModule } from './roles';
import { sitesModule } from './sites';
import { ssoModule } from './sso';
import { usersModule } from './users';

/** Every console module, in sidebar order. A new module is one line here (see docs/console.md). */
export const consoleModules: ConsoleModule[] = [
  overviewModule,
  contentModule,
  approvalsModule,
  mediaModule,
  resourcesModule,
  usersModule,
  rolesModule,
  apiKeysModule,
  auditModule,
  sitesModule,
  ssoModule,
  mailModule,
];
