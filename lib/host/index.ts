import { eq } from "drizzle-orm";
import { config } from "@/lib/config";
import { getDb, schema, type Db } from "@/lib/db";
import { budgetFor } from "@/lib/sync/budget";
import type { HostAdapter, RateLimit } from "@/lib/sync/types";
import { createTribeClient, type TribeClient } from "./tribe/client";
import { createTribeHostAdapter } from "./tribe/adapter";
import { RateGate } from "@/lib/http/rate-gate";
import { hostConnectionOf, HostNotConnectedError, refreshingTokenSource } from "./tribe/connection";
import { ENTITY_TYPE_HEADER, TENANT_HEADER, WEBHOOK_ENTITY_TYPES } from "./tribe/webhook";

type RequestInfo = { method: string; path: string; status: number };

/**
 * Tribe's limit: 1,000 calls a minute "per application per environment" (docs/host-api.md), an
 * environment being one customer's Tribe, so each tenant's calls count on their own ("account").
 * Should Tribe turn out to count an application's calls across its customers, `per: "deployment"`
 * is the one change: every tenant's client then draws from one budget and waits at one gate.
 */
export const HOST_RATE_LIMIT: RateLimit = { limit: 1000, period: "1m", per: "account" };

// One client per tenant and process keeps its access token across job steps.
const clients = new Map<string, TribeClient>();
const MAX_CLIENTS = 1000;
// After a 429 every call the same limit counts waits: one gate per budget (per tenant, or per application).
const gates = new Map<string, RateGate>();

function clientFor(tenantId: string, onRequest?: (info: RequestInfo) => void): TribeClient {
  const c = config();
  const key = JSON.stringify([tenantId, c.HOST_API_URL, c.HOST_AUTH_URL, c.HOST_AUTH_FLOW, c.HOST_CLIENT_ID]);
  const cached = onRequest ? undefined : clients.get(key);
  if (cached) return cached;
  const budget = budgetFor("host", HOST_RATE_LIMIT, {
    deployment: [c.HOST_API_URL, c.HOST_CLIENT_ID],
    account: [c.HOST_API_URL, c.HOST_CLIENT_ID, tenantId],
  });
  let gate = gates.get(budget.key);
  if (!gate) gates.set(budget.key, (gate = new RateGate()));
  const client = createTribeClient({
    apiUrl: c.HOST_API_URL,
    authUrl: c.HOST_AUTH_URL,
    clientId: c.HOST_CLIENT_ID,
    clientSecret: c.HOST_CLIENT_SECRET,
    scope: c.HOST_OAUTH_SCOPE,
    organizationId: tenantId,
    // the organisation's consent, refreshed; or, where a deployment uses them, client credentials
    ...(c.HOST_AUTH_FLOW === "authorization_code" ? { token: refreshingTokenSource(getDb, tenantId) } : {}),
    onRequest,
    rateGate: gate,
    budget,
  });
  if (!onRequest) {
    if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value!);
    clients.set(key, client);
  }
  return client;
}

/** The host adapter for one tenant, authenticated as the app for that organization. */
export function hostAdapterForTenant(tenantId: string, opts: { onRequest?: (info: RequestInfo) => void } = {}): HostAdapter {
  return createTribeHostAdapter(clientFor(tenantId, opts.onRequest), { houseNumberFields: config().HOST_HOUSE_NUMBER_FIELDS });
}

/** Where the host delivers its webhooks: the app's endpoint unless configured otherwise. */
export function webhookUrl(): string {
  const c = config();
  return c.HOST_WEBHOOK_URL || new URL("/api/host/webhooks", c.LEDGERLINK_APP_URL).toString();
}

/**
 * Makes the tenant's CRM send Ledgerlink a webhook for every entity type it syncs, and records
 * each subscription, whose id is how a delivery names its tenant and entity type. Subscriptions
 * that exist already (an earlier activation) are kept, not made twice.
 */
export async function subscribeHostWebhooks(db: Db, tenantId: string): Promise<void> {
  const client = clientFor(tenantId);
  const url = webhookUrl();
  const existing = (await client.webhooks.list()).filter((w) => w.url === url);
  const rows: Array<typeof schema.hostWebhooks.$inferInsert> = [];
  for (const entityType of Object.keys(WEBHOOK_ENTITY_TYPES)) {
    const found = existing.find((w) => w.entityType === entityType);
    const sub = found ?? (await client.webhooks.create(entityType, url, { [TENANT_HEADER]: tenantId, [ENTITY_TYPE_HEADER]: entityType }));
    rows.push({ id: sub.id, tenantId, entityType });
  }
  await db.transaction(async (tx) => {
    await tx.delete(schema.hostWebhooks).where(eq(schema.hostWebhooks.tenantId, tenantId));
    await tx.insert(schema.hostWebhooks).values(rows);
  });
}

/** Removes the tenant's subscriptions from the CRM (best effort: one it no longer has is gone already). */
export async function unsubscribeHostWebhooks(db: Db, tenantId: string): Promise<void> {
  const rows = await db.select().from(schema.hostWebhooks).where(eq(schema.hostWebhooks.tenantId, tenantId));
  const client = clientFor(tenantId);
  for (const row of rows) await client.webhooks.remove(row.id);
  await db.delete(schema.hostWebhooks).where(eq(schema.hostWebhooks.tenantId, tenantId));
}

const CONSENT_CHECK_MS = 5_000;

/**
 * The tenant's consent as the CRM sees it now, for the page that asks for it: the stored one is
 * tried with one call; one the CRM no longer accepts (withdrawn, or given to a CRM that has since
 * forgotten it) is dropped, so the page asks for it again instead of naming who once gave it and
 * failing on the first save. A CRM that does not answer says nothing about the consent: it is kept.
 */
export async function liveHostConnection(db: Db, tenantId: string): Promise<Awaited<ReturnType<typeof hostConnectionOf>>> {
  const connection = await hostConnectionOf(db, tenantId);
  if (!connection) return null;
  try {
    // the page waits for one answer at most a few seconds: a CRM that is slow (or asks to wait
    // after a 429) says nothing about the consent
    const check = hostAdapterForTenant(tenantId).currentUser();
    check.catch(() => {});
    await Promise.race([check, new Promise((resolve) => setTimeout(resolve, CONSENT_CHECK_MS).unref())]);
  } catch (err) {
    if (err instanceof HostNotConnectedError) return null;
  }
  return connection;
}

/** How the app signs in to the tenant's CRM: with the organisation's consent, or client credentials. */
export const hostSignIn = () => config().HOST_AUTH_FLOW;
export { beginConsent as beginHostConsent, completeConsent as completeHostConsent, hostConnectionOf, forgetHostConnection } from "./tribe/connection";
