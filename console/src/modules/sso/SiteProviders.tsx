import { siteRoute } from '../../app/routes';
import { usePermissions } from '../../app/session';
import { ProvidersScreen } from './ProvidersScreen';

export default function SiteProviders() {
  const { site } = siteRoute.useRouteContext();
  const permissions = usePermissions(site.id);
  return (
    <ProvidersScreen
      key={site.id}
      home={{ kind: 'site', siteId: site.id }}
      title="Single sign-on"
      subtitle={`OpenID Connect providers of ${site.name}: offered on the sign-in page with ?site=${site.slug}, and able to make first-time visitors members.`}
      canManage={permissions.can('sso.manage')}
    />
  );
}
