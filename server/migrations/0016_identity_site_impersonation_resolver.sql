-- Site admins impersonate members of their own site only: such a session records the site
-- (sessions.impersonation_site_id, set once at insert and never changed, so the sessions trigger of 0014
-- needs no new condition) and resolves with no permissions on any other site. Same signature as in 0014;
-- the RETURNS columns gain impersonation_site_id.
DROP FUNCTION admiral_resolve_session(text, uuid, integer, boolean);
--> statement-breakpoint
CREATE FUNCTION admiral_resolve_session(p_token_hash text, p_site uuid, p_idle_seconds integer, p_via_cookie boolean)
RETURNS TABLE (session_id uuid, user_id uuid, impersonated_by uuid, impersonation_site_id uuid, is_super_admin boolean,
               two_factor_verified boolean, permissions text[], own_permissions text[], slid boolean, idle_until timestamptz, valid_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  s record;
BEGIN
  SELECT se.id, se.user_id, se.impersonated_by, se.two_factor_verified, se.last_seen_at, se.idle_expires_at, se.expires_at, se.token_expires_at,
         se.via_cookie, se.impersonation_site_id, u.is_super_admin INTO s
  FROM sessions se JOIN users u ON u.id = se.user_id
  WHERE se.token_hash = p_token_hash AND se.revoked_at IS NULL AND se.expires_at > now() AND se.idle_expires_at > now()
    AND (se.token_expires_at > now() OR (p_via_cookie AND se.via_cookie))
    AND u.status = 'active' AND (NOT u.banned OR (u.ban_expires IS NOT NULL AND u.ban_expires <= now()));
  IF NOT FOUND THEN
    RETURN;
  END IF;
  slid := false;
  idle_until := s.idle_expires_at;
  -- Sliding idle expiry, written at most once a minute per session.
  IF s.last_seen_at < now() - interval '60 seconds' THEN
    idle_until := least(s.expires_at, now() + make_interval(secs => p_idle_seconds));
    UPDATE sessions SET last_seen_at = now(), idle_expires_at = idle_until WHERE id = s.id;
    slid := true;
  END IF;
  session_id := s.id;
  -- The bearer token's own expiry binds unless the token came in the cookie of a cookie session.
  valid_until := least(s.expires_at, idle_until, CASE WHEN p_via_cookie AND s.via_cookie THEN NULL ELSE s.token_expires_at END);
  user_id := s.user_id;
  impersonated_by := s.impersonated_by;
  impersonation_site_id := s.impersonation_site_id;
  is_super_admin := s.is_super_admin AND s.impersonated_by IS NULL;
  two_factor_verified := s.two_factor_verified;
  permissions := '{}';
  own_permissions := '{}';
  -- A site admin's impersonation holds nothing anywhere but the site it was started on.
  IF p_site IS NOT NULL AND (s.impersonation_site_id IS NULL OR s.impersonation_site_id = p_site) THEN
    PERFORM set_config('app.rls_bypass', 'on', true);
    SELECT coalesce(array_agg(rp.permission_key) FILTER (WHERE rp.condition IS NULL), '{}'),
           coalesce(array_agg(rp.permission_key) FILTER (WHERE rp.condition = 'own'), '{}')
      INTO permissions, own_permissions
    FROM memberships m JOIN role_permissions rp ON rp.role_id = m.role_id
    WHERE m.user_id = s.user_id AND m.site_id = p_site AND m.revoked_at IS NULL;
    PERFORM set_config('app.rls_bypass', '', true);
  END IF;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION admiral_resolve_session(text, uuid, integer, boolean) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION admiral_resolve_session(text, uuid, integer, boolean) TO admiral_runtime, admiral_app;
