import { useQuery } from '@tanstack/react-query';
import { useMe, usePermissions } from '../../app/session';
import { api, isProblem, unwrap } from '../../lib/api';

const short = (id: string) => `${id.slice(0, 8)}…`;

/**
 * Who did it, as readably as the caller may know: "you", a user's email (super admins can look users up),
 * else the start of the id (the whole id in the tooltip and for screen readers).
 */
export function UserName({ id }: { id: string }) {
  const me = useMe();
  const { superAdmin } = usePermissions(null);
  const user = useQuery({
    queryKey: ['user', id],
    enabled: superAdmin && id !== me.user.id,
    // A user who no longer exists (or a service principal) is shown by id: null is an answer, cached like one.
    queryFn: async () => {
      try {
        return await unwrap(api.GET('/v1/users/{userId}', { params: { path: { userId: id } } }));
      } catch (error) {
        if (isProblem(error, 404)) return null;
        throw error;
      }
    },
    staleTime: 300_000,
    retry: false,
  });
  if (id === me.user.id) return <span title={id}>you</span>;
  if (user.data) return <span title={id}>{user.data.email}</span>;
  return <code title={`user ${id}`}>{short(id)}</code>;
}

export function Actor({ userId, apiKeyId }: { userId: string | null; apiKeyId: string | null }) {
  if (userId) return <UserName id={userId} />;
  if (apiKeyId)
    return (
      <span title={apiKeyId}>
        API key <code>{short(apiKeyId)}</code>
      </span>
    );
  return (
    <span className="muted" title="No signed-in actor (e.g. a failed sign-in, or the system)">
      anonymous
    </span>
  );
}
