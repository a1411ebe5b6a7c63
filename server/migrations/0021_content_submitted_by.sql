ALTER TABLE "articles" ADD COLUMN "submitted_by" uuid;--> statement-breakpoint
ALTER TABLE "pages" ADD COLUMN "submitted_by" uuid;--> statement-breakpoint
ALTER TABLE "articles" ADD CONSTRAINT "articles_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pages" ADD CONSTRAINT "pages_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;