import { and, asc, desc, eq, gt, ilike, lt, or, type SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { AuditActor, AuditWriter } from '../audit/writer.js';
import type { Principal } from '../auth/principal.js';
import { escapeLike } from '../db/like.js';
import type { Tx } from '../db/transaction.js';
import { assertIfMatch, etagOf } from '../http/etag.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, encodeCursor, pageFrom } from '../http/pagination.js';
import { forbidden, notFound } from '../http/problem.js';
import { CompiledQueries } from './compiled-query.js';
import type { ResourceDefinition } from './define-resource.js';

type Row = Record<string, unknown>;

/** Who asks, for row conditions: a request's principal, or null for system work (no row condition). */
export type Caller = Principal | null;

export interface ListQuery {
  limit?: number;
  cursor?: string;
  sort?: string;
  q?: string;
  [filter: string]: unknown;
}

/**
 * Test hook: turn off the application's own site filter (wall 1) so a test can prove RLS (wall 2) alone
 * isolates tenants. Never set outside tests.
 */
export const isolationTesting = { skipApplicationSiteFilter: false };

/** Generic CRUD for a resource inside a tenant transaction; every write records its audit row in the same tx. */
export class ResourceService {
  private readonly table: PgTable;
  private readonly col: Record<string, PgColumn>;

  constructor(
    private readonly resource: ResourceDefinition,
    private readonly audit: AuditWriter,
  ) {
    this.table = resource.options.table;
    this.col = resource.columns;
    this.compiled = new CompiledQueries(`list_${resource.options.plural.replace(/\W/g, '_')}`, resource.columns);
  }

  private readonly compiled: CompiledQueries;
  /** Builds SQL text only (never executes): the compiled queries run on each request's own connection. */
  private readonly dialectFree = drizzle.mock();

  private siteScope(siteId: string): SQL[] {
    return isolationTesting.skipApplicationSiteFilter ? [] : [eq(this.col.siteId as PgColumn, siteId)];
  }

  /** The caller's user id when `permission` is granted to them only on their own rows (condition 'own'); null when unrestricted. */
  private ownOnly(siteId: string, caller: Caller, permission: string): string | null {
    if (!caller || caller.superAdmin || !caller.ownOnlyOn(siteId).has(permission)) return null;
    if (!this.resource.options.ownerColumn || !caller.userId) {
      throw forbidden(
        'ownership_not_supported',
        `${permission} is granted to you only on your own records, and ${this.resource.options.pluralLabel.toLowerCase()} record no owner.`,
      );
    }
    return caller.userId;
  }

  /** WHERE terms for a row operation: the site, and the owner when the caller's permission is limited to their own rows. */
  private rowScope(siteId: string, caller: Caller, permission: string): SQL[] {
    const owner = this.ownOnly(siteId, caller, permission);
    const ownerColumn = this.resource.options.ownerColumn;
    return [...this.siteScope(siteId), ...(owner && ownerColumn ? [eq(this.col[ownerColumn] as PgColumn, owner)] : [])];
  }

  async list(tx: Tx, siteId: string, query: ListQuery, caller: Caller): Promise<{ data: Row[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const sortSpec = query.sort ?? '-id';
    const descending = sortSpec.startsWith('-');
    const sortField = descending ? sortSpec.slice(1) : sortSpec;
    const owner = this.ownOnly(siteId, caller, this.resource.permissions.read);
    const filters = (this.resource.options.filters ?? []).filter((field) => query[field] !== undefined);
    const search = query.q && this.resource.options.search?.length ? query.q : undefined;
    const cursor = query.cursor ? decodeCursor(query.cursor, sortSpec) : undefined;
    const siteFiltered = !isolationTesting.skipApplicationSiteFilter;
    // Everything that changes the SQL text is in the shape; everything else is a bound value.
    const shape = `${sortSpec}|${filters.join(',')}|${search ? 'q' : ''}|${cursor ? 'c' : ''}|${owner ? 'o' : ''}|${siteFiltered ? 's' : ''}`;
    const values: Record<string, unknown> = {
      site: siteId,
      owner,
      limit: limit + 1,
      q: search && `%${escapeLike(search)}%`,
      cursorValue: cursor?.value,
      cursorId: cursor?.id,
    };
    for (const field of filters) values[`f_${field}`] = query[field];
    const rows = await this.compiled.run(
      tx,
      shape,
      () => this.buildList({ sortField, descending, filters, search: Boolean(search), cursor: Boolean(cursor), owner: Boolean(owner), siteFiltered }),
      values,
    );
    return pageFrom(rows, limit, (last) =>
      encodeCursor({ sort: sortSpec, value: (last[sortField] ?? null) as string | number | boolean | null, id: String(last.id) }),
    );
  }

  /** The list query for one shape, with placeholders for every value (compiled once, then prepared). */
  private buildList(shape: {
    sortField: string;
    descending: boolean;
    filters: string[];
    search: boolean;
    cursor: boolean;
    owner: boolean;
    siteFiltered: boolean;
  }) {
    const sortColumn = this.col[shape.sortField] as PgColumn;
    const idColumn = this.col.id as PgColumn;
    const conditions: SQL[] = [];
    if (shape.siteFiltered) conditions.push(eq(this.col.siteId as PgColumn, sql.placeholder('site')));
    const ownerColumn = this.resource.options.ownerColumn;
    if (shape.owner && ownerColumn) conditions.push(eq(this.col[ownerColumn] as PgColumn, sql.placeholder('owner')));
    for (const field of shape.filters) conditions.push(eq(this.col[field] as PgColumn, sql.placeholder(`f_${field}`)));
    if (shape.search) {
      const matches = (this.resource.options.search ?? []).map((f) => ilike(this.col[f] as PgColumn, sql.placeholder('q')));
      conditions.push(matches.length === 1 ? (matches[0] as SQL) : (or(...matches) as SQL));
    }
    if (shape.cursor) {
      const beyond = shape.descending ? lt : gt;
      conditions.push(
        shape.sortField === 'id'
          ? beyond(idColumn, sql.placeholder('cursorId'))
          : (or(
              beyond(sortColumn, sql.placeholder('cursorValue')),
              and(eq(sortColumn, sql.placeholder('cursorValue')), beyond(idColumn, sql.placeholder('cursorId'))),
            ) as SQL),
      );
    }
    const order = shape.descending ? desc : asc;
    return this.dialectFree
      .select()
      .from(this.table)
      .where(and(...conditions))
      .orderBy(...(shape.sortField === 'id' ? [order(idColumn)] : [order(sortColumn), order(idColumn)]))
      .limit(sql.placeholder('limit'));
  }

  async get(tx: Tx, siteId: string, id: string, caller: Caller): Promise<Row> {
    return this.find(tx, id, this.rowScope(siteId, caller, this.resource.permissions.read), false);
  }

  private async find(tx: Tx, id: string, scope: SQL[], forUpdate: boolean): Promise<Row> {
    const base = tx
      .select()
      .from(this.table)
      .where(and(eq(this.col.id as PgColumn, id), ...scope));
    const rows = (await (forUpdate ? base.for('update') : base)) as Row[];
    const row = rows[0];
    if (!row) throw notFound(this.resource.options.label, `${this.resource.options.label} ${id} was not found.`);
    return row;
  }

  async create(tx: Tx, siteId: string, actor: AuditActor, input: Row, caller: Caller): Promise<Row> {
    const values = { ...this.normalize(input) };
    const ownerColumn = this.resource.options.ownerColumn;
    const owner = this.ownOnly(siteId, caller, this.resource.permissions.create);
    // What a caller creates is theirs: forced when they may create only their own, defaulted otherwise.
    if (ownerColumn && owner) values[ownerColumn] = owner;
    else if (ownerColumn && values[ownerColumn] === undefined && caller?.userId) values[ownerColumn] = caller.userId;
    const [row] = (await tx
      .insert(this.table)
      .values({ ...values, siteId } as never)
      .returning()) as Row[];
    const created = row as Row;
    await this.audit.write(tx, actor, {
      siteId,
      action: `${this.resource.options.name}.created`,
      category: this.resource.module ?? 'resources',
      targetType: this.resource.options.name,
      targetId: String(created.id),
      after: created,
    });
    return created;
  }

  async update(tx: Tx, siteId: string, actor: AuditActor, id: string, input: Row, ifMatch: string | undefined, caller: Caller): Promise<Row> {
    const scope = this.rowScope(siteId, caller, this.resource.permissions.update);
    const before = await this.find(tx, id, scope, true);
    assertIfMatch(ifMatch, etagOf(before));
    const values = this.normalize(input);
    const ownerColumn = this.resource.options.ownerColumn;
    const owner = this.ownOnly(siteId, caller, this.resource.permissions.update);
    if (ownerColumn && owner && values[ownerColumn] !== undefined && values[ownerColumn] !== owner) {
      throw forbidden('ownership_transfer_denied', 'You may change only your own records, and cannot give them to someone else.');
    }
    const [row] = (await tx
      .update(this.table)
      .set(values as never)
      .where(and(eq(this.col.id as PgColumn, id), ...scope))
      .returning()) as Row[];
    const after = row as Row;
    // The audit records what changed: a field sent with the value it already had is not a change.
    const changed = Object.keys(values).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    await this.audit.write(tx, actor, {
      siteId,
      action: `${this.resource.options.name}.updated`,
      category: this.resource.module ?? 'resources',
      targetType: this.resource.options.name,
      targetId: id,
      before: pick(before, changed),
      after: pick(after, changed),
    });
    return after;
  }

  async remove(tx: Tx, siteId: string, actor: AuditActor, id: string, ifMatch: string | undefined, caller: Caller): Promise<void> {
    const scope = this.rowScope(siteId, caller, this.resource.permissions.delete);
    const before = await this.find(tx, id, scope, true);
    assertIfMatch(ifMatch, etagOf(before));
    await tx.delete(this.table).where(and(eq(this.col.id as PgColumn, id), ...scope));
    await this.audit.write(tx, actor, {
      siteId,
      action: `${this.resource.options.name}.deleted`,
      category: this.resource.module ?? 'resources',
      targetType: this.resource.options.name,
      targetId: id,
      before,
    });
  }

  private normalize(input: Row): Row {
    return this.resource.options.normalize ? this.resource.options.normalize({ ...input }) : input;
  }
}

function pick(row: Row, keys: string[]): Row {
  return Object.fromEntries(keys.map((k) => [k, row[k]]));
}
