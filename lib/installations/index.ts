import { and, eq, ne } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "@/lib/db";
import { schema } from "@/lib/db";
import type { Connector, Option } from "@/lib/sync/types";
import { getOrCreateInstallation, findInstallation, type Installation } from "@/lib/tenancy";
import { storeCredentials, deleteCredentials } from "./credentials";
import { subscribeHostWebhooks, unsubscribeHostWebhooks } from "@/lib/host";
import { forgetRemoteOptions, settingsOptions } from "./options";
import { incompleteTabs, missingRequired, settingsComplete, unknownOptions, unmappedRowsMessage, type FieldErrors, type FormMessage } from "./settings";

export type { FieldErrors, FormMessage } from "./settings";
export { installationOverview, type OverviewFilters } from "./overview";

export type SendEvents = (events: Array<{ name: string; data: Record<string, unknown>; id?: string }>) => Promise<unknown>;

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
  | { ok: false; fieldErrors?: FieldErrors; reason?: string; message?: string | null; params?: Record<string, string> };

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
    return { ok: false, reason: result.reason, message: result.message, ...(result.params ? { params: result.params } : {}) };
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
  forgetRemoteOptions(installation.id);
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
  // Activating again with complete settings links to what exists instead of asking again. Both
  // sides' lists (for the required mappings) are read only when the connector's own check passes.
  const complete =
    args.connector.settings.isComplete(updated.settings) &&
    settingsComplete(args.connector, updated.settings, (await settingsOptions(db, args.tenantId, args.connector)).lists);
  if (complete) {
    await startImport(db, updated, args.send);
    return { ok: true, status: "importing" };
  }
  return { ok: true, status: "connecting" };
}

export type SaveOutcome =
  | { ok: true; complete: boolean; status: Installation["status"]; saved: Record<string, unknown>; importStarted: boolean }
  | { ok: false; fieldErrors: FieldErrors; message?: FormMessage };

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
  const values = (parsed.success ? parsed.data : args.input ?? {}) as Record<string, unknown>;
  // every empty required row is named, also when another field of the tab is wrong too
  const missing = missingRequired(values, tab, args.options);
  const errors = { ...missing.fieldErrors, ...(parsed.success ? unknownOptions(values, tab, args.options) : fieldErrorsOf(parsed.error)) };
  if (Object.keys(errors).length) {
    return { ok: false, fieldErrors: errors, ...(missing.unmappedRows.length ? { message: unmappedRowsMessage(missing.unmappedRows) } : {}) };
  }

  const settings = { ...(installation.settings as Record<string, unknown>), [tab.id]: values };
  const [updated] = await db
    .update(schema.installations)
    .set({ settings, updatedAt: new Date() })
    .where(eq(schema.installations.id, installation.id))
    .returning();
  const complete = settingsComplete(args.connector, settings, args.options);
  if (complete && updated.status === "connecting") {
    await startImport(db, updated, args.send);
    return { ok: true, complete, status: "importing", saved: values, importStarted: true };
  }
  return { ok: true, complete, status: updated.status, saved: values, importStarted: false };
}

/** The settings tabs the user still has to fill before the import can start (none once it has). */
export async function pendingSettingsTabs(db: Db, args: { tenantId: string; connector: Connector<unknown, unknown> }): Promise<string[]> {
  const installation = await findInstallation(db, args.tenantId, args.connector.id);
  if (!installation || installation.status !== "connecting") return [];
  const { lists } = await settingsOptions(db, args.tenantId, args.connector);
  return incompleteTabs(args.connector, installation.settings, lists);
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
  forgetRemoteOptions(installation.id);
  await args.send([
    { name: "ledgerlink/installation.deactivated", data: { installationId: installation.id, connector: installation.connector } },
  ]);
  // the CRM's webhooks go with the tenant's last syncing installation
  const others = await db
    .select({ id: schema.installations.id })
    .from(schema.installations)
    .where(and(eq(schema.installations.tenantId, args.tenantId), ne(schema.installations.status, "inactive")));
  if (others.length === 0) {
    await unsubscribeHostWebhooks(db, args.tenantId).catch((err) => console.warn(`[webhooks] could not unsubscribe tenant ${args.tenantId}: ${String(err)}`));
  }
  return true;
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
