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
import { webhookReceiver, type HostChangeEvent } from "@/lib/host/receive-webhook";
import { storeCredentials } from "@/lib/installations/credentials";
import { subscribeHostWebhooks } from "@/lib/host";
import { upsertTenant } from "@/lib/tenancy";
import { schema } from "@/lib/db";
import { functions } from "@/inngest/functions";
import { onEventsSent } from "@/inngest/runner/transport";
import { startHostSandbox, type HostSandbox } from "@/sandbox/host/server";
import { startSnelStartSimulator, type SnelStartSimulator, type SnelStartSimulatorOptions } from "@/sandbox/vendors/snelstart/server";
import { startPowerOfficeSimulator, type PowerOfficeSimulator, type PowerOfficeSimulatorOptions } from "@/sandbox/vendors/poweroffice/server";
import { createTestDatabase } from "./db";

import { KORENSCHOOF, SANDBOX_COUNTRY_NL, SANDBOX_TENANT } from "./seed";
export { KORENSCHOOF, OTHER_TENANT, SANDBOX_TENANT } from "./seed";

const secrets = {
  LEDGERLINK_APP_SECRET: "integration-app-secret-0123456789",
  HOST_WEBHOOK_SECRET: "integration-webhook-secret",
  HOST_CLIENT_ID: "ledgerlink",
  HOST_CLIENT_SECRET: "integration-client-secret",
  SNELSTART_SUBSCRIPTION_KEY: "sandbox-subscription-key",
};

export type World = {
  db: Db;
  /** the PostgreSQL database of this world (undefined on PGlite) */
  dbUrl?: string;
  host: HostSandbox;
  snelstart: SnelStartSimulator;
  /** started when the options ask for it */
  poweroffice: PowerOfficeSimulator | null;
  /** the connector whose functions sort the CRM's webhooks in takeEvents */
  connector: string;
  /** the secrets and keys this world's app, CRM and simulator share */
  secrets: Record<keyof typeof secrets, string>;
  /** where the CRM delivers its webhooks: the app's own handling, in this process */
  receiverUrl: string;
  /** the host changes the webhook handler handed on, in order, not yet taken */
  events: HostChangeEvent[];
  /**
   * Waits for the CRM's webhooks to be delivered, sorts the changes they carry as Inngest would
   * (a batch per tenant through the connector's sort function), and answers the events the sorting
   * sent on: the records to push or book.
   */
  takeEvents(): Promise<SentEvent[]>;
  /** what each sorting of takeEvents answered (echoes, ignored, …) */
  sorted: Array<Record<string, unknown>>;
  /** what the webhook receipt answered, per delivery (`{echo: true}`: an echo taken on arrival) */
  receipts: Array<Record<string, unknown>>;
  /** webhooks found to be Ledgerlink's own writes so far: on arrival, or when takeEvents sorted them */
  echoes(): number;
  /** hands the host changes of later webhooks to `sink` (an Inngest runner, say) instead of keeping them for takeEvents; null: keep them again */
  forward(sink: ((events: HostChangeEvent[]) => Promise<unknown>) | null): void;
  close(): Promise<void>;
};

export type WorldOptions = {
  snelstart?: Partial<SnelStartSimulatorOptions>;
  /** start the PowerOffice simulator too (its rate limit off unless these settings set one) */
  poweroffice?: Partial<PowerOfficeSimulatorOptions>;
  /** the connector the tests run (default snelstart) */
  connector?: string;
  /** secrets and keys to use instead of this file's */
  secrets?: Record<string, string>;
  driver?: "pg" | "pglite";
  /** extra sandbox CRM configuration (`POST /__admin/config`) */
  hostConfig?: Record<string, unknown>;
  /** how long takeEvents waits for pending webhook deliveries */
  webhookWaitMs?: number;
  /** how the app signs in to the CRM (default client credentials) */
  signIn?: "authorization_code" | "client_credentials";
};

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const s = { ...secrets, ...opts.secrets };
  const events: HostChangeEvent[] = [];
  const sorted: Array<Record<string, unknown>> = [];
  const receipts: Array<Record<string, unknown>> = [];
  let sink: ((events: HostChangeEvent[]) => Promise<unknown>) | null = null;
  const dbHandle = await createTestDatabase(opts.driver);
  setDbHandle(Promise.resolve(dbHandle));
  const receive = webhookReceiver(dbHandle.db, {
    secret: s.HOST_WEBHOOK_SECRET,
    signatureHeader: "x-tribe-signature",
    send: async (e) => (sink ? sink(e) : void events.push(...e)),
  });
  const receiver = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers(Object.entries(req.headers).map(([k, v]) => [k, String(v)] as [string, string]));
    try {
      const result = await receive(Buffer.concat(chunks).toString("utf8"), headers);
      receipts.push(result.body);
      res.writeHead(result.status, { "content-type": "application/json" }).end(JSON.stringify(result.body));
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/host/webhooks`;

  // nothing listens there: the tests call the app's handlers themselves
  const appUrl = "http://127.0.0.1:9";
  const host = await startHostSandbox({
    port: 0,
    appUrl,
    appSecret: s.LEDGERLINK_APP_SECRET,
    webhookSecret: s.HOST_WEBHOOK_SECRET,
    clientId: s.HOST_CLIENT_ID,
    clientSecret: s.HOST_CLIENT_SECRET,
  });
  await fetch(`${host.url}/__admin/config`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ webhookBackoffMs: 50, ...opts.hostConfig }),
  });
  const snelstart = await startSnelStartSimulator({ ...opts.snelstart, port: 0 });
  const poweroffice = opts.poweroffice
    ? await startPowerOfficeSimulator({ ...opts.poweroffice, port: 0, settings: { rateLimitPerSecond: 0, ...opts.poweroffice.settings } })
    : null;
  const connector = opts.connector ?? (poweroffice ? "poweroffice" : "snelstart");
  // events the functions under test send (step.sendEvent) are not kept for a runner started later
  const stopListening = onEventsSent(() => {});

  Object.assign(process.env, s, {
    LEDGERLINK_APP_URL: appUrl,
    HOST_API_URL: host.url,
    HOST_AUTH_URL: host.url,
    // the consent flow has tests of its own (host-sign-in); the others sign in with client credentials
    HOST_AUTH_FLOW: opts.signIn ?? "client_credentials",
    HOST_WEBHOOK_URL: receiverUrl,
    SNELSTART_API_URL: `${snelstart.url}/v2`,
    SNELSTART_AUTH_URL: `${snelstart.url}/b2b/token`,
    ...(poweroffice ? { POWEROFFICE_API_URL: `${poweroffice.url}/v2`, POWEROFFICE_TOKEN_URL: `${poweroffice.url}/OAuth/Token` } : {}),
  });
  resetConfigForTests();

  return {
    db: dbHandle.db,
    dbUrl: (dbHandle as { url?: string }).url,
    host,
    snelstart,
    poweroffice,
    connector,
    secrets: s,
    receiverUrl,
    events,
    sorted,
    receipts,
    echoes: () => receipts.filter((b) => b.echo).length + sorted.reduce((n, s) => n + Number(s.echoes ?? 0), 0),
    forward: (to) => void (sink = to),
    async takeEvents() {
      await host.waitForWebhooks(opts.webhookWaitMs ?? 10_000);
      const out: SentEvent[] = [];
      for (const batch of batchesOf(events.splice(0))) {
        const sort = await runSort(batch, connector);
        sorted.push(sort.result);
        out.push(...sort.sent);
      }
      return out;
    },
    async close() {
      stopListening();
      await Promise.all([host.close(), snelstart.close(), poweroffice?.close(), new Promise((r) => receiver.close(r))]);
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
  other: { mode: "invoices", verkoopordersjabloonId: null as string | null },
  sepa: { sepaEnabled: false },
  ...overrides,
});

/** Activate in the CRM's Marketplace: the token endpoint answers for the tenant from then on. */
export async function activateInCrm(world: World, opts: { tenantId?: string; listingId?: string } = {}) {
  const r = await fetch(`${world.host.url}/__admin/install`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant: opts.tenantId ?? SANDBOX_TENANT, listingId: opts.listingId ?? "snelstart", appId: "ledgerlink" }),
  });
  if (!r.ok) throw new Error(`CRM install: ${r.status}`);
}

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
    /** subscribe to the CRM's webhooks, as activation does (default true) */
    webhooks?: boolean;
  } = {},
): Promise<string> {
  const tenantId = opts.tenantId ?? SANDBOX_TENANT;
  await upsertTenant(world.db, { tenantId, tenantName: "Sandbox BV", locale: "nl" });
  await activateInCrm(world, { tenantId });
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
  if (opts.webhooks !== false) await subscribeHostWebhooks(world.db, tenantId);
  return row.id;
}

/**
 * An installation of any connector as activation leaves it: settings as the tabs would save
 * them when the user takes every suggestion, then `settings` changes them.
 */
export async function installConnector(
  world: World,
  connectorId: string,
  opts: {
    tenantId?: string;
    status?: "importing" | "active";
    credentials: Record<string, string>;
    settings?: (s: Json) => void;
    webhooks?: boolean;
  },
): Promise<string> {
  const tenantId = opts.tenantId ?? SANDBOX_TENANT;
  await upsertTenant(world.db, { tenantId, tenantName: "Sandbox BV", locale: "nl" });
  await activateInCrm(world, { tenantId, listingId: connectorId });
  const { getConnector } = await import("@/lib/connectors");
  const { hostAdapterForTenant } = await import("@/lib/host");
  const connector = getConnector(connectorId)!;
  const hostOptions = await hostAdapterForTenant(tenantId).options();
  const remote = await connector.remoteOptions(connector.credentials.schema.parse(opts.credentials));
  const settings: Json = {};
  for (const tab of connector.settings.tabs) settings[tab.id] = connector.settings.suggest(tab.id, hostOptions, { ...remote });
  opts.settings?.(settings);
  const [row] = await world.db
    .insert(schema.installations)
    .values({ tenantId, connector: connectorId, status: opts.status ?? "importing", settings, activatedAt: new Date() })
    .returning();
  await storeCredentials(world.db, row.id, opts.credentials);
  if (opts.webhooks !== false) await subscribeHostWebhooks(world.db, tenantId);
  return row.id;
}

export type SentEvent = { name: string; data: Record<string, any>; ts?: number }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runs one Inngest function of the app, with its real steps, as Inngest would for these events (several: a batch). */
export async function runFunction(id: string, event: SentEvent | SentEvent[]) {
  const fn = functions.find((f) => f.id() === id || f.id().endsWith(`-${id}`) || (f as unknown as { opts: { id: string } }).opts.id === id);
  if (!fn) throw new Error(`no function ${id}`);
  const engine = new InngestTestEngine({ function: fn as never, events: (Array.isArray(event) ? event : [event]) as never });
  const out = (await engine.execute()) as { result?: unknown; error?: unknown; ctx: { step: { sendEvent: { mock: { calls: unknown[][] } } } } };
  return out;
}

/** The events a run sent with step.sendEvent. */
export function sentBy(out: Awaited<ReturnType<typeof runFunction>>): SentEvent[] {
  return out.ctx.step.sendEvent.mock.calls.flatMap((call) => call[1] as SentEvent | SentEvent[]);
}

/**
 * A scheduled pull as Inngest runs it: the schedule sends one event per installation, and each
 * installation's pull runs; answers their results (an error fails the call).
 */
export async function runScheduledPull(pull: "relations" | "products" | "payments", connector = "snelstart") {
  const schedule = await runFunction(`${connector}-schedule-pull-${pull}`, { name: "inngest/scheduled.timer", data: {} });
  if (schedule.error) throw schedule.error;
  const results: unknown[] = [];
  for (const due of sentBy(schedule)) {
    const out = await runFunction(`${connector}-pull-${pull}`, due);
    if (out.error) throw out.error;
    results.push(out.result);
  }
  return results;
}

/** Host changes in the batches Inngest makes of them: per tenant, at most 100. */
export function batchesOf(changes: HostChangeEvent[]): HostChangeEvent[][] {
  const byTenant = new Map<string, HostChangeEvent[]>();
  for (const c of changes) byTenant.set(c.data.tenantId, [...(byTenant.get(c.data.tenantId) ?? []), c]);
  return [...byTenant.values()].flatMap((list) => Array.from({ length: Math.ceil(list.length / 100) }, (_, i) => list.slice(i * 100, i * 100 + 100)));
}

/** Sorts one batch of host changes with the connector's sort function; answers what it sent on. */
export async function runSort(batch: HostChangeEvent[], connector = "snelstart") {
  const out = await runFunction(`${connector}-sort-host-changes`, batch);
  if (out.error) throw out.error;
  return { result: out.result as Record<string, unknown>, sent: sentBy(out) };
}

// ── helpers for the integration tests ─────────────────────────────────

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The CRM's OData API as a tenant's API user sees it (a token of its own, not the app's). */
export function crm(world: World, tenantId = SANDBOX_TENANT) {
  let token: string | null = null;
  const auth = async () => {
    if (token) return token;
    const r = await fetch(`${world.host.url}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: world.secrets.HOST_CLIENT_ID,
        client_secret: world.secrets.HOST_CLIENT_SECRET,
        scope: "read write offline",
        organization_id: tenantId,
      }),
    });
    const j = (await r.json()) as { access_token?: string };
    if (!r.ok || !j.access_token) throw new Error(`CRM token: ${r.status} ${JSON.stringify(j)}`);
    return (token = j.access_token);
  };
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const r = await fetch(`${world.host.url}/v1/odata/${path}`, {
      method,
      headers: { authorization: `Bearer ${await auth()}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : undefined };
  };
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await call(method, path, body);
    if (r.status >= 300) throw new Error(`CRM ${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  return {
    call,
    get: (path: string) => ok("GET", path),
    post: (path: string, body: unknown) => ok("POST", path, body),
    put: (path: string, body: unknown) => ok("PUT", path, body),
    del: (path: string) => ok("DELETE", path),
    /** every row of a set (pages of 100, ordered by ID: the CRM has no default order), with an optional $filter and $expand */
    async all(set: string, q: { filter?: string; expand?: string } = {}): Promise<Json[]> {
      const out: Json[] = [];
      for (let skip = 0; ; skip += 100) {
        const params = new URLSearchParams({ $top: "100", $skip: String(skip), $orderby: "ID" });
        if (q.filter) params.set("$filter", q.filter);
        if (q.expand) params.set("$expand", q.expand);
        const page = await ok("GET", `${set}?${params}`);
        out.push(...page.value);
        if (page.value.length < 100) return out;
      }
    },
    /** the customer relationship of a relation (an invoice's customer is reached through it) */
    async customerOf(relationId: string): Promise<string> {
      for (const set of ["Relationship_Organization_CommercialRelationship_Customer", "Relationship_Person_CommercialRelationship_Customer"]) {
        const hit = (await ok("GET", `${set}?$filter=Relation/ID eq ${relationId}&$select=ID`)).value[0];
        if (hit) return hit.ID as string;
      }
      throw new Error(`CRM: ${relationId} is no customer`);
    },
    async count(set: string, filter?: string): Promise<number> {
      const params = new URLSearchParams({ $top: "0", $count: "true" });
      if (filter) params.set("$filter", filter);
      return (await ok("GET", `${set}?${params}`))["@odata.count"];
    },
  };
}
export type Crm = ReturnType<typeof crm>;

/** Ids of the sandbox CRM's datastores (sandbox/host/seed.json). */
export const CRM = {
  country: { NL: SANDBOX_COUNTRY_NL, BE: "f0f3eeb4-0c96-55df-b076-5c434fb82a7c" },
  vatGroup: { NL21: "1ff9feb2-c3fe-5f4a-85a0-88273c4149f8", NL9: "ba92278a-8afc-5757-82f9-2567bd6bd0d8", NL0: "a06e0d92-9c5e-5382-ad02-d5fe56aceccb" },
  invoicePhase: { draft: "5f309626-aa05-5e08-aae9-53d19dfe1450", sent: "7a207baf-3bd1-5527-a801-aa2db449923a", paid: "dec96de4-39bf-51bb-be77-e21606cab7c1" },
  salesOrderPhase: { draft: "63df6d51-cde4-5cd7-a9a8-df42c7d2b095", linked: "aa656426-5ea9-5e8e-8754-b360aec6444c" },
  unit: { piece: "a72aacd6-7411-5e65-8568-a40aeb270c03" },
  productGroup: { services: "4539b0a0-b6c7-5349-a2a4-ac6ada4ab315" },
  org: {
    goudenKorf: "eef6e7a1-222b-5a20-9bdf-9c4393dd7834",
    vanDijk: "5cbd5864-6a67-5308-8796-a4f6016f53f6",
    leCoin: "8d8622a1-2679-5fb3-a39f-f97d17606952",
  },
  person: { janDeBoer: "e5e4143b-274c-56b7-ae8c-19eb5337a4eb" },
  /** the customer relationships (an invoice's customer is reached through its Relationship) */
  customer: {
    goudenKorf: "914d5b5f-0c0e-590c-91d5-36a03f9af3b9",
    vanDijk: "f7dbeb46-fbb5-5c0d-abe3-80b5513617b7",
    leCoin: "4cc56750-48cb-545a-81e7-10b426081438",
    janDeBoer: "02e4accf-2753-54cc-9e64-61d70dc15051",
  },
  invoice: { sent0001: "e40e923a-6483-5b2c-8fd4-b8647cc22449", draftWithSubscription0002: "c7f1d83e-8bfe-5456-a95a-5a4edaf9d6d6" },
  salesOrder: { so0001: "32f34b76-3096-5e33-9c47-d183e244736d" },
  subscription: { goudenKorf: "6dbae2d5-b7a9-5e25-bcc5-7e44379a2805" },
} as const;

/** Ids of the simulator's InKaart administratie (sandbox/vendors/snelstart/seed.json). */
export const SNEL = {
  administratie: "boekhouding@korenschoof.test",
  relatie: {
    zonnetje1001: "ca4d2fdc-fd79-549a-9315-9f1d42fdf7d6",
    goudenLeeuw1002: "789a761f-826b-52ac-81a8-4112e8cb7d61",
    buurtwinkel1003: "5865ce4e-24b6-5633-b1c5-113edf99b1e4",
    kroeg1004: "af647f1d-b794-5f22-91d0-5a4f7cc0c419",
    smaakvol1005: "8b5f9bdf-78a7-597c-a369-32038646d0eb",
    linde1006: "e96a23b3-9a06-5d33-ad70-5e6a4dc51137",
    meelfabriek2001: "f1c1fcd5-465a-5af6-9494-ab34647d0a51",
    zuivel2002: "78587309-0ab3-5545-9833-3c468015f829",
    verpakkingen2003: "359d554f-2027-50c1-82d7-a74b2cf98094",
    groenstroom2004: "ecbce886-7d7c-5357-8b32-758652899f69",
  },
} as const;

/** The simulator's test hooks and, with a token of the bookkeeper's own, its API. */
export function snelstart(world: World) {
  const adm = encodeURIComponent(SNEL.administratie);
  const admin = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const r = await fetch(`${world.snelstart.url}/__admin${path}`, {
      method,
      headers: body !== undefined ? { "content-type": "application/json" } : {},
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    if (!r.ok) throw new Error(`SnelStart admin ${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  let token: string | null = null;
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    if (!token) {
      const r = await fetch(`${world.snelstart.url}/b2b/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "password", username: KORENSCHOOF.username, password: KORENSCHOOF.password }),
      });
      token = ((await r.json()) as { access_token: string }).access_token;
    }
    const r = await fetch(`${world.snelstart.url}/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        "ocp-apim-subscription-key": world.secrets.SNELSTART_SUBSCRIPTION_KEY,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : undefined };
  };
  return {
    state: (): Promise<Json> => admin("GET", `/state?administratie=${adm}`),
    stats: (): Promise<{ total: number; byRoute: Record<string, number> }> => admin("GET", "/stats"),
    resetStats: () => admin("POST", "/stats/reset", {}),
    faults: (f: Record<string, unknown>) => admin("POST", "/faults", f),
    markPaid: (verkoopfactuurId: string) => admin("POST", `/verkoopfacturen/${verkoopfactuurId}/betaald`, {}),
    api,
    /** GET, change, PUT back a relatie or artikel through the API (as the bookkeeper would) */
    async edit(kind: "relaties" | "artikelen", id: string, change: (r: Json) => void) {
      const cur = await api("GET", `/${kind}/${id}`);
      if (cur.status !== 200) throw new Error(`GET ${kind}/${id}: ${cur.status}`);
      const body = { ...cur.json };
      for (const k of ["uri", "modifiedOn", "verkoopBoekingenUri", "inkoopBoekingenUri", "technischeVoorraad", "vrijeVoorraad", "isHoofdartikel", "subartikelen", "extraVeldenKlant", "documents"]) delete body[k];
      change(body);
      const res = await api("PUT", `/${kind}/${id}`, body);
      if (res.status !== 200) throw new Error(`PUT ${kind}/${id}: ${res.status} ${JSON.stringify(res.json)}`);
      return res.json;
    },
  };
}

/** Requests the app made to the simulator since the last reset, without the test hooks. */
export function apiCalls(stats: { byRoute: Record<string, number> }, prefix = "") {
  return Object.entries(stats.byRoute)
    .filter(([route]) => !route.includes("/__admin") && route.includes(prefix))
    .reduce((n, [, c]) => n + c, 0);
}

/** The initial import as Inngest runs it: start, then the pages the function sends itself. */
export async function runImport(installationId: string, opts: { maxPages?: number; connector?: string } = {}) {
  const connector = opts.connector ?? "snelstart";
  const start = await runFunction(`${connector}-start-import`, {
    name: "ledgerlink/installation.activated",
    data: { installationId, connector },
  });
  if (start.error) throw start.error;
  const first = start.result as { entities?: string[] };
  let data: Record<string, unknown> = { installationId, connector, entity: first.entities?.[0] ?? "relation", runId: "" };
  const outputs: Array<Awaited<ReturnType<typeof runFunction>>> = [];
  for (let i = 0; i < (opts.maxPages ?? 100); i++) {
    const out = await runFunction(`${connector}-import-page`, { name: "ledgerlink/import.page", data });
    outputs.push(out);
    if (out.error) return { done: false, outputs, error: out.error };
    const r = out.result as { next?: string; done?: boolean; skipped?: string };
    if (r.done || r.skipped) return { done: !!r.done, outputs };
    data = { ...data, entity: r.next };
  }
  return { done: false, outputs };
}

/** Runs the function for every event of that name (as Inngest fans webhooks out). */
export async function runForEvents(id: string, events: SentEvent[], name: string) {
  const outs = [];
  for (const e of events.filter((x) => x.name === name)) outs.push(await runFunction(id, { name: e.name, data: e.data }));
  return outs;
}

/** Changes an installation's saved settings (as a settings tab would). */
export async function updateSettings(world: World, installationId: string, change: (s: Json) => void) {
  const { eq } = await import("drizzle-orm");
  const [row] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, installationId));
  const settings = structuredClone(row.settings) as Json;
  change(settings);
  await world.db.update(schema.installations).set({ settings }).where(eq(schema.installations.id, installationId));
}

export async function syncLog(world: World, installationId: string) {
  const { eq, asc } = await import("drizzle-orm");
  return world.db.select().from(schema.syncEvents).where(eq(schema.syncEvents.installationId, installationId)).orderBy(asc(schema.syncEvents.id));
}

export async function links(world: World, installationId: string, entity: string) {
  const { and, eq } = await import("drizzle-orm");
  return world.db
    .select()
    .from(schema.syncLinks)
    .where(and(eq(schema.syncLinks.installationId, installationId), eq(schema.syncLinks.entity, entity)));
}

/** The event that has a record pushed or booked, as sorting the CRM's webhooks sends it on. */
export function recordEvent(name: string, installationId: string, hostId: string, connector = "snelstart") {
  return { name, data: { installationId, connector, hostId } };
}

// ── PowerOffice ──────────────────────────────────────────────────────

/** The PowerOffice simulator's seeded client with every privilege (sandbox/vendors/poweroffice/seed.json). */
export const NORDLYS = "sandbox-client-key-nordlys-interior";

/** PowerOffice for the sandbox tenant with Nordlys' client key, the CRM's Dutch VAT groups mapped by hand as seed step 8 has the user do. */
export function installPowerOffice(world: World): Promise<string> {
  return installConnector(world, "poweroffice", {
    credentials: { clientKey: NORDLYS },
    settings: (s) => {
      s.vatGroups.vatMapping = { ...s.vatGroups.vatMapping, [CRM.vatGroup.NL21]: "3", [CRM.vatGroup.NL9]: "31", [CRM.vatGroup.NL0]: "5" };
    },
  });
}

/**
 * The PowerOffice simulator's API as a bookkeeper's other integration calls it (its own
 * subscription key, so the app's rate limit is not shared): `go("GET", "/Customers")`.
 */
export function powerOfficeApi(world: World, clientKey = NORDLYS) {
  return async function go(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<{ status: number; json: Json }> {
    const sim = world.poweroffice!;
    const token = await fetch(`${sim.url}/OAuth/Token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`sandbox-application-key-ledgerlink:${clientKey}`).toString("base64")}`,
        "ocp-apim-subscription-key": "sandbox-subscription-key-2",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const r = await fetch(`${sim.url}/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token.access_token}`, "ocp-apim-subscription-key": "sandbox-subscription-key-2", ...(body ? { "content-type": contentType } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : null };
  };
}
