import type { AdmiralApp } from '../../kernel/http/app-types.js';
import type { Kernel } from '../../kernel/module.js';
import type { WorkflowEngine } from '../workflows/index.js';

/** Articles and pages: editing, versions, reviews, publishing. (Filled in by the lifecycle work.) */
export function contentRoutes(_app: AdmiralApp, _kernel: Kernel, _workflows: WorkflowEngine): void {}
