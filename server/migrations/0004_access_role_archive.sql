DROP INDEX "roles_site_key";--> statement-breakpoint
ALTER TABLE "roles" ADD COLUMN "deleted_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "roles" ADD CONSTRAINT "roles_id_site_id_key" UNIQUE("id","site_id");--> statement-breakpoint
ALTER TABLE "role_permissions" ADD CONSTRAINT "role_permissions_role_site_fk" FOREIGN KEY ("role_id","site_id") REFERENCES "public"."roles"("id","site_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "roles_site_key" ON "roles" USING btree (coalesce("site_id", '00000000-0000-0000-0000-000000000000'::uuid),"key") WHERE deleted_at is null;
