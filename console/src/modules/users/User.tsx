import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { ErrorState, Loading } from '../../components/States';
import { userRoute } from './routes';
import type { UserTab } from './search';
import { type Tab, Tabs } from './Tabs';
import { UserActions } from './UserActions';
import { UserActivity } from './UserActivity';
import { UserMemberships } from './UserMemberships';
import { UserOverview } from './UserOverview';
import { UserDevices, UserSessions } from './UserSessions';
import { displayName, UserBadges, userQuery } from './user-api';
import './users.css';

const TABS: ReadonlyArray<Tab<UserTab>> = [
  { key: 'overview', label: 'Overview' },
  { key: 'sessions', label: 'Sessions' },
  { key: 'devices', label: 'Devices' },
  { key: 'memberships', label: 'Memberships' },
  { key: 'activity', label: 'Activity' },
];

/** One user: who they are, what an administrator can do to them, and their sessions, devices, sites and activity. */
export default function User() {
  const { userId } = userRoute.useParams();
  const { tab = 'overview' } = userRoute.useSearch();
  const navigate = useNavigate();
  const detail = useQuery(userQuery(userId));

  if (detail.isLoading) return <Loading />;
  if (detail.error || !detail.data) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} title="This user could not be loaded" />;
  const { user, etag } = detail.data;

  return (
    <div className="page">
      <p className="users-breadcrumb">
        <Link to="/platform/users">Users</Link> <span aria-hidden="true">›</span> <span className="muted">{user.email}</span>
      </p>
      <header className="page-header users-header">
        <div className="users-identity">
          <span className="avatar users-avatar" aria-hidden="true">
            {displayName(user).slice(0, 1).toUpperCase()}
          </span>
          <div>
            <h1>{displayName(user)}</h1>
            <p className="muted">
              {user.email}
              {user.username ? ` · @${user.username}` : ''}
            </p>
            <UserBadges user={user} />
          </div>
        </div>
        <UserActions user={user} etag={etag} />
      </header>
      {user.banned && user.banReason ? (
        <p className="notice" role="note">
          Banned: {user.banReason}
        </p>
      ) : null}
      <Tabs
        label="User details"
        tabs={TABS}
        selected={tab}
        onSelect={(next) => void navigate({ to: `/platform/users/${userId}`, search: next === 'overview' ? {} : { tab: next }, replace: true })}
      >
        {tab === 'overview' ? <UserOverview user={user} /> : null}
        {tab === 'sessions' ? <UserSessions user={user} /> : null}
        {tab === 'devices' ? <UserDevices user={user} /> : null}
        {tab === 'memberships' ? <UserMemberships user={user} /> : null}
        {tab === 'activity' ? <UserActivity user={user} /> : null}
      </Tabs>
    </div>
  );
}
