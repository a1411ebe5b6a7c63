import { SingleBar } from 'cli-progress';
import { uuidv7 } from 'uuidv7';
import { databaseAuditWriter, systemActor } from '../kernel/audit/writer.js';
import type { Database } from '../kernel/db/transaction.js';
import { SiteService } from '../modules/tenancy/site-service.js';

const WORDS = ['North', 'Harbor', 'Atlas', 'Beacon', 'Cedar', 'Delta', 'Ember', 'Fjord', 'Granite', 'Horizon', 'Indigo', 'Juniper'];

export interface SeedOptions {
  sites: number;
  domainsPerSite: number;
  progress: boolean;
}

/** Demo data through the same services (and audit trail) the API uses. */
export async function seedDemoData(db: Database, options: SeedOptions): Promise<{ sites: number; domains: number }> {
  const service = new SiteService(databaseAuditWriter);
  const total = options.sites * (1 + options.domainsPerSite);
  const bar = options.progress ? new SingleBar({ format: 'Seeding [{bar}] {percentage}% | {value}/{total} records', hideCursor: true }) : undefined;
  bar?.start(total, 0);
  let domains = 0;
  for (let i = 0; i < options.sites; i++) {
    const word = WORDS[i % WORDS.length] ?? 'Demo';
    const slug = `${word.toLowerCase()}-${uuidv7().slice(-8)}`;
    const site = await db.asPlatform({}, (tx) =>
      service.create(tx, systemActor, { name: `${word} ${i + 1}`, slug, countryCode: 'US', settings: { demo: true } }),
    );
    bar?.increment();
    await db.withTenant({ siteId: site.id }, async (tx) => {
      for (let d = 0; d < options.domainsPerSite; d++) {
        const domainName = `${d === 0 ? 'www' : `app${d}`}.${slug}.example.test`;
        const [row] = (
          await tx.$client.query<{ id: string }>(
            `INSERT INTO domain_mappings (id, site_id, domain_name, type, is_primary, verification_status) VALUES ($1, $2, $3, 'subdomain', $4, 'verified') RETURNING id`,
            [uuidv7(), site.id, domainName, d === 0],
          )
        ).rows;
        await databaseAuditWriter.write(tx, systemActor, {
          siteId: site.id,
          action: 'domain.created',
          category: 'tenancy',
          targetType: 'domain',
          targetId: row?.id,
          after: { domainName },
        });
        domains++;
        bar?.increment();
      }
    });
  }
  bar?.stop();
  return { sites: options.sites, domains };
}
