DROP INDEX "sync_links_host";--> statement-breakpoint
DROP INDEX "sync_links_remote";--> statement-breakpoint
ALTER TABLE "sync_links" ADD COLUMN "role" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "sync_links_host" ON "sync_links" USING btree ("installation_id","entity","role","host_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_links_remote" ON "sync_links" USING btree ("installation_id","entity","role","remote_id");