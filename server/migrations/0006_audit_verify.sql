-- Hand-written: audit chain verification, the one implementation. `admiral audit verify` (as the owner) and
-- the API (as admiral_app) both call it; server/src/kernel/audit/verify.ts only reads its answer.
--
-- Reports the first broken link of one chain (site p_site, or the platform chain when p_site is null):
--   sequence_gap        a missing (or repeated) seq: break_seq is the seq expected there, break_id null;
--   prev_hash_mismatch  a row's prev_hash is not its predecessor's hash;
--   hash_mismatch       a row's content no longer matches its hash (it was edited);
--   head_mismatch       the chain head does not match the last row (rows cut from the end), break_seq the
--                       seq after the last row, break_id null.
-- chain_rows is the number of rows in the chain; no break_reason means the chain is intact.
--
-- Callable by admiral_app, but only for the chain of the site its transaction is bound to (app.site_id; unset
-- = the platform chain): a tenant cannot verify, or learn the size of, another site's chain. The function
-- reads across RLS through the owner's maintenance policy (app.rls_bypass, raised for this call and put back
-- as it was; a SET clause would be neater, but only a superuser may create one for a custom setting). STABLE:
-- every statement sees one snapshot, so the rows and the chain head agree even while writers append.
CREATE FUNCTION admiral_verify_audit_chain(
  p_site uuid,
  OUT chain_rows bigint,
  OUT break_seq bigint,
  OUT break_id uuid,
  OUT break_reason text
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  chain refcursor;
  r record;
  expected_seq bigint := 1;
  previous text := repeat('0', 64);
  head audit_chain_heads%ROWTYPE;
  bypass text := coalesce(current_setting('app.rls_bypass', true), '');
BEGIN
  IF p_site IS DISTINCT FROM nullif(current_setting('app.site_id', true), '')::uuid THEN
    RAISE EXCEPTION 'only the audit chain of the current site (app.site_id) may be verified' USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM set_config('app.rls_bypass', 'on', true);
  -- Two spellings of one query, so each uses the (site_id, seq) index.
  IF p_site IS NULL THEN
    OPEN chain FOR SELECT a.id, a.seq, a.prev_hash, a.hash, audit_hash(a) AS expected FROM audit_logs a WHERE a.site_id IS NULL ORDER BY a.seq;
  ELSE
    OPEN chain FOR SELECT a.id, a.seq, a.prev_hash, a.hash, audit_hash(a) AS expected FROM audit_logs a WHERE a.site_id = p_site ORDER BY a.seq;
  END IF;
  chain_rows := 0;
  LOOP
    FETCH chain INTO r;
    EXIT WHEN NOT FOUND;
    chain_rows := chain_rows + 1;
    IF r.seq <> expected_seq THEN
      break_seq := expected_seq;
      break_reason := 'sequence_gap';
    ELSIF r.prev_hash <> previous THEN
      break_seq := r.seq;
      break_id := r.id;
      break_reason := 'prev_hash_mismatch';
    ELSIF r.hash <> r.expected THEN
      break_seq := r.seq;
      break_id := r.id;
      break_reason := 'hash_mismatch';
    END IF;
    EXIT WHEN break_reason IS NOT NULL;
    previous := r.hash;
    expected_seq := r.seq + 1;
  END LOOP;
  CLOSE chain;
  IF break_reason IS NOT NULL THEN
    -- Stopped at the break: count the rest of the chain too.
    IF p_site IS NULL THEN
      SELECT count(*) INTO chain_rows FROM audit_logs a WHERE a.site_id IS NULL;
    ELSE
      SELECT count(*) INTO chain_rows FROM audit_logs a WHERE a.site_id = p_site;
    END IF;
  ELSE
    SELECT * INTO head FROM audit_chain_heads h WHERE h.chain_key = coalesce(p_site, '00000000-0000-0000-0000-000000000000');
    IF coalesce(head.seq, 0) <> chain_rows OR (head.hash IS NOT NULL AND head.hash <> previous) THEN
      break_seq := chain_rows + 1;
      break_reason := 'head_mismatch';
    END IF;
  END IF;
  PERFORM set_config('app.rls_bypass', bypass, true);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION admiral_verify_audit_chain(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION admiral_verify_audit_chain(uuid) TO admiral_app;
