CREATE TYPE "public"."installation_status" AS ENUM('inactive', 'connecting', 'importing', 'active', 'error', 'needs_reconnect');--> statement-breakpoint
CREATE TYPE "public"."run_status" AS ENUM('running', 'succeeded', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."sync_direction" AS ENUM('host_to_remote', 'remote_to_host');--> statement-breakpoint
CREATE TYPE "public"."sync_outcome" AS ENUM('created', 'updated', 'linked', 'unchanged', 'skipped', 'failed');--> statement-breakpoint
CREATE TABLE "credentials" (
	"installation_id" uuid PRIMARY KEY NOT NULL,
	"key_id" text NOT NULL,
	"sealed" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "host_index" (
	"installation_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"host_id" text NOT NULL,
	"numbers" text[] DEFAULT '{}'::text[] NOT NULL,
	"name_address_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"data" jsonb NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "host_index_installation_id_entity_host_id_pk" PRIMARY KEY("installation_id","entity","host_id")
);
--> statement-breakpoint
CREATE TABLE "installations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"connector" text NOT NULL,
	"status" "installation_status" DEFAULT 'inactive' NOT NULL,
	"status_message" text,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"remote_account" jsonb,
	"activated_at" timestamp with time zone,
	"deactivated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"installation_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"direction" text NOT NULL,
	"cursor" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_cursors_installation_id_entity_direction_pk" PRIMARY KEY("installation_id","entity","direction")
);
--> statement-breakpoint
CREATE TABLE "sync_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"installation_id" uuid NOT NULL,
	"run_id" uuid,
	"direction" "sync_direction" NOT NULL,
	"entity" text NOT NULL,
	"host_id" text,
	"remote_id" text,
	"outcome" "sync_outcome" NOT NULL,
	"message" text,
	"message_params" jsonb,
	"retriable" boolean DEFAULT false NOT NULL,
	"retried_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_links" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"installation_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"host_id" text NOT NULL,
	"remote_id" text NOT NULL,
	"remote_number" text,
	"host_hash" text,
	"remote_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"installation_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"entity" text NOT NULL,
	"status" "run_status" DEFAULT 'running' NOT NULL,
	"counts" jsonb DEFAULT '{"created":0,"updated":0,"linked":0,"unchanged":0,"skipped":0,"failed":0}'::jsonb NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"total" integer,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text DEFAULT 'tribe' NOT NULL,
	"name" text NOT NULL,
	"locale" text DEFAULT 'nl' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"delivery_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"entity_type" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "host_index" ADD CONSTRAINT "host_index_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "installations" ADD CONSTRAINT "installations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD CONSTRAINT "sync_cursors_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_events" ADD CONSTRAINT "sync_events_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_events" ADD CONSTRAINT "sync_events_run_id_sync_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."sync_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_links" ADD CONSTRAINT "sync_links_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "public"."installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "host_index_numbers" ON "host_index" USING gin ("numbers");--> statement-breakpoint
CREATE INDEX "host_index_name_address" ON "host_index" USING gin ("name_address_keys");--> statement-breakpoint
CREATE UNIQUE INDEX "installations_tenant_connector" ON "installations" USING btree ("tenant_id","connector");--> statement-breakpoint
CREATE INDEX "sync_events_installation" ON "sync_events" USING btree ("installation_id","created_at");--> statement-breakpoint
CREATE INDEX "sync_events_record" ON "sync_events" USING btree ("installation_id","entity","host_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_links_host" ON "sync_links" USING btree ("installation_id","entity","host_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_links_remote" ON "sync_links" USING btree ("installation_id","entity","remote_id");--> statement-breakpoint
CREATE INDEX "sync_runs_installation" ON "sync_runs" USING btree ("installation_id","started_at");