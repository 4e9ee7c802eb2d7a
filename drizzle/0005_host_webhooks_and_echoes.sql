CREATE TABLE "host_echoes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"installation_id" uuid NOT NULL,
	"entity_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "host_webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"entity_type" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pending_host_writes" (
	"installation_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"key" text NOT NULL,
	"writer" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "pending_host_writes_installation_id_entity_key_writer_pk" PRIMARY KEY("installation_id","entity","key","writer")
);
--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "resumed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "pending" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "host_echoes" ADD CONSTRAINT "host_echoes_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "host_webhooks" ADD CONSTRAINT "host_webhooks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_host_writes" ADD CONSTRAINT "pending_host_writes_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "host_echoes_entity" ON "host_echoes" USING btree ("installation_id","entity_id");--> statement-breakpoint
CREATE INDEX "host_webhooks_tenant" ON "host_webhooks" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "pending_host_writes_writer" ON "pending_host_writes" USING btree ("installation_id","writer");