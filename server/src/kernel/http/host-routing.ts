import type { Database } from '../db/transaction.js';

/**
 * Host → site routing from active domain mappings, held in memory so resolving a request's site costs no
 * query. Refreshed on a timer and right after a local change to the mappings.
 */
export class HostRouter {
  private byHost = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  /** First path segments (after /v1/) served by tenant routes; a mapped Host may omit /sites/{siteId}. */
  readonly tenantSegments = new Set<string>();

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
    if (!this.tenantSegments.has(segment)) return url;
    const site = this.siteForHost(host);
    return site ? `/v1/sites/${site}${url.slice(3)}` : url;
  }
}
