import { and, desc, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "@/lib/db";
import { schema } from "@/lib/db";
import type { Connector, HostOptions, Option } from "@/lib/sync/types";
import { getOrCreateInstallation, findInstallation, type Installation } from "@/lib/tenancy";
import { storeCredentials, deleteCredentials } from "./credentials";
import { subscribeHostWebhooks, unsubscribeHostWebhooks } from "@/lib/host";

export type SendEvents = (events: Array<{ name: string; data: Record<string, unknown>; id?: string }>) => Promise<unknown>;

export type FieldErrors = Record<string, string>;

/** zod issues → one message key per field (the UI translates the keys). */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_form";
    out[key] ??= issue.message.startsWith("settings.") || issue.message.startsWith("connect.") ? issue.message : "settings.errors.invalid";
  }
  return out;
}

async function startImport(db: Db, installation: Installation, send: SendEvents) {
  await db
    .update(schema.installations)
    .set({ status: "importing", statusMessage: null, updatedAt: new Date() })
    .where(eq(schema.installations.id, installation.id));
  await send([
    { name: "ledgerlink/installation.activated", data: { installationId: installation.id, connector: installation.connector } },
  ]);
}

export type ConnectOutcome =
  | { ok: true; status: Installation["status"] }
  | { ok: false; fieldErrors?: FieldErrors; reason?: string; message?: string | null };

/** Activation: check the credentials against the package, keep them sealed, then ask for settings. */
export async function connectInstallation(
  db: Db,
  args: { tenantId: string; connector: Connector<unknown, unknown>; input: unknown; send: SendEvents },
): Promise<ConnectOutcome> {
  const parsed = args.connector.credentials.schema.safeParse(args.input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error) };
  const installation = await getOrCreateInstallation(db, args.tenantId, args.connector.id);
  const result = await args.connector.connect(parsed.data);
  if (!result.ok) {
    await db
      .update(schema.installations)
      .set({ statusMessage: result.message ?? result.reason, updatedAt: new Date() })
      .where(eq(schema.installations.id, installation.id));
    return { ok: false, reason: result.reason, message: result.message };
  }
  // the CRM tells Ledgerlink of every change through webhooks the app subscribes to itself
  try {
    await subscribeHostWebhooks(db, args.tenantId);
  } catch (err) {
    const message = err instanceof Error ? err.message.slice(0, 300) : String(err);
    await db.update(schema.installations).set({ statusMessage: message, updatedAt: new Date() }).where(eq(schema.installations.id, installation.id));
    return { ok: false, reason: "host", message };
  }
  await storeCredentials(db, installation.id, parsed.data as never);
  const [updated] = await db
    .update(schema.installations)
    .set({
      status: "connecting",
      statusMessage: null,
      remoteAccount: result.account,
      activatedAt: new Date(),
      deactivatedAt: null,
      updatedAt: new Date(),
    })
    .where(eq(schema.installations.id, installation.id))
    .returning();
  // Activating again with complete settings links to what exists instead of asking again.
  if (args.connector.settings.isComplete(updated.settings)) {
    await startImport(db, updated, args.send);
    return { ok: true, status: "importing" };
  }
  return { ok: true, status: "connecting" };
}

export type SaveOutcome = { ok: true; complete: boolean; status: Installation["status"] } | { ok: false; fieldErrors: FieldErrors };

/** Every value that names an option must name one that exists on that side right now. */
function unknownOptions(
  values: Record<string, unknown>,
  tab: Connector["settings"]["tabs"][number],
  options: Record<string, Option[]>,
): FieldErrors {
  const errors: FieldErrors = {};
  const allowed = (name: string) => new Set((options[name] ?? []).map((o) => o.value));
  for (const field of tab.fields) {
    const value = values[field.name];
    if (value == null || value === "") continue;
    if (field.kind === "select" || field.kind === "radio") {
      if (!allowed(field.options).has(String(value))) errors[field.name] = "settings.errors.unknownOption";
    } else if (field.kind === "multiselect") {
      const ok = allowed(field.options);
      (value as string[]).forEach((v, i) => {
        if (!ok.has(v)) errors[`${field.name}.${i}`] = "settings.errors.unknownOption";
      });
    } else if (field.kind === "mapping") {
      const rows = allowed(field.rows);
      const ok = allowed(field.options);
      for (const [row, v] of Object.entries(value as Record<string, string>)) {
        if (!rows.has(row) || (v && !ok.has(v))) errors[`${field.name}.${row}`] = "settings.errors.unknownOption";
      }
    }
  }
  return errors;
}

export function hostOptionLists(host: HostOptions): Record<string, Option[]> {
  return {
    vatGroups: host.vatGroups,
    productGroups: host.productGroups,
    relationTypes: host.relationTypes,
    addressTypes: host.addressTypes,
  };
}

/** Saves one settings tab whole or not at all; the import starts once every tab is complete. */
export async function saveSettingsTab(
  db: Db,
  args: {
    tenantId: string;
    connector: Connector<unknown, unknown>;
    tabId: string;
    input: unknown;
    options: Record<string, Option[]>;
    send: SendEvents;
  },
): Promise<SaveOutcome> {
  const installation = await findInstallation(db, args.tenantId, args.connector.id);
  if (!installation || installation.status === "inactive") return { ok: false, fieldErrors: { _form: "auth.session" } };
  const tab = args.connector.settings.tabs.find((t) => t.id === args.tabId);
  if (!tab) return { ok: false, fieldErrors: { _form: "settings.errors.invalid" } };
  const parsed = tab.schema.safeParse(args.input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error) };
  const errors = unknownOptions(parsed.data as Record<string, unknown>, tab, args.options);
  if (Object.keys(errors).length) return { ok: false, fieldErrors: errors };

  const settings = { ...(installation.settings as Record<string, unknown>), [tab.id]: parsed.data };
  const [updated] = await db
    .update(schema.installations)
    .set({ settings, updatedAt: new Date() })
    .where(eq(schema.installations.id, installation.id))
    .returning();
  const complete = args.connector.settings.isComplete(settings);
  if (complete && updated.status === "connecting") {
    await startImport(db, updated, args.send);
    return { ok: true, complete, status: "importing" };
  }
  return { ok: true, complete, status: updated.status };
}

/** Stops syncing and forgets the credentials; never deletes data on either side. */
export async function deactivateInstallation(
  db: Db,
  args: { tenantId: string; connectorId: string; send: SendEvents },
): Promise<boolean> {
  const installation = await findInstallation(db, args.tenantId, args.connectorId);
  if (!installation) return false;
  await db.transaction(async (tx) => {
    await tx
      .update(schema.installations)
      .set({ status: "inactive", statusMessage: null, deactivatedAt: new Date(), updatedAt: new Date() })
      .where(eq(schema.installations.id, installation.id));
    await tx
      .update(schema.syncRuns)
      .set({ status: "cancelled", finishedAt: new Date() })
      .where(and(eq(schema.syncRuns.installationId, installation.id), eq(schema.syncRuns.status, "running")));
    await deleteCredentials(tx as unknown as Db, installation.id);
  });
  await args.send([
    { name: "ledgerlink/installation.deactivated", data: { installationId: installation.id, connector: installation.connector } },
  ]);
  // the CRM's webhooks go with the tenant's last syncing installation
  const others = await db
    .select({ id: schema.installations.id })
    .from(schema.installations)
    .where(and(eq(schema.installations.tenantId, args.tenantId), sql`${schema.installations.status} <> 'inactive'`));
  if (others.length === 0) {
    await unsubscribeHostWebhooks(db, args.tenantId).catch((err) => console.warn(`[webhooks] could not unsubscribe tenant ${args.tenantId}: ${String(err)}`));
  }
  return true;
}

export type OverviewFilters = { entity?: string; outcome?: string };

/** What the overview page shows: status, the last run per entity, the running import, the log. */
export async function installationOverview(db: Db, args: { tenantId: string; connectorId: string; filters?: OverviewFilters }) {
  const installation = await findInstallation(db, args.tenantId, args.connectorId);
  if (!installation) return { installation: null, lastRuns: [], runningImport: null, events: [] };
  const runs = await db
    .select()
    .from(schema.syncRuns)
    .where(eq(schema.syncRuns.installationId, installation.id))
    .orderBy(desc(schema.syncRuns.startedAt))
    .limit(50);
  const seen = new Set<string>();
  const latest = runs.filter((r) => (seen.has(`${r.kind}:${r.entity}`) ? false : (seen.add(`${r.kind}:${r.entity}`), true)));
  const runningImport = runs.find((r) => r.kind === "import" && r.status === "running") ?? null;
  const conditions = [eq(schema.syncEvents.installationId, installation.id)];
  if (args.filters?.entity) conditions.push(eq(schema.syncEvents.entity, args.filters.entity));
  if (args.filters?.outcome) conditions.push(sql`${schema.syncEvents.outcome} = ${args.filters.outcome}`);
  const events = await db
    .select()
    .from(schema.syncEvents)
    .where(and(...conditions))
    .orderBy(desc(schema.syncEvents.id))
    .limit(100);
  return { installation, lastRuns: latest, runningImport, events };
}

/** Schedules one failed record again; only a record of the caller's own installation. */
export async function retrySyncEvent(
  db: Db,
  args: { tenantId: string; connectorId: string; syncEventId: number; send: SendEvents },
): Promise<boolean> {
  const installation = await findInstallation(db, args.tenantId, args.connectorId);
  if (!installation) return false;
  const [row] = await db
    .update(schema.syncEvents)
    .set({ retriedAt: new Date() })
    .where(
      and(
        eq(schema.syncEvents.id, args.syncEventId),
        eq(schema.syncEvents.installationId, installation.id),
        eq(schema.syncEvents.outcome, "failed"),
      ),
    )
    .returning();
  if (!row) return false;
  await args.send([
    {
      name: "ledgerlink/record.retry",
      data: { installationId: installation.id, connector: installation.connector, syncEventId: row.id },
    },
  ]);
  return true;
}

/** "Sync now": the scheduled pulls of this installation, at once. */
export async function requestPull(db: Db, args: { tenantId: string; connectorId: string; send: SendEvents }): Promise<boolean> {
  const installation = await findInstallation(db, args.tenantId, args.connectorId);
  if (!installation || installation.status !== "active") return false;
  await args.send([{ name: "ledgerlink/pull.requested", data: { installationId: installation.id, connector: installation.connector } }]);
  return true;
}
