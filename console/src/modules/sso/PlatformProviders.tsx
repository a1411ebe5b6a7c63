import { usePermissions } from '../../app/session';
import { EmptyState } from '../../components/States';
import { ProvidersScreen } from './ProvidersScreen';

export default function PlatformProviders() {
  const { superAdmin } = usePermissions(null);
  if (!superAdmin) return <EmptyState title="Super admins only">Platform-wide providers are managed by super admins. Each site can have its own.</EmptyState>;
  return (
    <ProvidersScreen
      home={{ kind: 'platform' }}
      title="Platform single sign-on"
      subtitle="OpenID Connect providers offered on every sign-in page. Sites can add their own."
      canManage
    />
  );
}
