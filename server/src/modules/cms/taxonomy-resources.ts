import type { ResourceDefinition } from '../../kernel/resources/define-resource.js';

/** Categories, tags and content templates: plain CRUD through defineResource. (Filled in by the taxonomy work.) */
export const cmsResources: ResourceDefinition[] = [];
