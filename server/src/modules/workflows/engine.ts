/** Placeholder: the workflows helper replaces this file with the approval engine (see docs/content.md). */
export class WorkflowEngine {}
