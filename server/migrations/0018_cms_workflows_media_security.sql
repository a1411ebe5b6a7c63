-- Hand-written: the CMS, workflow and media tables' rules that Drizzle cannot express.

ALTER TABLE categories FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tags FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE content_templates FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE articles FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE article_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE content_reviews FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE article_categories FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE article_tags FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE pages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE page_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE seo_metadata FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE approval_workflows FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE approval_requests FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE approval_actions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE media_assets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE media_storage FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE media_derivatives FORCE ROW LEVEL SECURITY;
--> statement-breakpoint

-- Versions, reviews and approval actions are history: the application adds to them and never rewrites or
-- removes them (deleting the article, page or request still removes theirs: cascades run as the owner).
REVOKE UPDATE, DELETE ON article_versions FROM admiral_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE ON content_reviews FROM admiral_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE ON approval_actions FROM admiral_app;
--> statement-breakpoint
-- A page version's content never changes; only which version is the published one does.
REVOKE UPDATE, DELETE ON page_versions FROM admiral_app;
--> statement-breakpoint
GRANT UPDATE (is_published, updated_at) ON page_versions TO admiral_app;
--> statement-breakpoint

-- The definer functions below read across sites only through these owner policies, and only while they
-- have raised app.rls_bypass themselves (as admiral_active_domains does).
CREATE POLICY articles_owner_maintenance ON articles AS PERMISSIVE FOR SELECT TO CURRENT_USER
  USING (current_setting('app.rls_bypass', true) = 'on');
--> statement-breakpoint
CREATE POLICY pages_owner_maintenance ON pages AS PERMISSIVE FOR SELECT TO CURRENT_USER
  USING (current_setting('app.rls_bypass', true) = 'on');
--> statement-breakpoint
CREATE POLICY media_assets_owner_maintenance ON media_assets AS PERMISSIVE FOR SELECT TO CURRENT_USER
  USING (current_setting('app.rls_bypass', true) = 'on');
--> statement-breakpoint

-- Scheduled articles and pages whose time has come, on every site (the sweeper's view: a site's
-- transaction sees only its own rows). Returns only what the job needs to open that site's transaction.
CREATE FUNCTION admiral_due_scheduled_content(p_limit integer)
RETURNS TABLE (site_id uuid, content_type text, content_id uuid, scheduled_for timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  PERFORM set_config('app.rls_bypass', 'on', true);
  RETURN QUERY
    (SELECT a.site_id, 'article'::text, a.id, a.scheduled_for FROM articles a
      WHERE a.status = 'scheduled' AND a.scheduled_for <= now()
     UNION ALL
     SELECT p.site_id, 'page'::text, p.id, p.scheduled_for FROM pages p
      WHERE p.status = 'scheduled' AND p.scheduled_for <= now())
    ORDER BY 4
    LIMIT p_limit;
  PERFORM set_config('app.rls_bypass', '', true);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION admiral_due_scheduled_content(integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION admiral_due_scheduled_content(integer) TO admiral_app;
--> statement-breakpoint

-- Media soft-deleted longer ago than the retention period, on every site (the purge job's view).
CREATE FUNCTION admiral_media_due_for_purge(p_retention interval, p_limit integer)
RETURNS TABLE (site_id uuid, media_asset_id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  PERFORM set_config('app.rls_bypass', 'on', true);
  RETURN QUERY
    SELECT m.site_id, m.id FROM media_assets m
    WHERE m.deleted_at IS NOT NULL AND m.deleted_at <= now() - p_retention
    ORDER BY m.deleted_at
    LIMIT p_limit;
  PERFORM set_config('app.rls_bypass', '', true);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION admiral_media_due_for_purge(interval, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION admiral_media_due_for_purge(interval, integer) TO admiral_app;
