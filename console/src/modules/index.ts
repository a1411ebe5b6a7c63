import type { ConsoleModule } from '../app/module';
import { overviewModule } from './overview';

/** Every console module, in sidebar order. A new module is one line here (see docs/console.md). */
export const consoleModules: ConsoleModule[] = [overviewModule];
