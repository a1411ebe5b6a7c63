CREATE TABLE "article_categories" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"article_id" uuid NOT NULL,
	"category_id" uuid NOT NULL
);
--> statement-breakpoint
ALTER TABLE "article_categories" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "article_tags" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"article_id" uuid NOT NULL,
	"tag_id" uuid NOT NULL
);
--> statement-breakpoint
ALTER TABLE "article_tags" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "article_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"article_id" uuid NOT NULL,
	"version_no" integer NOT NULL,
	"edited_by" uuid,
	"title" text NOT NULL,
	"slug" text NOT NULL,
	"summary" text,
	"body" text NOT NULL,
	"featured_media_id" uuid,
	"category_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"tag_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"note" text,
	CONSTRAINT "article_versions_version_check" CHECK ("article_versions"."version_no" >= 1)
);
--> statement-breakpoint
ALTER TABLE "article_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "articles" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"author_id" uuid,
	"title" text NOT NULL,
	"slug" text NOT NULL,
	"summary" text,
	"body" text DEFAULT '' NOT NULL,
	"featured_media_id" uuid,
	"status" text DEFAULT 'draft' NOT NULL,
	"version_no" integer DEFAULT 1 NOT NULL,
	"published_version_no" integer,
	"scheduled_for" timestamp (3) with time zone,
	"scheduled_by" uuid,
	"published_at" timestamp (3) with time zone,
	"template_id" uuid,
	"search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(summary, '')), 'B') || setweight(to_tsvector('english', coalesce(body, '')), 'C')) STORED,
	CONSTRAINT "articles_id_site_id_key" UNIQUE("id","site_id"),
	CONSTRAINT "articles_slug_check" CHECK ("articles"."slug" ~ '^[a-z0-9](?:[a-z0-9-]{0,198}[a-z0-9])?$'),
	CONSTRAINT "articles_status_check" CHECK ("articles"."status" in ('draft', 'in_review', 'changes_requested', 'approved', 'scheduled', 'published', 'archived')),
	CONSTRAINT "articles_version_check" CHECK ("articles"."version_no" >= 1 and ("articles"."published_version_no" is null or "articles"."published_version_no" between 1 and "articles"."version_no")),
	CONSTRAINT "articles_scheduled_check" CHECK (("articles"."status" = 'scheduled') = ("articles"."scheduled_for" is not null)),
	CONSTRAINT "articles_published_check" CHECK ("articles"."published_version_no" is null or "articles"."published_at" is not null)
);
--> statement-breakpoint
ALTER TABLE "articles" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "categories" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"description" text,
	CONSTRAINT "categories_id_site_id_key" UNIQUE("id","site_id"),
	CONSTRAINT "categories_slug_check" CHECK ("categories"."slug" ~ '^[a-z0-9](?:[a-z0-9-]{0,198}[a-z0-9])?$')
);
--> statement-breakpoint
ALTER TABLE "categories" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "content_reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"article_id" uuid NOT NULL,
	"version_no" integer NOT NULL,
	"reviewer_id" uuid,
	"decision" text NOT NULL,
	"notes" text,
	"approval_request_id" uuid,
	CONSTRAINT "content_reviews_decision_check" CHECK ("content_reviews"."decision" in ('approve', 'reject', 'request_changes'))
);
--> statement-breakpoint
ALTER TABLE "content_reviews" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "content_templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"template_data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"thumbnail_url" text,
	"usage_count" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	CONSTRAINT "content_templates_content_type_check" CHECK ("content_templates"."content_type" in ('article', 'page')),
	CONSTRAINT "content_templates_usage_check" CHECK ("content_templates"."usage_count" >= 0)
);
--> statement-breakpoint
ALTER TABLE "content_templates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "page_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"page_id" uuid NOT NULL,
	"version_number" integer NOT NULL,
	"title" text NOT NULL,
	"content_body" text NOT NULL,
	"created_by" uuid,
	"is_published" boolean DEFAULT false NOT NULL,
	"note" text,
	CONSTRAINT "page_versions_version_check" CHECK ("page_versions"."version_number" >= 1)
);
--> statement-breakpoint
ALTER TABLE "page_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "pages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"author_id" uuid,
	"title" text NOT NULL,
	"slug" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"version_number" integer DEFAULT 1 NOT NULL,
	"scheduled_for" timestamp (3) with time zone,
	"scheduled_by" uuid,
	"published_at" timestamp (3) with time zone,
	"template_id" uuid,
	"search_vector" "tsvector",
	CONSTRAINT "pages_id_site_id_key" UNIQUE("id","site_id"),
	CONSTRAINT "pages_slug_check" CHECK ("pages"."slug" ~ '^[a-z0-9](?:[a-z0-9/-]{0,198}[a-z0-9])?$'),
	CONSTRAINT "pages_status_check" CHECK ("pages"."status" in ('draft', 'in_review', 'changes_requested', 'approved', 'scheduled', 'published', 'archived')),
	CONSTRAINT "pages_version_check" CHECK ("pages"."version_number" >= 1),
	CONSTRAINT "pages_scheduled_check" CHECK (("pages"."status" = 'scheduled') = ("pages"."scheduled_for" is not null))
);
--> statement-breakpoint
ALTER TABLE "pages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "seo_metadata" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"page_id" uuid,
	"article_id" uuid,
	"meta_title" text,
	"meta_description" text,
	"canonical_url" text,
	"structured_data" jsonb,
	CONSTRAINT "seo_metadata_target_check" CHECK (("seo_metadata"."page_id" is null) <> ("seo_metadata"."article_id" is null)),
	CONSTRAINT "seo_metadata_structured_data_check" CHECK ("seo_metadata"."structured_data" is null or jsonb_typeof("seo_metadata"."structured_data") = 'object')
);
--> statement-breakpoint
ALTER TABLE "seo_metadata" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tags" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	CONSTRAINT "tags_id_site_id_key" UNIQUE("id","site_id"),
	CONSTRAINT "tags_slug_check" CHECK ("tags"."slug" ~ '^[a-z0-9](?:[a-z0-9-]{0,198}[a-z0-9])?$')
);
--> statement-breakpoint
ALTER TABLE "tags" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "media_assets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"uploaded_by" uuid,
	"filename" text NOT NULL,
	"extension" text NOT NULL,
	"media_type" text NOT NULL,
	"mime_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"width" integer,
	"height" integer,
	"duration_ms" integer,
	"checksum" text NOT NULL,
	"title" text,
	"alt_text" text,
	"visibility" text DEFAULT 'public' NOT NULL,
	"processing_status" text DEFAULT 'pending' NOT NULL,
	"processing_error" text,
	"ai_tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"deleted_at" timestamp (3) with time zone,
	"deleted_by" uuid,
	CONSTRAINT "media_assets_id_site_id_key" UNIQUE("id","site_id"),
	CONSTRAINT "media_assets_media_type_check" CHECK ("media_assets"."media_type" in ('image', 'video', 'audio', 'document', 'other')),
	CONSTRAINT "media_assets_visibility_check" CHECK ("media_assets"."visibility" in ('public', 'private')),
	CONSTRAINT "media_assets_processing_status_check" CHECK ("media_assets"."processing_status" in ('pending', 'processing', 'ready', 'failed', 'skipped')),
	CONSTRAINT "media_assets_checksum_check" CHECK ("media_assets"."checksum" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "media_assets_size_check" CHECK ("media_assets"."size_bytes" >= 0),
	CONSTRAINT "media_assets_dimensions_check" CHECK (("media_assets"."width" is null or "media_assets"."width" > 0) and ("media_assets"."height" is null or "media_assets"."height" > 0))
);
--> statement-breakpoint
ALTER TABLE "media_assets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "media_derivatives" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"media_asset_id" uuid NOT NULL,
	"variant" text NOT NULL,
	"mime_type" text NOT NULL,
	"width" integer,
	"height" integer,
	"bytes" integer NOT NULL,
	"provider" text NOT NULL,
	"bucket" text,
	"storage_key" text NOT NULL,
	"cdn_url" text,
	CONSTRAINT "media_derivatives_variant_check" CHECK ("media_derivatives"."variant" ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
	CONSTRAINT "media_derivatives_bytes_check" CHECK ("media_derivatives"."bytes" >= 0)
);
--> statement-breakpoint
ALTER TABLE "media_derivatives" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "media_storage" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"media_asset_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"bucket" text,
	"storage_key" text NOT NULL,
	"cdn_url" text,
	CONSTRAINT "media_storage_provider_check" CHECK ("media_storage"."provider" in ('local', 's3'))
);
--> statement-breakpoint
ALTER TABLE "media_storage" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "approval_actions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"approval_request_id" uuid NOT NULL,
	"step_number" integer NOT NULL,
	"action" text NOT NULL,
	"actioned_by" uuid,
	"comment" text,
	"actioned_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approval_actions_action_check" CHECK ("approval_actions"."action" in ('approve', 'reject', 'request_changes', 'comment'))
);
--> statement-breakpoint
ALTER TABLE "approval_actions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "approval_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"workflow_id" uuid NOT NULL,
	"target_type" text NOT NULL,
	"target_id" uuid NOT NULL,
	"target_version" integer,
	"target_title" text,
	"current_step" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" uuid,
	"requested_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp (3) with time zone,
	CONSTRAINT "approval_requests_id_site_id_key" UNIQUE("id","site_id"),
	CONSTRAINT "approval_requests_status_check" CHECK ("approval_requests"."status" in ('pending', 'approved', 'rejected', 'changes_requested', 'cancelled')),
	CONSTRAINT "approval_requests_step_check" CHECK ("approval_requests"."current_step" >= 1),
	CONSTRAINT "approval_requests_resolved_check" CHECK (("approval_requests"."status" = 'pending') = ("approval_requests"."resolved_at" is null))
);
--> statement-breakpoint
ALTER TABLE "approval_requests" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "approval_workflows" (
	"id" uuid PRIMARY KEY NOT NULL,
	"site_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"steps" jsonb NOT NULL,
	"trigger_conditions" jsonb NOT NULL,
	"priority" integer DEFAULT 100 NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	CONSTRAINT "approval_workflows_id_site_id_key" UNIQUE("id","site_id"),
	CONSTRAINT "approval_workflows_steps_check" CHECK (jsonb_typeof("approval_workflows"."steps") = 'array' and jsonb_array_length("approval_workflows"."steps") between 1 and 20),
	CONSTRAINT "approval_workflows_trigger_check" CHECK (jsonb_typeof("approval_workflows"."trigger_conditions") = 'object')
);
--> statement-breakpoint
ALTER TABLE "approval_workflows" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "article_categories" ADD CONSTRAINT "article_categories_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_categories" ADD CONSTRAINT "article_categories_article_fk" FOREIGN KEY ("article_id","site_id") REFERENCES "public"."articles"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_categories" ADD CONSTRAINT "article_categories_category_fk" FOREIGN KEY ("category_id","site_id") REFERENCES "public"."categories"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_tags" ADD CONSTRAINT "article_tags_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_tags" ADD CONSTRAINT "article_tags_article_fk" FOREIGN KEY ("article_id","site_id") REFERENCES "public"."articles"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_tags" ADD CONSTRAINT "article_tags_tag_fk" FOREIGN KEY ("tag_id","site_id") REFERENCES "public"."tags"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_versions" ADD CONSTRAINT "article_versions_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_versions" ADD CONSTRAINT "article_versions_edited_by_users_id_fk" FOREIGN KEY ("edited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_versions" ADD CONSTRAINT "article_versions_article_fk" FOREIGN KEY ("article_id","site_id") REFERENCES "public"."articles"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "articles" ADD CONSTRAINT "articles_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "articles" ADD CONSTRAINT "articles_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "articles" ADD CONSTRAINT "articles_scheduled_by_users_id_fk" FOREIGN KEY ("scheduled_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "articles" ADD CONSTRAINT "articles_featured_media_fk" FOREIGN KEY ("featured_media_id","site_id") REFERENCES "public"."media_assets"("id","site_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "categories" ADD CONSTRAINT "categories_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_reviews" ADD CONSTRAINT "content_reviews_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_reviews" ADD CONSTRAINT "content_reviews_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_reviews" ADD CONSTRAINT "content_reviews_article_fk" FOREIGN KEY ("article_id","site_id") REFERENCES "public"."articles"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_templates" ADD CONSTRAINT "content_templates_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_templates" ADD CONSTRAINT "content_templates_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "page_versions" ADD CONSTRAINT "page_versions_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "page_versions" ADD CONSTRAINT "page_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "page_versions" ADD CONSTRAINT "page_versions_page_fk" FOREIGN KEY ("page_id","site_id") REFERENCES "public"."pages"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pages" ADD CONSTRAINT "pages_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pages" ADD CONSTRAINT "pages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pages" ADD CONSTRAINT "pages_scheduled_by_users_id_fk" FOREIGN KEY ("scheduled_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seo_metadata" ADD CONSTRAINT "seo_metadata_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seo_metadata" ADD CONSTRAINT "seo_metadata_page_fk" FOREIGN KEY ("page_id","site_id") REFERENCES "public"."pages"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seo_metadata" ADD CONSTRAINT "seo_metadata_article_fk" FOREIGN KEY ("article_id","site_id") REFERENCES "public"."articles"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_assets" ADD CONSTRAINT "media_assets_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_assets" ADD CONSTRAINT "media_assets_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_assets" ADD CONSTRAINT "media_assets_deleted_by_users_id_fk" FOREIGN KEY ("deleted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_derivatives" ADD CONSTRAINT "media_derivatives_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_derivatives" ADD CONSTRAINT "media_derivatives_asset_fk" FOREIGN KEY ("media_asset_id","site_id") REFERENCES "public"."media_assets"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_storage" ADD CONSTRAINT "media_storage_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_storage" ADD CONSTRAINT "media_storage_asset_fk" FOREIGN KEY ("media_asset_id","site_id") REFERENCES "public"."media_assets"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_actions" ADD CONSTRAINT "approval_actions_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_actions" ADD CONSTRAINT "approval_actions_actioned_by_users_id_fk" FOREIGN KEY ("actioned_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_actions" ADD CONSTRAINT "approval_actions_request_fk" FOREIGN KEY ("approval_request_id","site_id") REFERENCES "public"."approval_requests"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_workflow_fk" FOREIGN KEY ("workflow_id","site_id") REFERENCES "public"."approval_workflows"("id","site_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_workflows" ADD CONSTRAINT "approval_workflows_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_workflows" ADD CONSTRAINT "approval_workflows_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "article_categories_site_id_idx" ON "article_categories" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "article_categories_pair_key" ON "article_categories" USING btree ("article_id","category_id");--> statement-breakpoint
CREATE INDEX "article_categories_category_idx" ON "article_categories" USING btree ("category_id");--> statement-breakpoint
CREATE INDEX "article_tags_site_id_idx" ON "article_tags" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "article_tags_pair_key" ON "article_tags" USING btree ("article_id","tag_id");--> statement-breakpoint
CREATE INDEX "article_tags_tag_idx" ON "article_tags" USING btree ("tag_id");--> statement-breakpoint
CREATE INDEX "article_versions_site_id_idx" ON "article_versions" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "article_versions_article_version_key" ON "article_versions" USING btree ("article_id","version_no");--> statement-breakpoint
CREATE INDEX "articles_site_id_idx" ON "articles" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "articles_site_slug_key" ON "articles" USING btree ("site_id","slug");--> statement-breakpoint
CREATE INDEX "articles_site_status_idx" ON "articles" USING btree ("site_id","status","id");--> statement-breakpoint
CREATE INDEX "articles_site_author_idx" ON "articles" USING btree ("site_id","author_id");--> statement-breakpoint
CREATE INDEX "articles_search_idx" ON "articles" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "articles_scheduled_idx" ON "articles" USING btree ("scheduled_for") WHERE status = 'scheduled';--> statement-breakpoint
CREATE INDEX "categories_site_id_idx" ON "categories" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "categories_site_slug_key" ON "categories" USING btree ("site_id","slug");--> statement-breakpoint
CREATE INDEX "content_reviews_site_id_idx" ON "content_reviews" USING btree ("site_id","id");--> statement-breakpoint
CREATE INDEX "content_reviews_article_idx" ON "content_reviews" USING btree ("article_id","id");--> statement-breakpoint
CREATE INDEX "content_templates_site_id_idx" ON "content_templates" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "content_templates_site_name_key" ON "content_templates" USING btree ("site_id","content_type","name");--> statement-breakpoint
CREATE INDEX "page_versions_site_id_idx" ON "page_versions" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "page_versions_page_version_key" ON "page_versions" USING btree ("page_id","version_number");--> statement-breakpoint
CREATE UNIQUE INDEX "page_versions_one_published" ON "page_versions" USING btree ("page_id") WHERE is_published;--> statement-breakpoint
CREATE INDEX "pages_site_id_idx" ON "pages" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "pages_site_slug_key" ON "pages" USING btree ("site_id","slug");--> statement-breakpoint
CREATE INDEX "pages_site_status_idx" ON "pages" USING btree ("site_id","status","id");--> statement-breakpoint
CREATE INDEX "pages_search_idx" ON "pages" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "pages_scheduled_idx" ON "pages" USING btree ("scheduled_for") WHERE status = 'scheduled';--> statement-breakpoint
CREATE INDEX "seo_metadata_site_id_idx" ON "seo_metadata" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "seo_metadata_page_key" ON "seo_metadata" USING btree ("page_id") WHERE page_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "seo_metadata_article_key" ON "seo_metadata" USING btree ("article_id") WHERE article_id is not null;--> statement-breakpoint
CREATE INDEX "tags_site_id_idx" ON "tags" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "tags_site_slug_key" ON "tags" USING btree ("site_id","slug");--> statement-breakpoint
CREATE INDEX "media_assets_site_id_idx" ON "media_assets" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "media_assets_site_checksum_key" ON "media_assets" USING btree ("site_id","checksum");--> statement-breakpoint
CREATE INDEX "media_assets_site_uploaded_by_idx" ON "media_assets" USING btree ("site_id","uploaded_by");--> statement-breakpoint
CREATE INDEX "media_assets_deleted_at_idx" ON "media_assets" USING btree ("deleted_at") WHERE deleted_at is not null;--> statement-breakpoint
CREATE INDEX "media_assets_processing_idx" ON "media_assets" USING btree ("processing_status") WHERE processing_status in ('pending', 'processing');--> statement-breakpoint
CREATE INDEX "media_derivatives_site_id_idx" ON "media_derivatives" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "media_derivatives_asset_variant_key" ON "media_derivatives" USING btree ("media_asset_id","variant");--> statement-breakpoint
CREATE INDEX "media_storage_site_id_idx" ON "media_storage" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "media_storage_asset_key" ON "media_storage" USING btree ("media_asset_id");--> statement-breakpoint
CREATE UNIQUE INDEX "media_storage_provider_key" ON "media_storage" USING btree ("provider",coalesce("bucket", ''),"storage_key");--> statement-breakpoint
CREATE INDEX "approval_actions_site_id_idx" ON "approval_actions" USING btree ("site_id","id");--> statement-breakpoint
CREATE INDEX "approval_actions_request_idx" ON "approval_actions" USING btree ("approval_request_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_actions_one_approval_per_step" ON "approval_actions" USING btree ("approval_request_id","step_number","actioned_by") WHERE action = 'approve';--> statement-breakpoint
CREATE INDEX "approval_requests_site_id_idx" ON "approval_requests" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_requests_one_open_per_target" ON "approval_requests" USING btree ("site_id","target_type","target_id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "approval_requests_target_idx" ON "approval_requests" USING btree ("site_id","target_type","target_id","id");--> statement-breakpoint
CREATE INDEX "approval_requests_open_idx" ON "approval_requests" USING btree ("site_id","id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "approval_workflows_site_id_idx" ON "approval_workflows" USING btree ("site_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_workflows_site_name_key" ON "approval_workflows" USING btree ("site_id","name");--> statement-breakpoint
CREATE POLICY "article_categories_tenant_isolation" ON "article_categories" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "article_tags_tenant_isolation" ON "article_tags" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "article_versions_tenant_isolation" ON "article_versions" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "articles_tenant_isolation" ON "articles" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "categories_tenant_isolation" ON "categories" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "content_reviews_tenant_isolation" ON "content_reviews" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "content_templates_tenant_isolation" ON "content_templates" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "page_versions_tenant_isolation" ON "page_versions" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "pages_tenant_isolation" ON "pages" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "seo_metadata_tenant_isolation" ON "seo_metadata" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "tags_tenant_isolation" ON "tags" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "media_assets_tenant_isolation" ON "media_assets" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "media_derivatives_tenant_isolation" ON "media_derivatives" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "media_storage_tenant_isolation" ON "media_storage" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "approval_actions_tenant_isolation" ON "approval_actions" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "approval_requests_tenant_isolation" ON "approval_requests" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "approval_workflows_tenant_isolation" ON "approval_workflows" AS PERMISSIVE FOR ALL TO "admiral_app" USING (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid)) WITH CHECK (site_id = (select nullif(current_setting('app.site_id', true), '')::uuid));