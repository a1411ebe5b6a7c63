import { Type } from '@sinclair/typebox';
import type { HostRouter } from '../../kernel/http/host-routing.js';
import { defineModule } from '../../kernel/module.js';
import { defineResource } from '../../kernel/resources/define-resource.js';
import { tenancyPermissions } from './permissions.js';
import { siteRoutes } from './routes.js';
import { domainMappings, sites } from './schema.js';

export { domainMappings, sites } from './schema.js';
export { type SignUpSettings, signUpSettings } from './sign-up-settings.js';
export { SiteService } from './site-service.js';

const HOSTNAME = '^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*(:[0-9]{1,5})?$';

/** Sites (the tenant) and the domains that route to them. */
export function tenancyModule(hostRouter?: HostRouter) {
  return defineModule({
    name: 'tenancy',
    tables: { sites, domainMappings },
    permissions: tenancyPermissions,
    resources: [
      defineResource({
        name: 'domain',
        plural: 'domains',
        label: 'Domain',
        pluralLabel: 'Domains',
        description: 'A host name that routes requests to this site',
        table: domainMappings,
        writable: ['domainName', 'type', 'isPrimary', 'verificationStatus', 'isActive'],
        filters: ['type', 'isActive', 'isPrimary', 'verificationStatus'],
        sortable: ['domainName', 'createdAt'],
        search: ['domainName'],
        listColumns: ['domainName', 'type', 'isPrimary', 'verificationStatus', 'isActive', 'createdAt'],
        fieldSchemas: { domainName: Type.String({ pattern: HOSTNAME, maxLength: 259, description: 'Host name, optionally with :port' }) },
        normalize: (values) => (typeof values.domainName === 'string' ? { ...values, domainName: values.domainName.toLowerCase() } : values),
        afterCommit: (change) => hostRouter?.apply(change),
        ui: { titleField: 'domainName', group: 'Site', labels: { verificationStatus: 'Verification' } },
      }),
    ],
    routes: { platform: siteRoutes },
  });
}
