import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useNavigate } from '@tanstack/react-router';
import { useMe } from '../session';
import { useSignOut } from './sign-out';

export function UserMenu() {
  const me = useMe();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const name = me.user.displayName ?? me.user.name ?? me.user.username ?? me.user.email;
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="button button-ghost user-button" aria-label={`Account menu for ${name}`}>
        <span className="avatar" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
        <span className="user-name">{name}</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={4}>
          <DropdownMenu.Label className="menu-label">
            {me.user.email}
            {me.user.isSuperAdmin ? ' · super admin' : ''}
          </DropdownMenu.Label>
          <DropdownMenu.Item className="menu-item" onSelect={() => navigate({ to: '/profile' })}>
            Profile and security
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="menu-separator" />
          <DropdownMenu.Item className="menu-item" onSelect={() => void signOut()}>
            Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
