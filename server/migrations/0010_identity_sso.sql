CREATE TABLE "sso_providers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"issuer" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_enc" text NOT NULL,
	"scopes" text[] DEFAULT '{openid,email,profile}'::text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"allow_jit" boolean DEFAULT false NOT NULL,
	"default_role" text,
	"allowed_email_domains" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sso_providers_slug_check" CHECK ("sso_providers"."slug" ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
	CONSTRAINT "sso_providers_default_role_check" CHECK ("sso_providers"."site_id" is not null or "sso_providers"."default_role" is null)
);
--> statement-breakpoint
ALTER TABLE "sso_providers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sso_sign_in_states" (
	"id" uuid PRIMARY KEY NOT NULL,
	"provider_id" uuid NOT NULL,
	"state_hash" text NOT NULL,
	"browser_hash" text NOT NULL,
	"nonce" text NOT NULL,
	"code_verifier_enc" text NOT NULL,
	"redirect_to" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"used_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sso_providers" ADD CONSTRAINT "sso_providers_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_sign_in_states" ADD CONSTRAINT "sso_sign_in_states_provider_id_sso_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."sso_providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sso_providers_scope_slug_key" ON "sso_providers" USING btree (coalesce("site_id", '00000000-0000-0000-0000-000000000000'::uuid),"slug");--> statement-breakpoint
CREATE INDEX "sso_providers_site_id_idx" ON "sso_providers" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sso_sign_in_states_state_hash_key" ON "sso_sign_in_states" USING btree ("state_hash");--> statement-breakpoint
CREATE INDEX "sso_sign_in_states_expires_idx" ON "sso_sign_in_states" USING btree ("expires_at");--> statement-breakpoint
CREATE POLICY "sso_providers_isolation" ON "sso_providers" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id is not distinct from (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id is not distinct from (select nullif(current_setting('app.site_id', true), '')::uuid));