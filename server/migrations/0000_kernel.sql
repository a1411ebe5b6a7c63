CREATE TABLE "audit_logs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid,
	"seq" bigint NOT NULL,
	"actor_user_id" uuid,
	"actor_api_key_id" uuid,
	"impersonator_user_id" uuid,
	"action" text NOT NULL,
	"category" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"description" text,
	"before" jsonb,
	"after" jsonb,
	"ip" text,
	"user_agent" text,
	"session_id" uuid,
	"request_id" text,
	"success" boolean NOT NULL,
	"error" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_logs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"site_id" uuid,
	"request_hash" text NOT NULL,
	"state" text NOT NULL,
	"response_status" integer,
	"response_headers" jsonb,
	"response_body" text,
	"locked_until" timestamp(3) with time zone NOT NULL,
	"expires_at" timestamp(3) with time zone NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "job_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"job_id" text NOT NULL,
	"queue_name" text NOT NULL,
	"job_type" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer NOT NULL,
	"error" text,
	"site_id" uuid,
	"started_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp(3) with time zone,
	"duration_ms" integer
);
--> statement-breakpoint
CREATE TABLE "domain_mappings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"domain_name" text NOT NULL,
	"type" text DEFAULT 'custom' NOT NULL,
	"is_primary" boolean DEFAULT false NOT NULL,
	"verification_status" text DEFAULT 'pending' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "domain_mappings_type_check" CHECK (type in ('subdomain', 'custom')),
	CONSTRAINT "domain_mappings_verification_check" CHECK (verification_status in ('pending', 'verified', 'failed')),
	CONSTRAINT "domain_mappings_domain_name_check" CHECK (domain_name = lower(domain_name) and domain_name ~ '^[a-z0-9.-]+(:[0-9]+)?$')
);
--> statement-breakpoint
ALTER TABLE "domain_mappings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sites" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"description" text,
	"logo_url" text,
	"country_code" text,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp(3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sites_status_check" CHECK ("sites"."status" in ('active', 'suspended', 'archived')),
	CONSTRAINT "sites_slug_check" CHECK ("sites"."slug" ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
	CONSTRAINT "sites_country_code_check" CHECK ("sites"."country_code" ~ '^[A-Z]{2}$')
);
--> statement-breakpoint
ALTER TABLE "domain_mappings" ADD CONSTRAINT "domain_mappings_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_logs_site_seq_idx" ON "audit_logs" USING btree ("site_id","seq");--> statement-breakpoint
CREATE INDEX "audit_logs_site_target_idx" ON "audit_logs" USING btree ("site_id","target_type","target_id");--> statement-breakpoint
CREATE INDEX "audit_logs_site_actor_idx" ON "audit_logs" USING btree ("site_id","actor_user_id");--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "job_runs_queue_started_idx" ON "job_runs" USING btree ("queue_name","started_at");--> statement-breakpoint
CREATE INDEX "job_runs_job_id_idx" ON "job_runs" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "domain_mappings_site_id_idx" ON "domain_mappings" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "domain_mappings_domain_name_key" ON "domain_mappings" USING btree ("domain_name");--> statement-breakpoint
CREATE UNIQUE INDEX "domain_mappings_one_primary_per_site" ON "domain_mappings" USING btree ("site_id") WHERE is_primary;--> statement-breakpoint
CREATE UNIQUE INDEX "sites_slug_key" ON "sites" USING btree ("slug");--> statement-breakpoint
CREATE POLICY "audit_logs_site_isolation" ON "audit_logs" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id is not distinct from (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id is not distinct from (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "idempotency_keys_site_isolation" ON "idempotency_keys" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id is not distinct from (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id is not distinct from (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "domain_mappings_tenant_isolation" ON "domain_mappings" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));