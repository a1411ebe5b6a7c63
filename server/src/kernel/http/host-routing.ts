import type { Database } from '../db/transaction.js';
import type { ResourceChange } from '../resources/define-resource.js';

/**
 * Host → site routing from active domain mappings, held in memory so resolving a request's site costs no
 * query. A local change is applied at once (no query); a full re-read runs on a timer (changes made by other
 * processes) and, coalesced, when a local change cannot be applied by itself.
 */
export class HostRouter {
  private byHost = new Map<string, string>();
  /** Host name of each mapping changed locally since the last full read (to undo a rename or delete). */
  private hostById = new Map<string, string>();
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private timer: NodeJS.Timeout | undefined;
  /** First path segments (after /v1/) served by tenant routes; a mapped Host may omit /sites/{siteId}. */
  readonly tenantSegments = new Set<string>();
  /** First path segments of platform routes: never rewritten (`/v1/users` stays the platform list on any host). */
  readonly platformSegments = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async start(refreshMs = 30_000): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => this.refresh().catch(this.onError), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async refresh(): Promise<void> {
    const rows = await this.db.asPlatform(
      {},
      async (tx) => (await tx.$client.query<{ domain_name: string; site_id: string }>('SELECT domain_name, site_id FROM admiral_active_domains()')).rows,
    );
    this.byHost = new Map(rows.map((r) => [r.domain_name, r.site_id]));
    this.hostById.clear();
  }

  /** One full re-read at a time; requests during one run it once more afterwards. */
  requestRefresh(): void {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = this.refresh()
      .catch(this.onError)
      .finally(() => {
        this.refreshing = undefined;
        if (this.refreshAgain) {
          this.refreshAgain = false;
          this.requestRefresh();
        }
      });
  }

  /** Applies a committed change to a domain mapping without a query when it can. */
  apply(change: ResourceChange): void {
    const previous = this.hostById.get(change.id);
    // A mapping read by the last full refresh: its old host name is unknown here, so re-read.
    if (change.kind !== 'created' && previous === undefined) {
      this.requestRefresh();
      return;
    }
    if (previous !== undefined) this.byHost.delete(previous);
    const row = change.row as { domainName?: unknown; siteId?: unknown; isActive?: unknown } | null;
    if (!row) {
      this.hostById.delete(change.id);
      return;
    }
    if (typeof row.domainName !== 'string' || typeof row.siteId !== 'string') {
      this.requestRefresh();
      return;
    }
    if (row.isActive === true) this.byHost.set(row.domainName, row.siteId);
    this.hostById.set(change.id, row.domainName);
  }

  siteForHost(host: string | undefined): string | undefined {
    if (!host) return undefined;
    const lower = host.toLowerCase();
    return this.byHost.get(lower) ?? this.byHost.get(lower.replace(/:\d+$/, ''));
  }

  /** `/v1/<tenant-route>` on a mapped host → `/v1/sites/<site>/<tenant-route>`; anything else unchanged. */
  rewrite(url: string, host: string | undefined): string {
    if (!url.startsWith('/v1/') || url.startsWith('/v1/sites/') || this.byHost.size === 0) return url;
    const segment = url.slice(4).split(/[/?#]/, 1)[0] ?? '';
    if (!this.tenantSegments.has(segment) || this.platformSegments.has(segment)) return url;
    const site = this.siteForHost(host);
    return site ? `/v1/sites/${site}${url.slice(3)}` : url;
  }
}
