import type { JobDefinition } from '../../kernel/jobs/queue.js';

/** Scheduled publishing. (Filled in by the lifecycle work.) */
export const cmsJobs: JobDefinition[] = [];
