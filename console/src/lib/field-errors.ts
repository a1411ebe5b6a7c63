import { AdmiralError } from '@admiral/sdk';

/** Field errors of a problem, keyed by JSON pointer (`/admin/password`), from `errors[]` entries `in: body`. */
export type FieldErrors = Record<string, string>;

export function fieldErrorsOf(error: unknown): FieldErrors {
  if (!(error instanceof AdmiralError)) return {};
  const out: FieldErrors = {};
  for (const entry of error.problem.errors ?? []) {
    if (entry.in !== 'body') continue;
    out[entry.pointer || '/'] ??= entry.detail;
  }
  return out;
}

/** The error for a field: its own pointer, or the nearest parent's (`/site` explains `/site/slug` too). */
export function errorFor(errors: FieldErrors, pointer: string): string | undefined {
  if (errors[pointer]) return errors[pointer];
  const parts = pointer.split('/');
  while (parts.length > 1) {
    parts.pop();
    const parent = parts.join('/');
    if (parent && errors[parent]) return errors[parent];
  }
  return undefined;
}

/** Whether some error is not shown on any of the given fields (so the form shows the problem's detail). */
export function hasUnplacedErrors(error: unknown, pointers: readonly string[]): boolean {
  if (!(error instanceof AdmiralError)) return error !== null && error !== undefined;
  const errors = fieldErrorsOf(error);
  const keys = Object.keys(errors);
  if (keys.length === 0) return true;
  return keys.some((key) => !pointers.some((p) => p === key || p.startsWith(`${key}/`)));
}
