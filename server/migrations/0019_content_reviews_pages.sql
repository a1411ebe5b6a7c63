ALTER TABLE "content_reviews" ALTER COLUMN "article_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "content_reviews" ADD COLUMN "page_id" uuid;--> statement-breakpoint
ALTER TABLE "content_reviews" ADD CONSTRAINT "content_reviews_page_fk" FOREIGN KEY ("page_id","site_id") REFERENCES "public"."pages"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "content_reviews_page_idx" ON "content_reviews" USING btree ("page_id","id");--> statement-breakpoint
ALTER TABLE "content_reviews" ADD CONSTRAINT "content_reviews_target_check" CHECK (("content_reviews"."article_id" is null) <> ("content_reviews"."page_id" is null));