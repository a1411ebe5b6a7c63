import { type FieldError, unprocessable } from '../../kernel/http/problem.js';
import type { CatalogPermission } from '../../kernel/module.js';
import type { RoleGrant } from './system-roles.js';

type Refusal = FieldError & { code: 'unknown_permission' | 'condition_not_supported' | 'duplicate_permission' };

/** The site-level permissions roles and API keys may grant, read from the module catalog. */
export class GrantableCatalog {
  private readonly byKey: ReadonlyMap<string, CatalogPermission>;

  constructor(catalog: readonly CatalogPermission[]) {
    this.byKey = new Map(catalog.filter((p) => p.scope === 'site').map((p) => [p.key, p]));
  }

  /**
   * 422 for grants that cannot be made: keys that are not site-level catalog permissions, 'own' on a
   * permission whose records have no owner, repeated keys. Every bad item is listed; the code names the first.
   */
  assertGrantable(grants: readonly RoleGrant[], pointer: (index: number) => string): void {
    const seen = new Set<string>();
    const refusals: Refusal[] = [];
    grants.forEach((grant, index) => {
      const at = { in: 'body' as const, pointer: pointer(index) };
      const permission = this.byKey.get(grant.key);
      if (!permission) refusals.push({ ...at, code: 'unknown_permission', detail: `${grant.key} is not a site permission in the catalog` });
      else if (grant.condition === 'own' && !permission.ownable)
        refusals.push({ ...at, code: 'condition_not_supported', detail: `${grant.key} cannot be limited to own records (they record no owner)` });
      else if (seen.has(grant.key)) refusals.push({ ...at, code: 'duplicate_permission', detail: `${grant.key} is listed more than once` });
      seen.add(grant.key);
    });
    const first = refusals[0];
    if (!first) return;
    const errors = refusals.map(({ in: where, pointer: p, detail }) => ({ in: where, pointer: p, detail }));
    throw unprocessable(first.code, `${first.detail}${refusals.length > 1 ? ` (and ${refusals.length - 1} more)` : ''}.`, errors);
  }
}
