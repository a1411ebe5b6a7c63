import type { Config } from '../config.js';
import type { HostRouter } from '../kernel/http/host-routing.js';
import type { JobDefinition } from '../kernel/jobs/queue.js';
import type { Mailer } from '../kernel/mail/mailer.js';
import type { ModuleDefinition } from '../kernel/module.js';
import { systemModule } from '../kernel/system-module.js';
import { accessModule } from './access/index.js';
import { auditModule } from './audit/index.js';
import { cmsModule } from './cms/index.js';
import { identityModule } from './identity/index.js';
import { mediaModule } from './media/index.js';
import { setupModule } from './setup/index.js';
import { ssoModule } from './sso/index.js';
import { tenancyModule } from './tenancy/index.js';
import { WorkflowEngine, workflowsModule } from './workflows/index.js';

/** The module list, in dependency order. A new module is one line here. */
export function createModules(dependencies: { hostRouter?: HostRouter; mailer?: Mailer; config?: Config }): ModuleDefinition[] {
  const modules: ModuleDefinition[] = [];
  modules.push(systemModule({ modules: () => modules, mailer: dependencies.mailer }), tenancyModule(dependencies.hostRouter), identityModule());
  modules.push(accessModule({ modules: () => modules }));
  modules.push(auditModule());
  modules.push(ssoModule());
  modules.push(setupModule());
  const workflows = new WorkflowEngine();
  modules.push(mediaModule({ config: dependencies.config }), workflowsModule(workflows, { modules: () => modules }), cmsModule({ workflows }));
  return modules;
}

export function jobDefinitions(modules: readonly ModuleDefinition[]): JobDefinition[] {
  return modules.flatMap((m) => m.jobs ?? []);
}
