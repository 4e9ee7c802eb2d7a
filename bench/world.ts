/**
 * The app side of one bench scenario: a fresh database, the app pointed at the sandboxes
 * (which run in another process), SnelStart installed for the sandbox tenant (or, with
 * `{ snelstart: false }`, installations of any connector made with `install`), and meters on
 * everything that costs time: HTTP calls (host, vendor, token endpoints), database queries,
 * CPU and resident memory.
 */
import diagnostics from "node:diagnostics_channel";
import fs from "node:fs";
import { InngestTestEngine } from "@inngest/test";
import { setDbHandle, schema, type Db } from "@/lib/db";
import { resetConfigForTests } from "@/lib/config";
import type { HostChangeEvent } from "@/lib/host/receive-webhook";
import { subscribeHostWebhooks } from "@/lib/host";
import { inngest } from "@/inngest/client";
import { startInProcessRunner, type Runner } from "@/inngest/runner";
import { storeCredentials } from "@/lib/installations/credentials";
import { upsertTenant } from "@/lib/tenancy";
import { functions } from "@/inngest/functions";
import type { HostOptions } from "@/lib/sync/types";
import { createTestDatabase } from "@/tests/helpers/db";
import { getJson, KORENSCHOOF, postJson, rssMB, SANDBOX_TENANT, SECRETS } from "./common";
import { startWebhookEndpoint, type ReceiptCounts } from "./receipt";

// ── HTTP meter: every fetch the app makes, by side and kind ─────────────

/** ms: summed call time; busyMs: wall time with at least one call in flight (calls overlap). */
export type CallMeter = { count: number; ms: number; busyMs: number; inflight: number; since: number; byStatus: Record<string, number> };
const newMeter = (): CallMeter => ({ count: 0, ms: 0, busyMs: 0, inflight: 0, since: 0, byStatus: {} });
function enter(m: { inflight: number; since: number }) {
  if (m.inflight++ === 0) m.since = performance.now();
}
function leave(m: { inflight: number; since: number; busyMs: number }) {
  if (--m.inflight === 0) m.busyMs += performance.now() - m.since;
}
export type HttpMeters = Record<"hostApi" | "hostToken" | "vendorApi" | "vendorToken" | "other", CallMeter>;
const newHttpMeters = (): HttpMeters => ({ hostApi: newMeter(), hostToken: newMeter(), vendorApi: newMeter(), vendorToken: newMeter(), other: newMeter() });

/** The bench's own requests (admin hooks, its CRM writes) go through this, unmetered. */
export const rawFetch: typeof fetch = globalThis.fetch.bind(globalThis);

const newDbMeter = () => ({ count: 0, ms: 0, busyMs: 0, inflight: 0, since: 0, byStatement: {} as Record<string, { count: number; ms: number }> });

/** A statement's kind for the breakdown: its verb and table, e.g. `insert into "sync_links"`. */
function statementKind(args: unknown[]): string {
  const first = args[0];
  const text = typeof first === "string" ? first : ((first as { text?: string } | null)?.text ?? "");
  const m = /^\s*(select|insert into|update|delete from|with)\s+.*?("?\w+"?)(?=[\s(]|$)/is.exec(text);
  if (!m) return text.slice(0, 30);
  const verb = m[1]!.toLowerCase();
  const table = verb === "select" ? (/\bfrom\s+("?\w+"?)/i.exec(text)?.[1] ?? "?") : m[2];
  return `${verb} ${table}`;
}
export const meters = { http: newHttpMeters(), db: newDbMeter() };
export function resetMeters() {
  // calls in flight across a reset are counted in the new meters when they end
  const keep = (o: { inflight: number }, n: { inflight: number; since: number }) => {
    n.inflight = o.inflight;
    n.since = performance.now();
  };
  const http = newHttpMeters();
  for (const k of Object.keys(http) as Array<keyof HttpMeters>) keep(meters.http[k], http[k]);
  const db = newDbMeter();
  keep(meters.db, db);
  meters.http = http;
  meters.db = db;
}
export function snapshotMeters() {
  return JSON.parse(JSON.stringify(meters)) as typeof meters;
}

let hostOrigin = "";
/** the vendor simulators' origins: SnelStart's, and PowerOffice's when the scenario has it */
const vendorOrigins: string[] = [];
function classify(url: string): keyof HttpMeters {
  if (hostOrigin && url.startsWith(hostOrigin)) return url.includes("/oauth2/token") ? "hostToken" : "hostApi";
  if (vendorOrigins.some((o) => url.startsWith(o))) return /\/b2b\/token|\/OAuth\/Token/i.test(url) ? "vendorToken" : "vendorApi";
  return "other";
}

/** When each vendor and host call was sent and ended, and its status (for the rate-limit scenarios). */
export const callLog: Record<"vendorApi" | "vendorToken" | "hostApi", Array<{ sent: number; at: number; status: number }>> = { vendorApi: [], vendorToken: [], hostApi: [] };
let logCalls = false;
/** Starts (clearing the logs) or stops recording API calls. */
export function setCallLogging(on: boolean) {
  if (on) callLog.vendorApi.length = callLog.vendorToken.length = callLog.hostApi.length = 0;
  logCalls = on;
}
function logCall(kind: keyof HttpMeters, status: number, sent: number) {
  if (logCalls && kind in callLog) callLog[kind as keyof typeof callLog].push({ sent, at: Date.now(), status });
}

globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const kind = classify(url);
  const t0 = performance.now();
  const sent = Date.now();
  enter(meters.http[kind]);
  let status = 0;
  try {
    const res = await rawFetch(input, init);
    status = res.status;
    return res;
  } finally {
    const m = meters.http[kind];
    leave(m);
    m.count++;
    m.ms += performance.now() - t0;
    m.byStatus[status] = (m.byStatus[status] ?? 0) + 1;
    logCall(kind, status, sent);
  }
}) as typeof fetch;

// The host client speaks node:http, not fetch: its calls are metered through Node's HTTP channels.
const inflightHttp = new WeakMap<object, { kind: keyof HttpMeters; t0: number; sent: number }>();
type ClientRequestLike = { protocol: string; path: string; getHeader(name: string): unknown };
diagnostics.subscribe("http.client.request.start", (msg) => {
  const req = (msg as { request: ClientRequestLike }).request;
  const kind = classify(`${req.protocol}//${String(req.getHeader("host"))}${req.path}`);
  inflightHttp.set(req, { kind, t0: performance.now(), sent: Date.now() });
  enter(meters.http[kind]);
});
function httpEnded(req: object, status: number) {
  const started = inflightHttp.get(req);
  if (!started) return;
  inflightHttp.delete(req);
  const m = meters.http[started.kind];
  leave(m);
  m.count++;
  m.ms += performance.now() - started.t0;
  m.byStatus[status] = (m.byStatus[status] ?? 0) + 1;
  logCall(started.kind, status, started.sent);
}
diagnostics.subscribe("http.client.response.finish", (msg) => {
  const { request, response } = msg as { request: object; response: { statusCode?: number } };
  httpEnded(request, response.statusCode ?? 0);
});
diagnostics.subscribe("http.client.request.error", (msg) => httpEnded((msg as { request: object }).request, 0));

// ── database meter ─────────────────────────────────────────────────────

function timeCall(self: unknown, orig: (...a: unknown[]) => unknown, args: unknown[]) {
  const t0 = performance.now();
  const kind = statementKind(args);
  enter(meters.db);
  let ended = false;
  const done = () => {
    if (ended) return;
    ended = true;
    leave(meters.db);
    const ms = performance.now() - t0;
    meters.db.count++;
    meters.db.ms += ms;
    const k = (meters.db.byStatement[kind] ??= { count: 0, ms: 0 });
    k.count++;
    k.ms += ms;
  };
  const last = args[args.length - 1];
  if (typeof last === "function") {
    args[args.length - 1] = (...cb: unknown[]) => {
      done();
      return (last as (...a: unknown[]) => unknown)(...cb);
    };
    return orig.apply(self, args);
  }
  const out = orig.apply(self, args);
  if (out && typeof (out as Promise<unknown>).then === "function") return (out as Promise<unknown>).finally(done);
  done();
  return out;
}

async function meterDatabase() {
  const pg = (await import("pg")).default;
  const origPg = pg.Client.prototype.query as (...a: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: unknown }).query = function (this: unknown, ...args: unknown[]) {
    return timeCall(this, origPg, args);
  };
  const { PGlite } = await import("@electric-sql/pglite");
  for (const name of ["query", "exec"] as const) {
    const orig = (PGlite.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    (PGlite.prototype as unknown as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
      return timeCall(this, orig, args);
    };
  }
}

// ── CPU and memory ─────────────────────────────────────────────────────

/** CPU seconds (user + system) another process has used so far (Linux /proc). */
export function processCpuS(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
  } catch {
    return null;
  }
}
/** CPU seconds used so far by this machine's PostgreSQL processes (a local server only; null when none is seen). */
export function postgresCpuS(): number | null {
  let total = 0;
  let seen = false;
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== "postgres") continue;
    } catch {
      continue;
    }
    const cpu = processCpuS(Number(pid));
    if (cpu !== null) {
      total += cpu;
      seen = true;
    }
  }
  return seen ? total : null;
}

export const ownCpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Samples RSS every 200 ms; `mark` records the current value under a label. */
export function rssSampler() {
  let max = rssMB();
  const timer = setInterval(() => {
    max = Math.max(max, rssMB());
  }, 200);
  timer.unref();
  const marks: Record<string, number> = {};
  const heap: Record<string, number> = {};
  const gc = (globalThis as { gc?: () => void }).gc;
  return {
    /** RSS now, and the live heap after a full collection (when run with --expose-gc) */
    mark(label: string) {
      marks[label] = rssMB();
      if (gc) {
        gc();
        heap[label] = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
      }
    },
    heap,
    get max() {
      return Math.max(max, rssMB());
    },
    marks,
    stop: () => clearInterval(timer),
  };
}

// ── the world ──────────────────────────────────────────────────────────

/** The options a connector's settings tabs are filled from: the CRM's and the package's. */
export type InstallOptions = { host: HostOptions; remote: unknown };

export type BenchWorld = {
  db: Db;
  hostUrl: string;
  simUrl: string;
  /** the PowerOffice simulator, when the scenario's sandboxes have it (BENCH_PO_URL) */
  poUrl: string | null;
  serversPid: number;
  driver: string;
  /** SnelStart's installation for the sandbox tenant ("" with `{ snelstart: false }`) */
  installationId: string;
  /**
   * An installation as activation leaves it (like tests/helpers/world.ts installConnector): the
   * tenant known, the app activated in the CRM, credentials sealed, settings as the tabs propose
   * them, then `settings` changes them. `options` reuses the CRM's and the package's options read
   * for another installation of the same (cloned) accounts; the answer has them for the next.
   */
  install(opts: {
    connector: string;
    tenantId: string;
    tenantName?: string;
    credentials: Record<string, string>;
    status?: "importing" | "active";
    settings?: (s: Record<string, any>, options: InstallOptions) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
    options?: InstallOptions;
  }): Promise<{ installationId: string; options: InstallOptions }>;
  /**
   * Subscribes to the CRM's webhooks as activation does (the sandbox tenant's, or `tenants`'), and
   * has the app's own functions (`functions`: their ids; default the sorting, pushes and bookings)
   * handle them as they arrive, and every event those functions send.
   */
  handleWebhooks(opts?: { tenants?: string[]; functions?: RegExp }): Promise<Runner>;
  /**
   * webhook deliveries the app has received (retries included), and those it found to be the
   * import's own writes (taken as echoes on arrival)
   */
  webhookReceipt(): Promise<ReceiptCounts>;
  /** CPU seconds the app has used so far: this process, and the webhook receipt's when it has its own */
  appCpuS(): number;
  /** CPU seconds of the webhook receipt's own process so far (null: it runs in this one) */
  receiptCpuS(): number | null;
  hostStats(): Promise<{ total: number; rateLimited: number; byMethodAndEntitySet: Record<string, number> }>;
  /** the CRM's calls summed over every organization */
  hostStatsAll(): Promise<{ total: number; rateLimited: number; organizations: number }>;
  simStats(): Promise<{ total: number; byRoute: Record<string, number>; byStatus: Record<string, number>; refusedByRateLimit: number }>;
  /** the PowerOffice simulator's stats (GET /__admin/stats) */
  poStats(): Promise<PowerOfficeStats>;
  resetStats(): Promise<void>;
  close(): Promise<void>;
};

export const completeSettings = () => ({
  vatGroups: { vatMapping: {} as Record<string, string> },
  ledgers: { defaultLedgerId: "", ledgerByProductGroup: {} },
  debtors: { exportRelationTypes: ["Customer", "Supplier"] },
  addresses: { vestigingsAdresType: "", correspondentieAdresType: "" },
  other: { mode: "invoices", verkoopordersjabloonId: null },
  sepa: { sepaEnabled: false },
});

export type PowerOfficeStats = {
  total: number;
  byRoute: Record<string, number>;
  byRouteAndStatus: Record<string, Record<string, number>>;
  byStatus: Record<string, number>;
  /** per subscription key */
  refusedByRateLimit: Record<string, number>;
};

export async function startBenchWorld(opts: { snelstart?: boolean } = {}): Promise<BenchWorld> {
  const hostUrl = process.env.BENCH_HOST_URL!;
  const simUrl = process.env.BENCH_SIM_URL!;
  const poUrl = process.env.BENCH_PO_URL || null;
  const serversPid = Number(process.env.BENCH_SERVERS_PID);
  if (!hostUrl || !simUrl) throw new Error("BENCH_HOST_URL and BENCH_SIM_URL are needed (bench/run.ts sets them)");
  hostOrigin = new URL(hostUrl).origin;
  vendorOrigins.push(new URL(simUrl).origin, ...(poUrl ? [new URL(poUrl).origin] : []));
  Object.assign(process.env, SECRETS, {
    HOST_API_URL: hostUrl,
    HOST_AUTH_URL: hostUrl,
    // a token a minute either way: the bench measures the sync, not the sign-in
    HOST_AUTH_FLOW: "client_credentials",
    SNELSTART_API_URL: `${simUrl}/v2`,
    SNELSTART_AUTH_URL: `${simUrl}/b2b/token`,
    ...(poUrl ? { POWEROFFICE_API_URL: `${poUrl}/v2`, POWEROFFICE_TOKEN_URL: `${poUrl}/OAuth/Token` } : {}),
    // the simulators' own limits are what the rate-limit scenarios measure against: the declared
    // budgets (Tribe's 1,000 a minute) would otherwise pace every import (REQUEST_BUDGET_SCALE=1 to see them)
    REQUEST_BUDGET_SCALE: process.env.REQUEST_BUDGET_SCALE ?? "0",
  });
  resetConfigForTests();
  await meterDatabase();
  const dbHandle = await createTestDatabase();
  setDbHandle(Promise.resolve(dbHandle));
  const db = dbHandle.db;

  // the webhook endpoint: the app's own receipt, its events to the app's functions once handleWebhooks is on
  let sink: (events: HostChangeEvent[]) => Promise<unknown> = async () => {};
  const endpoint = await startWebhookEndpoint(db, dbHandle.url, () => sink);
  process.env.HOST_WEBHOOK_URL = endpoint.url;
  resetConfigForTests();

  const { getConnector } = await import("@/lib/connectors");
  const { hostAdapterForTenant } = await import("@/lib/host");

  // the installation, as activation leaves it (like tests/helpers/world.ts installSnelStart)
  const tenantId = SANDBOX_TENANT;
  let installationId = "";
  if (opts.snelstart !== false) {
    await upsertTenant(db, { tenantId, tenantName: "Sandbox BV", locale: "nl" });
    await postJson(`${hostUrl}/__admin/install`, { tenant: tenantId, listingId: "snelstart", appId: "ledgerlink" });
    const connector = getConnector("snelstart")!;
    const credentials = { ...KORENSCHOOF };
    const hostOptions = await hostAdapterForTenant(tenantId).options();
    const remote = await connector.remoteOptions(connector.credentials.schema.parse(credentials));
    const settings = completeSettings();
    for (const tab of connector.settings.tabs) Object.assign((settings as Record<string, object>)[tab.id], connector.settings.suggest(tab.id, hostOptions, { ...remote }));
    const [row] = await db
      .insert(schema.installations)
      .values({ tenantId, connector: "snelstart", status: "importing", settings, activatedAt: new Date() })
      .returning();
    await storeCredentials(db, row.id, credentials);
    installationId = row.id;
  }

  return {
    db,
    hostUrl,
    simUrl,
    poUrl,
    serversPid,
    driver: dbHandle.driver,
    installationId,
    appCpuS: () => ownCpuS() + ((endpoint.pid && processCpuS(endpoint.pid)) || 0),
    receiptCpuS: () => (endpoint.pid ? processCpuS(endpoint.pid) : null),
    webhookReceipt: () => endpoint.counts(),
    async install(o) {
      await upsertTenant(db, { tenantId: o.tenantId, tenantName: o.tenantName ?? "Sandbox BV", locale: "nl" });
      await postJson(`${hostUrl}/__admin/install`, { tenant: o.tenantId, listingId: o.connector, appId: "ledgerlink" });
      const connector = getConnector(o.connector)!;
      const options = o.options ?? {
        host: await hostAdapterForTenant(o.tenantId).options(),
        remote: await connector.remoteOptions(connector.credentials.schema.parse(o.credentials)),
      };
      const settings: Record<string, any> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const tab of connector.settings.tabs) settings[tab.id] = connector.settings.suggest(tab.id, options.host, { ...(options.remote as object) });
      o.settings?.(settings, options);
      const [row] = await db
        .insert(schema.installations)
        .values({ tenantId: o.tenantId, connector: o.connector, status: o.status ?? "importing", settings, activatedAt: new Date() })
        .returning();
      await storeCredentials(db, row.id, o.credentials);
      return { installationId: row.id, options };
    },
    async handleWebhooks(o = {}) {
      // each tenant's CRM calls have a budget of their own: the subscriptions are made side by side
      await Promise.all((o.tenants ?? [tenantId]).map((t) => subscribeHostWebhooks(db, t)));
      // what production runs for a webhook: the sorting, the pushes and bookings it sends on
      const runner = startInProcessRunner(functions.filter((f) => (o.functions ?? /sort-host-changes|push-relations|push-products|book-/).test(f.id())), { crons: false, log: () => {} });
      sink = (events) => inngest.send(events);
      return runner;
    },
    async hostStatsAll() {
      const s = await (await rawFetch(`${hostUrl}/__admin/stats`)).json();
      const orgs = Object.values((s.organizations ?? {}) as Record<string, { total: number; rateLimited: number }>);
      return { total: orgs.reduce((n, o) => n + o.total, 0), rateLimited: orgs.reduce((n, o) => n + o.rateLimited, 0), organizations: orgs.length };
    },
    async poStats() {
      if (!poUrl) throw new Error("no PowerOffice simulator in this scenario");
      return (await rawFetch(`${poUrl}/__admin/stats`)).json();
    },
    async hostStats() {
      const s = await (await rawFetch(`${hostUrl}/__admin/stats`)).json();
      const org = s.organizations?.[tenantId] ?? { total: 0, rateLimited: 0, byMethodAndEntitySet: {} };
      return { total: org.total, rateLimited: org.rateLimited, byMethodAndEntitySet: org.byMethodAndEntitySet };
    },
    async simStats() {
      return (await rawFetch(`${simUrl}/__admin/stats`)).json();
    },
    async resetStats() {
      await rawFetch(`${hostUrl}/__admin/stats/reset`, { method: "POST" });
      await rawFetch(`${simUrl}/__admin/stats/reset`, { method: "POST" });
      if (poUrl) await rawFetch(`${poUrl}/__admin/stats/reset`, { method: "POST" });
    },
    async close() {
      await endpoint.close();
      setDbHandle(undefined);
      await dbHandle.close();
    },
  };
}

/** Runs one Inngest function of the app with its real steps, as Inngest would for this event. */
export async function runFunction(id: string, event: { name: string; data: Record<string, unknown> }) {
  const fn = functions.find((f) => f.id() === id || f.id().endsWith(`-${id}`) || (f as unknown as { opts: { id: string } }).opts.id === id);
  if (!fn) throw new Error(`no function ${id}`);
  const engine = new InngestTestEngine({ function: fn as never, events: [event as never] });
  return (await engine.execute()) as { result?: unknown; error?: unknown };
}

export { getJson, postJson };
