/**
 * Issue 4, item 3 (third part): stored credentials never appear in a response, a page's HTML,
 * a log line or an Inngest step output. Connects with a recognisable password (and a refused
 * attempt with another), imports, books an invoice and pulls, with SnelStart failing now and
 * then, capturing everything the app says on the way; then searches all of it for the plaintext.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { upsertTenant } from "@/lib/tenancy";
import { onEventsSent, type SentEvent } from "@/inngest/runner/transport";
import { completeSettings, crm, KORENSCHOOF } from "../helpers/world";
import { dbFingerprint, getJson, postJson, runOnce, secrets, startFaultWorld, TENANT_A, type FaultWorld } from "./harness";
import * as stubs from "./next-stubs";
import { renderToHtml } from "./render";

const auth = vi.hoisted(() => ({ session: null as null | { tenantId: string; tenantName: string; userId: string; locale: "nl" | "fr" | "en" } }));
vi.mock("@/lib/auth/guard", async () => ({
  requireSession: async () => {
    if (!auth.session) (await import("./next-stubs")).navigationModule.unauthorized();
    return auth.session;
  },
}));
vi.mock("next/headers.js", async () => (await import("./next-stubs")).headersModule);
vi.mock("next/navigation.js", async () => ({ ...(await vi.importActual<object>("next/navigation.js")), ...(await import("./next-stubs")).navigationModule }));
vi.mock("next/cache.js", async () => (await import("./next-stubs")).cacheModule);
vi.mock("next-intl/server", async () => (await import("./next-stubs")).intlModules().server());
vi.mock("next-intl", async () => (await import("./next-stubs")).intlModules().client());

const PLAINTEXT = [KORENSCHOOF.password];
const WRONG_PASSWORD = "Wrong-Plaintext-Ledgerlink-0451!";
const SUBSCRIPTION = secrets.SNELSTART_SUBSCRIPTION_KEY;

let world: FaultWorld;
const said: string[] = []; // every console line and stdout/stderr write
const outputs: Array<{ where: string; text: string }> = [];
const sent: SentEvent[] = [];
let unsubscribe: () => void;

function safeJson(v: unknown): string {
  const seen = new WeakSet();
  try {
    return JSON.stringify(v, (_k, x) => {
      if (typeof x === "bigint") return String(x);
      if (x instanceof Error) return { name: x.name, message: x.message, stack: x.stack, cause: x.cause };
      if (x && typeof x === "object") {
        if (seen.has(x)) return "[circular]";
        seen.add(x);
      }
      return x;
    });
  } catch (err) {
    return `[unserialisable: ${String(err)}]`;
  }
}
const keep = (where: string, v: unknown) => void outputs.push({ where, text: typeof v === "string" ? v : safeJson(v) });

beforeAll(async () => {
  for (const m of ["log", "info", "warn", "error", "debug"] as const) {
    const orig = console[m].bind(console);
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      said.push(args.map((a) => (typeof a === "string" ? a : safeJson(a))).join(" "));
      orig(...(args as []));
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    const orig = stream.write.bind(stream);
    vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      said.push(String(chunk));
      return (orig as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as never);
  }
  world = await startFaultWorld();
  unsubscribe = onEventsSent((e) => void sent.push(...e));
}, 120_000);
afterAll(async () => {
  unsubscribe?.();
  vi.restoreAllMocks();
  await world?.close();
});

describe("the stored credentials' plaintext is never shown, logged or returned", () => {
  it("runs connect (refused, then accepted), settings, import, booking and a pull, and keeps what the app said", async () => {
    await upsertTenant(world.db, { tenantId: TENANT_A, tenantName: "Sandbox BV", locale: "nl" });
    await postJson(`${world.host.url}/__admin/install`, { tenant: TENANT_A, listingId: "snelstart", appId: "ledgerlink" });
    const actions = await import("@/app/(embedded)/[connector]/actions");
    const form = (v: Record<string, string>) => {
      const f = new FormData();
      for (const [k, x] of Object.entries(v)) f.append(k, x);
      return f;
    };
    auth.session = { tenantId: TENANT_A, tenantName: "Sandbox BV", userId: "user-sanne", locale: "nl" };
    try {
      // a refused password: the form comes back (without it)
      const refused = await actions.connectAction("snelstart", { ok: null }, form({ method: "password", username: KORENSCHOOF.username, password: WRONG_PASSWORD, subscriptionKey: SUBSCRIPTION }));
      keep("connectAction (refused) state", refused);
      expect(refused.ok).toBe(false);
      // the right one
      const accepted = await actions.connectAction("snelstart", { ok: null }, form({ method: "password", username: KORENSCHOOF.username, password: KORENSCHOOF.password, subscriptionKey: SUBSCRIPTION })).catch((e) => e);
      keep("connectAction (accepted)", accepted);
      expect(accepted).toBeInstanceOf(stubs.NavigationSignal);

      // the settings tabs, saved through their action with what the page suggests
      const { settingsOptions } = await import("@/lib/installations/options");
      const { getConnector } = await import("@/lib/connectors");
      const connector = getConnector("snelstart")!;
      const options = await settingsOptions(world.db, TENANT_A, connector);
      keep("settings options", options);
      const settings = completeSettings();
      for (const tab of connector.settings.tabs) Object.assign((settings as Record<string, object>)[tab.id], connector.settings.suggest(tab.id, options.host, options.lists));
      const [inst] = await world.db.select().from(schema.installations).where(eq(schema.installations.tenantId, TENANT_A));
      await world.db.update(schema.installations).set({ settings, status: "importing" }).where(eq(schema.installations.id, inst.id));
      const saved = await actions.saveSettingsAction("snelstart", "debtors", { ok: null }, form({ exportRelationTypes: "Customer" }));
      keep("saveSettingsAction", saved);

      // import, then an invoice, with SnelStart failing now and then; every step's output kept
      await postJson(`${world.snelstart.url}/__admin/faults`, { errorRate: 0.2, tooManyRequestsRate: 0.1, retryAfterSeconds: 0, timeoutAfterWriteRate: 0.05, seed: 99 });
      const start = await runOnce("snelstart-start-import", { name: "ledgerlink/installation.activated", data: { installationId: inst.id, connector: "snelstart" } });
      keep("start-import output", start);
      let entity = "relation";
      for (let i = 0; i < 40; i++) {
        const out = await runOnce("snelstart-import-page", { name: "ledgerlink/import.page", data: { installationId: inst.id, connector: "snelstart", runId: "", entity } });
        keep(`import-page output ${i}`, out);
        if (out.error) continue;
        const r = out.result as { next?: string; done?: boolean };
        if (r.done) break;
        entity = r.next ?? entity;
      }
      const A = crm(world, TENANT_A);
      const invoice = (await A.get("Activity_Invoice?$filter=Phase/Code eq 'Sent'&$top=1")).value[0];
      for (let i = 0; i < 5; i++) {
        const out = await runOnce("snelstart-book-invoices", {
          name: "ledgerlink/invoice.phase-changed",
          data: { installationId: inst.id, connector: "snelstart", hostId: invoice.ID },
        });
        keep(`book-invoices output ${i}`, out);
        if (!out.error) break;
      }
      await world.db.update(schema.installations).set({ status: "active" }).where(eq(schema.installations.id, inst.id));
      keep("pull-now output", await runOnce("snelstart-pull-now", { name: "ledgerlink/pull.requested", data: { installationId: inst.id, connector: "snelstart" } }));
      // credentials the vendor now refuses: the error path
      await postJson(`${world.snelstart.url}/__admin/faults`, {});
      keep("retry output", await runOnce("snelstart-retry-record", { name: "ledgerlink/record.retry", data: { installationId: inst.id, connector: "snelstart", syncEventId: 1 } }));

      // what the user sees
      const { default: Overview } = await import("@/app/(embedded)/[connector]/page");
      keep("overview html", await renderToHtml(await Overview({ params: Promise.resolve({ connector: "snelstart" }), searchParams: Promise.resolve({}) } as never)));
      const { default: Settings } = await import("@/app/(embedded)/[connector]/settings/[tab]/page");
      for (const tab of connector.settings.tabs) keep(`settings ${tab.id} html`, await renderToHtml(await Settings({ params: Promise.resolve({ connector: "snelstart", tab: tab.id }) } as never)));
      const { default: Connect } = await import("@/app/(embedded)/[connector]/connect/page");
      keep("connect html", await renderToHtml(await Connect({ params: Promise.resolve({ connector: "snelstart" }) } as never)));
    } finally {
      auth.session = null;
    }
    const { GET: manifest } = await import("@/app/api/host/manifest/route");
    keep("manifest response", await (await manifest()).text());
    keep("events sent", sent);
    keep("sync log, runs, installation", {
      events: await world.db.select().from(schema.syncEvents),
      runs: await world.db.select().from(schema.syncRuns),
      installations: await world.db.select().from(schema.installations),
    });
    const stats = await getJson(`${world.snelstart.url}/__admin/stats`);
    expect(stats.total, "the run talked to SnelStart").toBeGreaterThan(10);
  }, 180_000);

  it("finds the password in none of it: responses, pages, step outputs, the sync log, console and stdout", () => {
    expect(outputs.length).toBeGreaterThan(10);
    // control: the search does find a credential field the app may show (the user name, kept in a refused form)
    expect(outputs.some((o) => o.text.includes(KORENSCHOOF.username))).toBe(true);
    expect(outputs.some((o) => o.where === "overview html" && o.text.includes("<table"))).toBe(true);
    for (const secret of [...PLAINTEXT, WRONG_PASSWORD]) {
      const hits = outputs.filter((o) => o.text.includes(secret)).map((o) => o.where);
      expect(hits, `the plaintext ${JSON.stringify(secret)} appears in`).toEqual([]);
      const lines = said.filter((l) => l.includes(secret)).map((l) => l.slice(0, 200));
      expect(lines, `the plaintext ${JSON.stringify(secret)} appears in log lines`).toEqual([]);
    }
  });

  it("keeps the subscription key the user typed out of what the app says too", () => {
    const hits = outputs.filter((o) => o.text.includes(SUBSCRIPTION)).map((o) => o.where);
    expect(hits).toEqual([]);
    expect(said.filter((l) => l.includes(SUBSCRIPTION)).map((l) => l.slice(0, 200))).toEqual([]);
  });

  it("stores it sealed: the plaintext is nowhere in the database", async () => {
    const all = Object.values(await dbFingerprint(world.db)).join("\n");
    for (const secret of PLAINTEXT) expect(all.includes(secret)).toBe(false);
    const creds = await world.db.select().from(schema.credentials);
    expect(creds.length).toBe(1);
    expect(creds[0].sealed).toMatch(/^v1\./);
  });
});
