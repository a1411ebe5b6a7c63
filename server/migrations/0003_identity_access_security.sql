-- Hand-written: FORCE RLS, audit-log narrowing, and the definer functions that resolve callers.

ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE roles FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE role_permissions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY memberships_owner_maintenance ON memberships AS PERMISSIVE FOR SELECT TO CURRENT_USER
  USING (current_setting('app.rls_bypass', true) = 'on');
--> statement-breakpoint
CREATE POLICY api_keys_owner_maintenance ON api_keys AS PERMISSIVE FOR ALL TO CURRENT_USER
  USING (current_setting('app.rls_bypass', true) = 'on');
--> statement-breakpoint
CREATE POLICY roles_owner_maintenance ON roles AS PERMISSIVE FOR ALL TO CURRENT_USER
  USING (current_setting('app.rls_bypass', true) = 'on');
--> statement-breakpoint
CREATE POLICY role_permissions_owner_maintenance ON role_permissions AS PERMISSIVE FOR ALL TO CURRENT_USER
  USING (current_setting('app.rls_bypass', true) = 'on');
--> statement-breakpoint

-- Resolves a session token (its SHA-256) to the caller and their permissions on one site, in one call the
-- runtime login may make without a transaction. Nothing is returned for unknown, revoked, expired or idle
-- sessions, or for users who are not active or are banned (a ban whose expiry has passed no longer counts).
CREATE FUNCTION admiral_resolve_session(p_token_hash text, p_site uuid, p_idle_seconds integer)
RETURNS TABLE (session_id uuid, user_id uuid, impersonated_by uuid, is_super_admin boolean,
               two_factor_verified boolean, permissions text[], own_permissions text[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  s record;
BEGIN
  SELECT se.id, se.user_id, se.impersonated_by, se.two_factor_verified, se.last_seen_at, u.is_super_admin INTO s
  FROM sessions se JOIN users u ON u.id = se.user_id
  WHERE se.token_hash = p_token_hash AND se.revoked_at IS NULL AND se.token_expires_at > now() AND se.expires_at > now() AND se.idle_expires_at > now()
    AND u.status = 'active' AND (NOT u.banned OR (u.ban_expires IS NOT NULL AND u.ban_expires <= now()));
  IF NOT FOUND THEN
    RETURN;
  END IF;
  -- Sliding idle expiry, written at most once a minute per session.
  IF s.last_seen_at < now() - interval '60 seconds' THEN
    UPDATE sessions SET last_seen_at = now(), idle_expires_at = least(expires_at, now() + make_interval(secs => p_idle_seconds))
    WHERE id = s.id;
  END IF;
  session_id := s.id;
  user_id := s.user_id;
  impersonated_by := s.impersonated_by;
  is_super_admin := s.is_super_admin AND s.impersonated_by IS NULL;
  two_factor_verified := s.two_factor_verified;
  permissions := '{}';
  own_permissions := '{}';
  IF p_site IS NOT NULL THEN
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
REVOKE ALL ON FUNCTION admiral_resolve_session(text, uuid, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION admiral_resolve_session(text, uuid, integer) TO admiral_runtime, admiral_app;
--> statement-breakpoint

-- Resolves an API key by its public prefix and the SHA-256 of the whole key. Revoked or expired keys, and
-- keys of inactive sites, resolve to nothing. last_used_at is written at most once a minute.
CREATE FUNCTION admiral_resolve_api_key(p_prefix text, p_secret_hash text)
RETURNS TABLE (api_key_id uuid, site_id uuid, permissions text[], created_by uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  k record;
BEGIN
  PERFORM set_config('app.rls_bypass', 'on', true);
  SELECT a.id, a.site_id, a.permissions, a.created_by, a.secret_hash, a.last_used_at INTO k
  FROM api_keys a JOIN sites st ON st.id = a.site_id
  WHERE a.prefix = p_prefix AND a.revoked_at IS NULL AND (a.expires_at IS NULL OR a.expires_at > now()) AND st.status = 'active';
  IF NOT FOUND OR k.secret_hash <> p_secret_hash THEN
    PERFORM set_config('app.rls_bypass', '', true);
    RETURN;
  END IF;
  IF k.last_used_at IS NULL OR k.last_used_at < now() - interval '60 seconds' THEN
    UPDATE api_keys SET last_used_at = now() WHERE id = k.id;
  END IF;
  PERFORM set_config('app.rls_bypass', '', true);
  api_key_id := k.id;
  site_id := k.site_id;
  permissions := k.permissions;
  created_by := k.created_by;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION admiral_resolve_api_key(text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION admiral_resolve_api_key(text, text) TO admiral_runtime, admiral_app;
--> statement-breakpoint

-- A user's active memberships on every site, with the role and its permissions (for GET /v1/me).
CREATE FUNCTION admiral_user_memberships(p_user uuid)
RETURNS TABLE (site_id uuid, site_name text, site_slug text, site_status text, role_key text, role_name text, permissions text[], own_permissions text[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  PERFORM set_config('app.rls_bypass', 'on', true);
  RETURN QUERY
    SELECT m.site_id, st.name, st.slug, st.status, r.key, r.name,
           coalesce(array_agg(rp.permission_key ORDER BY rp.permission_key) FILTER (WHERE rp.condition IS NULL), '{}'),
           coalesce(array_agg(rp.permission_key ORDER BY rp.permission_key) FILTER (WHERE rp.condition = 'own'), '{}')
    FROM memberships m
    JOIN sites st ON st.id = m.site_id
    JOIN roles r ON r.id = m.role_id
    LEFT JOIN role_permissions rp ON rp.role_id = r.id
    WHERE m.user_id = p_user AND m.revoked_at IS NULL
    GROUP BY m.site_id, st.name, st.slug, st.status, r.key, r.name
    ORDER BY st.name;
  PERFORM set_config('app.rls_bypass', '', true);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION admiral_user_memberships(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION admiral_user_memberships(uuid) TO admiral_app;
