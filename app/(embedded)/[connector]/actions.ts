"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireSession } from "@/lib/auth/guard";
import { getConnector } from "@/lib/connectors";
import { getDb } from "@/lib/db";
import {
  connectInstallation,
  deactivateInstallation,
  requestPull,
  retrySyncEvent,
  saveSettingsTab,
  type FieldErrors,
  type FormMessage,
} from "@/lib/installations";
import { settingsOptions } from "@/lib/installations/options";
import { formToObject } from "@/lib/installations/forms";
import { inngest } from "@/inngest/client";

const send = (events: Array<{ name: string; data: Record<string, unknown>; id?: string }>) => inngest.send(events);

function connectorOrThrow(id: unknown) {
  const connector = getConnector(z.string().parse(id));
  if (!connector) throw new Error("unknown connector");
  return connector;
}

export type FormState = {
  ok: boolean | null;
  fieldErrors?: FieldErrors;
  message?: string | null;
  reason?: string;
  /** values of the connector's refusal message */
  params?: Record<string, string>;
  /** what the user typed, minus secrets, so a refused form keeps it */
  values?: Record<string, string>;
};

export type SettingsFormState = {
  ok: boolean | null;
  fieldErrors?: FieldErrors;
  /** a message key (and values) for the result line */
  message?: FormMessage;
  /** the tab as it was saved (what the form shows after a success) */
  saved?: Record<string, unknown>;
  /** this save completed the settings and started the first import */
  importStarted?: boolean;
};

export type PullNowState = { ok: boolean | null; requestedAt?: string };

export async function connectAction(connectorId: string, _prev: FormState, formData: FormData): Promise<FormState> {
  const session = await requireSession();
  const connector = connectorOrThrow(connectorId);
  const input = Object.fromEntries(formData);
  const result = await connectInstallation(await getDb(), { tenantId: session.tenantId, connector, input, send });
  if (!result.ok) {
    const visible = connector.credentials.fields.filter((f) => f.type !== "password").map((f) => f.name.split(":").pop()!);
    const values = Object.fromEntries(visible.filter((k) => typeof input[k] === "string").map((k) => [k, input[k] as string]));
    return { ok: false, fieldErrors: result.fieldErrors, reason: result.reason, message: result.message, params: result.params, values };
  }
  redirect(`/${connector.id}/settings/${connector.settings.tabs[0].id}`);
}

export async function saveSettingsAction(connectorId: string, tabId: string, _prev: SettingsFormState, formData: FormData): Promise<SettingsFormState> {
  const session = await requireSession();
  const connector = connectorOrThrow(connectorId);
  const tab = connector.settings.tabs.find((t) => t.id === z.string().parse(tabId));
  if (!tab) return { ok: false, fieldErrors: { _form: "settings.errors.invalid" } };
  const db = await getDb();
  const options = await settingsOptions(db, session.tenantId, connector);
  const result = await saveSettingsTab(db, {
    tenantId: session.tenantId,
    connector,
    tabId: tab.id,
    input: formToObject(tab, formData),
    options: options.lists,
    send,
  });
  revalidatePath(`/${connector.id}`, "layout");
  if (!result.ok) return { ok: false, fieldErrors: result.fieldErrors, message: result.message ?? { key: "settings.invalid" } };
  return {
    ok: true,
    saved: result.saved,
    importStarted: result.importStarted,
    message: { key: result.importStarted ? "settings.importStarted" : result.complete ? "settings.complete" : "settings.saved" },
  };
}

export async function deactivateAction(connectorId: string) {
  const session = await requireSession();
  const connector = connectorOrThrow(connectorId);
  await deactivateInstallation(await getDb(), { tenantId: session.tenantId, connectorId: connector.id, send });
  revalidatePath(`/${connector.id}`);
}

export async function retryAction(connectorId: string, formData: FormData) {
  const session = await requireSession();
  const connector = connectorOrThrow(connectorId);
  const syncEventId = z.coerce.number().int().positive().parse(formData.get("syncEventId"));
  await retrySyncEvent(await getDb(), { tenantId: session.tenantId, connectorId: connector.id, syncEventId, send });
  revalidatePath(`/${connector.id}`);
}

export async function pullNowAction(connectorId: string, _prev: PullNowState): Promise<PullNowState> {
  const session = await requireSession();
  const connector = connectorOrThrow(connectorId);
  const requestedAt = new Date().toISOString();
  const ok = await requestPull(await getDb(), { tenantId: session.tenantId, connectorId: connector.id, send });
  revalidatePath(`/${connector.id}`);
  return { ok, requestedAt };
}
