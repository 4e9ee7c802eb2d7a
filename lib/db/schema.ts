import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** A host CRM account (organization) that installed the app. The id is the host's own. */
export const tenants = pgTable("tenants", {
  id: text("id").primaryKey(),
  host: text("host").notNull().default("tribe"),
  name: text("name").notNull(),
  locale: text("locale").notNull().default("nl"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const installationStatus = pgEnum("installation_status", [
  "inactive",
  "connecting",
  "importing",
  "active",
  "error",
  "needs_reconnect",
]);
export type InstallationStatus = (typeof installationStatus.enumValues)[number];

/** One connector activated (or once activated) by one tenant. */
export const installations = pgTable(
  "installations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    connector: text("connector").notNull(),
    status: installationStatus("status").notNull().default("inactive"),
    statusMessage: text("status_message"),
    /** validated by the connector's zod schema before it is written */
    settings: jsonb("settings").notNull().default(sql`'{}'::jsonb`),
    /** non-secret facts learnt while connecting (administration name, package, ...) */
    remoteAccount: jsonb("remote_account"),
    activatedAt: timestamp("activated_at", { withTimezone: true }),
    deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("installations_tenant_connector").on(t.tenantId, t.connector)],
);

/** Secrets of an installation, sealed by lib/crypto; the row id is part of the associated data. */
export const credentials = pgTable("credentials", {
  installationId: uuid("installation_id")
    .primaryKey()
    .references(() => installations.id, { onDelete: "cascade" }),
  keyId: text("key_id").notNull(),
  sealed: text("sealed").notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** One record known on both sides. Hashes are of the last payload written each way (echo suppression). */
export const syncLinks = pgTable(
  "sync_links",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    installationId: uuid("installation_id")
      .notNull()
      .references(() => installations.id, { onDelete: "cascade" }),
    entity: text("entity").notNull(),
    /**
     * The role the remote record plays for the host record ("" when the package keeps one record
     * per host record; "customer"/"supplier" when it keeps one per role, each with its own id)
     */
    role: text("role").notNull().default(""),
    hostId: text("host_id").notNull(),
    remoteId: text("remote_id").notNull(),
    remoteNumber: text("remote_number"),
    /** hash of what we last wrote to, or read from, the host */
    hostHash: text("host_hash"),
    /** hash of what we last wrote to, or read from, the remote package */
    remoteHash: text("remote_hash"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("sync_links_host").on(t.installationId, t.entity, t.role, t.hostId),
    uniqueIndex("sync_links_remote").on(t.installationId, t.entity, t.role, t.remoteId),
  ],
);

/** Where an incremental pull or a resumable import stands. */
export const syncCursors = pgTable(
  "sync_cursors",
  {
    installationId: uuid("installation_id")
      .notNull()
      .references(() => installations.id, { onDelete: "cascade" }),
    entity: text("entity").notNull(),
    direction: text("direction").notNull(),
    cursor: jsonb("cursor").notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.entity, t.direction] })],
);

export const runStatus = pgEnum("run_status", ["running", "succeeded", "failed", "cancelled"]);

export type RunCounts = {
  created: number;
  updated: number;
  linked: number;
  unchanged: number;
  skipped: number;
  failed: number;
};

export const syncRuns = pgTable(
  "sync_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    installationId: uuid("installation_id")
      .notNull()
      .references(() => installations.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    entity: text("entity").notNull(),
    status: runStatus("status").notNull().default("running"),
    counts: jsonb("counts")
      .$type<RunCounts>()
      .notNull()
      .default(sql`'{"created":0,"updated":0,"linked":0,"unchanged":0,"skipped":0,"failed":0}'::jsonb`),
    /** records seen so far, and the total when the source tells it (progress bar) */
    processed: integer("processed").notNull().default(0),
    total: integer("total"),
    error: text("error"),
    /** when a stalled import was last picked up again by itself */
    resumedAt: timestamp("resumed_at", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("sync_runs_installation").on(t.installationId, t.startedAt)],
);

export const syncDirection = pgEnum("sync_direction", ["host_to_remote", "remote_to_host"]);
export const syncOutcome = pgEnum("sync_outcome", [
  "created",
  "updated",
  "linked",
  "unchanged",
  "skipped",
  "failed",
]);

/** The per-record sync log the user reads, and retries from. */
export const syncEvents = pgTable(
  "sync_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    installationId: uuid("installation_id")
      .notNull()
      .references(() => installations.id, { onDelete: "cascade" }),
    runId: uuid("run_id").references(() => syncRuns.id, { onDelete: "set null" }),
    direction: syncDirection("direction").notNull(),
    entity: text("entity").notNull(),
    hostId: text("host_id"),
    remoteId: text("remote_id"),
    /** what the user knows the record by: a relation's name and number, an invoice's number */
    label: text("label"),
    outcome: syncOutcome("outcome").notNull(),
    /** message key (translated on display) or the vendor's own text; never contains secrets */
    message: text("message"),
    /** values for the message's placeholders */
    messageParams: jsonb("message_params").$type<Record<string, string | number>>(),
    retriable: boolean("retriable").notNull().default(false),
    retriedAt: timestamp("retried_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("sync_events_installation").on(t.installationId, t.createdAt),
    index("sync_events_record").on(t.installationId, t.entity, t.hostId),
  ],
);

/**
 * Host webhook deliveries, so a redelivery is answered without being handled twice. The key is
 * the delivery's own id when the host sends one, else a hash of its subscription and body: two
 * equal bodies are one delivery while it waits to be handled, and a new one after.
 */
export const webhookDeliveries = pgTable("webhook_deliveries", {
  deliveryId: text("delivery_id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  entityType: text("entity_type").notNull(),
  /** true from receipt until the change it carries has been sorted */
  pending: boolean("pending").notNull().default(true),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
});

/** The host's webhook subscriptions Ledgerlink made for a tenant: a delivery names its subscription. */
export const hostWebhooks = pgTable(
  "host_webhooks",
  {
    /** the host's own id of the subscription (Tribe's webhookId) */
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    entityType: text("entity_type").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("host_webhooks_tenant").on(t.tenantId)],
);

/**
 * Webhooks Ledgerlink expects for its own host writes: one row per host entity a write created
 * or changed. A webhook naming such an entity is an echo and costs nothing; rows expire, so a
 * webhook that never comes does not hide a later change for long.
 */
export const hostEchoes = pgTable(
  "host_echoes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    installationId: uuid("installation_id")
      .notNull()
      .references(() => installations.id, { onDelete: "cascade" }),
    entityId: text("entity_id").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("host_echoes_entity").on(t.installationId, t.entityId)],
);

/**
 * Host writes under way (an import or pull page): the matching keys and host ids they concern.
 * A CRM change that may be one of them waits until the page has saved its links and echoes,
 * instead of being pushed to the package as new.
 */
export const pendingHostWrites = pgTable(
  "pending_host_writes",
  {
    installationId: uuid("installation_id")
      .notNull()
      .references(() => installations.id, { onDelete: "cascade" }),
    entity: text("entity").notNull(),
    key: text("key").notNull(),
    /** the page that writes: its rows go when it has saved, or when a resumed attempt has */
    writer: text("writer").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.entity, t.key, t.writer] }), index("pending_host_writes_writer").on(t.installationId, t.writer)],
);

/**
 * The local index of the host's records, read page by page before an import, so matching
 * never looks a record up one at a time (host calls are the scarce resource).
 */
export const hostIndex = pgTable(
  "host_index",
  {
    installationId: uuid("installation_id")
      .notNull()
      .references(() => installations.id, { onDelete: "cascade" }),
    entity: text("entity").notNull(),
    hostId: text("host_id").notNull(),
    numbers: text("numbers").array().notNull().default(sql`'{}'::text[]`),
    nameAddressKeys: text("name_address_keys").array().notNull().default(sql`'{}'::text[]`),
    /** the canonical record as last read or written, to merge into and compare against */
    data: jsonb("data").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.entity, t.hostId] })],
);

/**
 * Every matching key of the host index, one row each, so a page's candidates are found by
 * b-tree lookups: an array-overlap filter on host_index scanned the whole index (~1 s a page at
 * 50,000 host records).
 */
export const hostIndexKeys = pgTable(
  "host_index_keys",
  {
    installationId: uuid("installation_id")
      .notNull()
      .references(() => installations.id, { onDelete: "cascade" }),
    entity: text("entity").notNull(),
    key: text("key").notNull(),
    hostId: text("host_id").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.installationId, t.entity, t.key, t.hostId] }),
    // a re-indexed record drops the keys it no longer has
    index("host_index_keys_host").on(t.installationId, t.entity, t.hostId),
  ],
);

/**
 * One writer per record: a CRM change often arrives as several webhooks at once (the relation,
 * its address, its relationship), and two pushes of one new record must not both create it.
 */
export const syncLocks = pgTable(
  "sync_locks",
  {
    installationId: uuid("installation_id")
      .notNull()
      .references(() => installations.id, { onDelete: "cascade" }),
    entity: text("entity").notNull(),
    key: text("key").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.entity, t.key] })],
);

/** Host session tokens already exchanged for a session: each is accepted once. */
export const usedHostTokens = pgTable("used_host_tokens", {
  tokenId: text("token_id").primaryKey(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

/**
 * A tenant's CRM connection made through the host's authorization-code flow: the refresh token
 * the organisation's consent gave, sealed by lib/crypto (the tenant id is its associated data),
 * and who gave it.
 */
export const hostConnections = pgTable("host_connections", {
  tenantId: text("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  keyId: text("key_id").notNull(),
  sealed: text("sealed").notNull(),
  /** the host user who consented, as the host names them */
  connectedBy: text("connected_by"),
  connectedAt: timestamp("connected_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: updatedAt(),
});

/** Consent requests under way: the `state` a callback must bring back, once, before it expires. */
export const oauthStates = pgTable("oauth_states", {
  state: text("state").primaryKey(),
  tenantId: text("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" }),
  locale: text("locale").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

/**
 * The request budgets every process on this database shares (lib/http/request-budget): one row
 * per budget key, `expire` its next free slot and `points` the requests taken since it was last
 * idle.
 */
export const requestBudgets = pgTable("request_budgets", {
  key: text("key").primaryKey(),
  points: integer("points").notNull(),
  expire: timestamp("expire", { withTimezone: true }),
});
