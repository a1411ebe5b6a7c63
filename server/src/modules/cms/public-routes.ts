import type { AdmiralApp } from '../../kernel/http/app-types.js';
import type { Kernel } from '../../kernel/module.js';

/** (Filled in by the search / public-read work.) */
export function publicRoutes(_app: AdmiralApp, _kernel: Kernel): void {}
