-- Callers resolved from sessions and API keys are reused for a few seconds by every Admiral process
-- (AUTH_CACHE_SECONDS). Anything that can end or narrow a credential announces itself on the channel
-- `admiral_auth` when its transaction commits; each process drops the affected callers (and, while it cannot
-- listen, reuses nothing). Payloads: 't:<session token hash>', 'u:<user id>', 'k:<api key id>', '*' (everyone).
CREATE FUNCTION admiral_notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('admiral_auth', 't:' || OLD.token_hash);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sessions_auth_change AFTER UPDATE ON sessions FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.token_hash IS DISTINCT FROM NEW.token_hash
        OR NEW.expires_at < OLD.expires_at OR NEW.token_expires_at < OLD.token_expires_at OR NEW.idle_expires_at < OLD.idle_expires_at
        OR OLD.two_factor_verified IS DISTINCT FROM NEW.two_factor_verified OR OLD.via_cookie IS DISTINCT FROM NEW.via_cookie
        OR OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.impersonated_by IS DISTINCT FROM NEW.impersonated_by)
  EXECUTE FUNCTION admiral_notify_session_change();
--> statement-breakpoint
CREATE TRIGGER sessions_auth_delete AFTER DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION admiral_notify_session_change();
--> statement-breakpoint
CREATE FUNCTION admiral_notify_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('admiral_auth', 'u:' || OLD.id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER users_auth_change AFTER UPDATE ON users FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.banned IS DISTINCT FROM NEW.banned OR OLD.ban_expires IS DISTINCT FROM NEW.ban_expires
        OR OLD.is_super_admin IS DISTINCT FROM NEW.is_super_admin)
  EXECUTE FUNCTION admiral_notify_user_change();
--> statement-breakpoint
CREATE TRIGGER users_auth_delete AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION admiral_notify_user_change();
--> statement-breakpoint
CREATE FUNCTION admiral_notify_membership_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('admiral_auth', 'u:' || (CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END));
  IF TG_OP = 'UPDATE' AND OLD.user_id IS DISTINCT FROM NEW.user_id THEN
    PERFORM pg_notify('admiral_auth', 'u:' || OLD.user_id);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER memberships_auth_change AFTER INSERT OR UPDATE OR DELETE ON memberships FOR EACH ROW
  EXECUTE FUNCTION admiral_notify_membership_change();
--> statement-breakpoint
CREATE FUNCTION admiral_notify_api_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('admiral_auth', 'k:' || OLD.id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER api_keys_auth_change AFTER UPDATE ON api_keys FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.secret_hash IS DISTINCT FROM NEW.secret_hash
        OR OLD.permissions IS DISTINCT FROM NEW.permissions OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
        OR OLD.prefix IS DISTINCT FROM NEW.prefix OR OLD.site_id IS DISTINCT FROM NEW.site_id)
  EXECUTE FUNCTION admiral_notify_api_key_change();
--> statement-breakpoint
CREATE TRIGGER api_keys_auth_delete AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION admiral_notify_api_key_change();
--> statement-breakpoint
CREATE FUNCTION admiral_notify_everyone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('admiral_auth', '*');
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- What a role grants changed: rare administrative work, so every cached caller goes.
CREATE TRIGGER role_permissions_auth_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON role_permissions FOR EACH STATEMENT
  EXECUTE FUNCTION admiral_notify_everyone();
--> statement-breakpoint
CREATE TRIGGER roles_auth_change AFTER UPDATE OR DELETE ON roles FOR EACH STATEMENT EXECUTE FUNCTION admiral_notify_everyone();
--> statement-breakpoint
-- Site status decides whether its API keys resolve.
CREATE TRIGGER sites_auth_change AFTER UPDATE OF status ON sites FOR EACH STATEMENT EXECUTE FUNCTION admiral_notify_everyone();
--> statement-breakpoint
-- The resolvers also say until when the credential works by the clock alone (NULL: no limit), so a reused
-- caller never outlives its key's or session's own expiry.
DROP FUNCTION admiral_resolve_api_key(text, text);
--> statement-breakpoint
CREATE FUNCTION admiral_resolve_api_key(p_prefix text, p_secret_hash text)
RETURNS TABLE (api_key_id uuid, site_id uuid, permissions text[], created_by uuid, valid_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  k record;
BEGIN
  PERFORM set_config('app.rls_bypass', 'on', true);
  SELECT a.id, a.site_id, a.permissions, a.created_by, a.secret_hash, a.last_used_at, a.expires_at INTO k
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
  valid_until := k.expires_at;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION admiral_resolve_api_key(text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION admiral_resolve_api_key(text, text) TO admiral_runtime, admiral_app;
--> statement-breakpoint
DROP FUNCTION admiral_resolve_session(text, uuid, integer, boolean);
--> statement-breakpoint
CREATE FUNCTION admiral_resolve_session(p_token_hash text, p_site uuid, p_idle_seconds integer, p_via_cookie boolean)
RETURNS TABLE (session_id uuid, user_id uuid, impersonated_by uuid, is_super_admin boolean,
               two_factor_verified boolean, permissions text[], own_permissions text[], slid boolean, idle_until timestamptz, valid_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  s record;
BEGIN
  SELECT se.id, se.user_id, se.impersonated_by, se.two_factor_verified, se.last_seen_at, se.idle_expires_at, se.expires_at, se.token_expires_at,
         se.via_cookie, u.is_super_admin INTO s
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
REVOKE ALL ON FUNCTION admiral_resolve_session(text, uuid, integer, boolean) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION admiral_resolve_session(text, uuid, integer, boolean) TO admiral_runtime, admiral_app;
