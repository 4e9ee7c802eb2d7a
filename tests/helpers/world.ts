/**
 * The outside world for integration tests, all real and over HTTP on loopback: the sandbox
 * CRM, the SnelStart simulator, a database, and a webhook receiver that runs the app's own
 * webhook handling and collects the events it hands to Inngest.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { InngestTestEngine } from "@inngest/test";
import { setDbHandle, type Db } from "@/lib/db";
import { resetConfigForTests } from "@/lib/config";
import { receiveHostWebhook, type OutgoingEvent } from "@/lib/host/receive-webhook";
import { storeCredentials } from "@/lib/installations/credentials";
import { upsertTenant } from "@/lib/tenancy";
import { schema } from "@/lib/db";
import { functions } from "@/inngest/functions";
import { startHostSandbox, type HostSandbox } from "@/sandbox/host/server";
import { startSnelStartSimulator, type SnelStartSimulator, type SnelStartSimulatorOptions } from "@/sandbox/vendors/snelstart/server";
import manifest from "@/manifest.json";
import { createTestDatabase } from "./db";

export const SANDBOX_TENANT = "7ad63a7b-6a76-57a8-a6c4-46099c1d4411";
export const OTHER_TENANT = "11330df0-a15e-595f-85f9-7c9a298287a1";
export const KORENSCHOOF = { method: "password", username: "boekhouding@korenschoof.test", password: "Korenschoof-InKaart-2024!" } as const;

const secrets = {
  LEDGERLINK_APP_SECRET: "integration-app-secret-0123456789",
  HOST_WEBHOOK_SECRET: "integration-webhook-secret",
  HOST_CLIENT_ID: "ledgerlink",
  HOST_CLIENT_SECRET: "integration-client-secret",
  SNELSTART_SUBSCRIPTION_KEY: "sandbox-subscription-key",
};

export type World = {
  db: Db;
  host: HostSandbox;
  snelstart: SnelStartSimulator;
  /** events the webhook handler handed on, in order */
  events: OutgoingEvent[];
  /** wait for the CRM's webhooks to be delivered, then take the events they became */
  takeEvents(): Promise<OutgoingEvent[]>;
  close(): Promise<void>;
};

export async function startWorld(opts: { snelstart?: Partial<SnelStartSimulatorOptions> } = {}): Promise<World> {
  const events: OutgoingEvent[] = [];
  const dbHandle = await createTestDatabase();
  setDbHandle(Promise.resolve(dbHandle));
  const receiver = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers(Object.entries(req.headers).map(([k, v]) => [k, String(v)] as [string, string]));
    const result = await receiveHostWebhook(dbHandle.db, Buffer.concat(chunks).toString("utf8"), headers, {
      secret: secrets.HOST_WEBHOOK_SECRET,
      send: async (e) => void events.push(...e),
    });
    res.writeHead(result.status, { "content-type": "application/json" }).end(JSON.stringify(result.body));
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/host/webhooks`;

  const host = await startHostSandbox({
    port: 0,
    appUrl: "http://127.0.0.1:9",
    appSecret: secrets.LEDGERLINK_APP_SECRET,
    webhookSecret: secrets.HOST_WEBHOOK_SECRET,
    clientId: secrets.HOST_CLIENT_ID,
    clientSecret: secrets.HOST_CLIENT_SECRET,
  });
  await fetch(`${host.url}/__admin/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ webhookUrlOverride: receiverUrl, webhookBackoffMs: 50 }),
  });
  const snelstart = await startSnelStartSimulator({ ...opts.snelstart, port: 0 });

  Object.assign(process.env, secrets, {
    HOST_API_URL: host.url,
    SNELSTART_API_URL: `${snelstart.url}/v2`,
    SNELSTART_AUTH_URL: `${snelstart.url}/b2b/token`,
  });
  resetConfigForTests();

  return {
    db: dbHandle.db,
    host,
    snelstart,
    events,
    async takeEvents() {
      await host.waitForWebhooks(10_000);
      return events.splice(0);
    },
    async close() {
      await Promise.all([host.close(), snelstart.close(), new Promise((r) => receiver.close(r))]);
      setDbHandle(undefined);
      await dbHandle.close();
    },
  };
}

export const completeSettings = (overrides: Record<string, Record<string, unknown>> = {}) => ({
  vatGroups: { vatMapping: {} as Record<string, string> },
  ledgers: { defaultLedgerId: "", ledgerByProductGroup: {} },
  debtors: { exportRelationTypes: ["Customer", "Supplier"] },
  addresses: { vestigingsAdresType: "", correspondentieAdresType: "" },
  other: { mode: "invoices", verkoopordersjabloonId: null },
  sepa: { sepaEnabled: false },
  ...overrides,
});

/**
 * An installation as activation leaves it: the tenant known, the app activated in the CRM,
 * credentials sealed, settings as the tabs would save them (defaults from live options).
 */
export async function installSnelStart(
  world: World,
  opts: {
    tenantId?: string;
    status?: "importing" | "active";
    credentials?: Record<string, string>;
    settings?: (s: ReturnType<typeof completeSettings>) => void;
    /** subscribe the manifest's webhooks, as Activate in the Marketplace does (default true) */
    webhooks?: boolean;
  } = {},
): Promise<string> {
  const tenantId = opts.tenantId ?? SANDBOX_TENANT;
  await upsertTenant(world.db, { tenantId, tenantName: "Sandbox BV", locale: "nl" });
  await fetch(`${world.host.url}/__admin/install`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      tenant: tenantId,
      listingId: "snelstart",
      appId: "ledgerlink",
      // the URL is replaced by the receiver (webhookUrlOverride)
      ...(opts.webhooks === false ? {} : { webhooks: manifest.webhooks }),
    }),
  });
  const { getConnector } = await import("@/lib/connectors");
  const { hostAdapterForTenant } = await import("@/lib/host");
  const connector = getConnector("snelstart")!;
  const credentials = opts.credentials ?? { ...KORENSCHOOF };
  const hostOptions = await hostAdapterForTenant(tenantId).options();
  const remote = await connector.remoteOptions(connector.credentials.schema.parse(credentials));
  const settings = completeSettings();
  for (const tab of connector.settings.tabs) Object.assign((settings as Record<string, object>)[tab.id], connector.settings.suggest(tab.id, hostOptions, { ...remote }));
  opts.settings?.(settings);
  const [row] = await world.db
    .insert(schema.installations)
    .values({ tenantId, connector: "snelstart", status: opts.status ?? "importing", settings, activatedAt: new Date() })
    .returning();
  await storeCredentials(world.db, row.id, credentials);
  return row.id;
}

/** Runs one Inngest function of the app, with its real steps, as Inngest would for this event. */
export async function runFunction(id: string, event: { name: string; data: Record<string, unknown> }) {
  const fn = functions.find((f) => f.id() === id || f.id().endsWith(`-${id}`) || (f as unknown as { opts: { id: string } }).opts.id === id);
  if (!fn) throw new Error(`no function ${id}`);
  const engine = new InngestTestEngine({ function: fn as never, events: [event as never] });
  const out = (await engine.execute()) as { result?: unknown; error?: unknown; ctx: unknown };
  return out;
}
