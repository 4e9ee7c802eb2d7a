CREATE TABLE "host_index_keys" (
	"installation_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"key" text NOT NULL,
	"host_id" text NOT NULL,
	CONSTRAINT "host_index_keys_installation_id_entity_key_host_id_pk" PRIMARY KEY("installation_id","entity","key","host_id")
);
--> statement-breakpoint
DROP INDEX "host_index_numbers";--> statement-breakpoint
DROP INDEX "host_index_name_address";--> statement-breakpoint
ALTER TABLE "host_index_keys" ADD CONSTRAINT "host_index_keys_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "host_index_keys_host" ON "host_index_keys" USING btree ("installation_id","entity","host_id");--> statement-breakpoint
INSERT INTO "host_index_keys" ("installation_id", "entity", "key", "host_id")
SELECT DISTINCT "installation_id", "entity", k, "host_id" FROM "host_index", unnest("numbers" || "name_address_keys") AS k;
