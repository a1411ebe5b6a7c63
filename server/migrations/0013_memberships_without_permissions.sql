-- A role without any permission joined to no role_permissions row; the FILTER kept that row's NULL key,
-- so GET /v1/me reported such a role's permissions as [null]. Only real grants are aggregated now.
CREATE OR REPLACE FUNCTION admiral_user_memberships(p_user uuid)
RETURNS TABLE (site_id uuid, site_name text, site_slug text, site_status text, role_key text, role_name text, permissions text[], own_permissions text[])
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  PERFORM set_config('app.rls_bypass', 'on', true);
  RETURN QUERY
    SELECT m.site_id, st.name, st.slug, st.status, r.key, r.name,
           coalesce(array_agg(rp.permission_key ORDER BY rp.permission_key) FILTER (WHERE rp.permission_key IS NOT NULL AND rp.condition IS NULL), '{}'),
           coalesce(array_agg(rp.permission_key ORDER BY rp.permission_key) FILTER (WHERE rp.permission_key IS NOT NULL AND rp.condition = 'own'), '{}')
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
