-- Hand-written: single sign-on providers are isolated per site (platform rows only in platform
-- transactions), and a site provider may link by email only to people who reach nothing beyond its site.

ALTER TABLE sso_providers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint

-- Whether the user holds an active membership on any site other than p_site. A site's transaction cannot
-- see other sites' memberships (RLS), and must not: it learns this one bit, nothing about which sites.
CREATE FUNCTION admiral_user_has_memberships_elsewhere(p_user uuid, p_site uuid)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  found boolean;
BEGIN
  PERFORM set_config('app.rls_bypass', 'on', true);
  SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = p_user AND site_id <> p_site AND revoked_at IS NULL) INTO found;
  PERFORM set_config('app.rls_bypass', '', true);
  RETURN found;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION admiral_user_has_memberships_elsewhere(uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION admiral_user_has_memberships_elsewhere(uuid, uuid) TO admiral_app;
