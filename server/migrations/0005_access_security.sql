-- Hand-written: the access tables' rules that Drizzle cannot express.

-- The permission catalog is written by code at migrate time, as the owner; the application only reads it.
REVOKE INSERT, UPDATE, DELETE ON permissions FROM admiral_app;
--> statement-breakpoint

-- Memberships and API keys are history: the application revokes them and never deletes them. (Deleting a
-- site or a user still removes theirs: foreign-key cascades run as the table owner.)
REVOKE DELETE ON memberships FROM admiral_app;
--> statement-breakpoint
REVOKE DELETE ON api_keys FROM admiral_app;
--> statement-breakpoint

-- A membership changes once, by being revoked (revoked_at, revoked_by); a revoked one never changes again.
CREATE FUNCTION admiral_memberships_history_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp
AS $$
BEGIN
  IF OLD.revoked_at IS NOT NULL THEN
    RAISE EXCEPTION 'membership % was revoked: revoked memberships are history and never change', OLD.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'memberships_history_immutable';
  END IF;
  IF (NEW.id, NEW.site_id, NEW.user_id, NEW.role_id, NEW.assigned_by, NEW.assigned_at, NEW.created_at)
     IS DISTINCT FROM (OLD.id, OLD.site_id, OLD.user_id, OLD.role_id, OLD.assigned_by, OLD.assigned_at, OLD.created_at) THEN
    RAISE EXCEPTION 'membership % can only be revoked; grant a new one to change it', OLD.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'memberships_history_immutable';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER memberships_history_guard BEFORE UPDATE ON memberships
  FOR EACH ROW EXECUTE FUNCTION admiral_memberships_history_guard();
--> statement-breakpoint

-- A membership's role is a system role or a live role of the same site: a site's role never grants
-- anything on another site. Runs as the writer (the application role), so RLS narrows the lookup too.
CREATE FUNCTION admiral_memberships_role_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp
AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM roles r
    WHERE r.id = NEW.role_id AND (r.site_id IS NULL OR r.site_id = NEW.site_id) AND r.deleted_at IS NULL
  ) THEN
    RAISE EXCEPTION 'role % is neither a system role nor a role of site %', NEW.role_id, NEW.site_id
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'memberships_role_site_check';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER memberships_role_site_check BEFORE INSERT ON memberships
  FOR EACH ROW EXECUTE FUNCTION admiral_memberships_role_check();
--> statement-breakpoint

-- An API key's scope is fixed when it is made (rotate to change it); only use (last_used_at), its name and
-- revocation change it, and a revoked key never changes again.
CREATE FUNCTION admiral_api_keys_history_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp
AS $$
BEGIN
  IF OLD.revoked_at IS NOT NULL THEN
    RAISE EXCEPTION 'API key % was revoked: revoked keys never change', OLD.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'api_keys_history_immutable';
  END IF;
  IF (NEW.id, NEW.site_id, NEW.prefix, NEW.secret_hash, NEW.permissions, NEW.expires_at, NEW.created_by, NEW.rotated_from_id, NEW.created_at)
     IS DISTINCT FROM (OLD.id, OLD.site_id, OLD.prefix, OLD.secret_hash, OLD.permissions, OLD.expires_at, OLD.created_by, OLD.rotated_from_id, OLD.created_at) THEN
    RAISE EXCEPTION 'API key % cannot change its secret, scope or expiry; rotate it instead', OLD.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'api_keys_history_immutable';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER api_keys_history_guard BEFORE UPDATE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION admiral_api_keys_history_guard();
