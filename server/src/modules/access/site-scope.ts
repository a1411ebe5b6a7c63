import { eq, isNull, or, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { isolationTesting } from '../../kernel/resources/service.js';

/**
 * The application's own site filter (wall 1; RLS is wall 2). Tests switch it off through
 * `isolationTesting.skipApplicationSiteFilter` to prove RLS alone isolates sites.
 */
export function ofSite(column: PgColumn, siteId: string): SQL[] {
  return isolationTesting.skipApplicationSiteFilter ? [] : [eq(column, siteId)];
}

/** Rows of this site, or shared by every site (site_id null: the system roles). */
export function ofSiteOrSystem(column: PgColumn, siteId: string): SQL[] {
  return isolationTesting.skipApplicationSiteFilter ? [] : [or(isNull(column), eq(column, siteId)) as SQL];
}
