CREATE TABLE "sync_locks" (
	"installation_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"key" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sync_locks_installation_id_entity_key_pk" PRIMARY KEY("installation_id","entity","key")
);
--> statement-breakpoint
ALTER TABLE "sync_locks" ADD CONSTRAINT "sync_locks_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE cascade ON UPDATE no action;