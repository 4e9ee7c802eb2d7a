/**
 * Issue 4, item 3 (second part): one tenant's session cannot read or change another tenant's
 * installation, settings, sync log or credentials through any route or server action.
 *
 * Every route handler (app/**\/route.ts), page (app/**\/page.tsx, layouts) and server action
 * (every export of a "use server" file) is enumerated from the source tree; one that this file
 * does not know fails the suite, so a new one cannot ship without its cross-tenant check.
 *
 * Tenant A (Sandbox BV) and tenant B (Fjordhandel AS) both have a SnelStart installation, with
 * a sync log and credentials of their own. Everything below runs with B's session.
 */
import fs from "node:fs";
import path from "node:path";
import { SignJWT } from "jose";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@/lib/db";
import { logEvents } from "@/lib/sync/store";
import { onEventsSent, type SentEvent } from "@/inngest/runner/transport";
import { installSnelStart, KORENSCHOOF } from "../helpers/world";
import { secrets, startFaultWorld, TENANT_A, TENANT_B, VANDIJK, type FaultWorld } from "./harness";
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

const SESSION_B = { tenantId: TENANT_B, tenantName: "Fjordhandel AS", userId: "user-ola", locale: "nl" as const };
const A_STATUS = "A-STATUS-MARKER-7f3e";
const A_LOG = "A-LOG-MARKER-5c1d";
const B_LOG = "B-LOG-MARKER-9a0b";

let world: FaultWorld;
let idA: string;
let idB: string;
let aEventId: number;
let aLedger: string;
const sent: SentEvent[] = [];
let unsubscribe: () => void;

/** What tenant A has: its installation, credentials, sync log, runs, links and cursors. */
async function tenantAState() {
  const q = async (t: any, col: any) => JSON.stringify(await world.db.select().from(t).where(eq(col, idA)));
  return {
    installation: await q(schema.installations, schema.installations.id),
    credentials: await q(schema.credentials, schema.credentials.installationId),
    syncEvents: await q(schema.syncEvents, schema.syncEvents.installationId),
    syncRuns: await q(schema.syncRuns, schema.syncRuns.installationId),
    syncLinks: await q(schema.syncLinks, schema.syncLinks.installationId),
    syncCursors: await q(schema.syncCursors, schema.syncCursors.installationId),
    tenant: JSON.stringify(await world.db.select().from(schema.tenants).where(eq(schema.tenants.id, TENANT_A))),
  };
}

/** Strings only tenant A's data contains: none may reach B. */
const aSecrets = () => [idA, A_STATUS, A_LOG, aLedger, KORENSCHOOF.password, KORENSCHOOF.username, "Korenschoof"];

function expectNoneOfA(text: string, where: string) {
  for (const s of aSecrets()) expect(text.includes(s), `${where} shows tenant A's ${JSON.stringify(s)}`).toBe(false);
}

function eventsTouchingA() {
  return sent.filter((e) => JSON.stringify(e.data).includes(idA) || (e.data as { tenantId?: string }).tenantId === TENANT_A);
}

async function asB<T>(fn: () => Promise<T>): Promise<{ value?: T; signal?: stubs.NavigationSignal; error?: unknown }> {
  auth.session = SESSION_B;
  stubs.request.reset();
  try {
    return { value: await fn() };
  } catch (err) {
    if (err instanceof stubs.NavigationSignal) return { signal: err };
    return { error: err };
  } finally {
    auth.session = null;
  }
}

function form(values: Record<string, string>) {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.append(k, v);
  return f;
}

beforeAll(async () => {
  world = await startFaultWorld();
  idA = await installSnelStart(world, { tenantId: TENANT_A, status: "active" });
  idB = await installSnelStart(world, { tenantId: TENANT_B, status: "active", credentials: { ...VANDIJK } });
  await world.db.update(schema.installations).set({ statusMessage: A_STATUS }).where(eq(schema.installations.id, idA));
  await logEvents(world.db, idA, null, [{ direction: "host_to_remote", entity: "invoice", hostId: randomUUID(), outcome: "failed", message: A_LOG, retriable: true }]);
  await logEvents(world.db, idB, null, [{ direction: "host_to_remote", entity: "invoice", hostId: randomUUID(), outcome: "failed", message: B_LOG, retriable: true }]);
  const [ev] = await world.db.select().from(schema.syncEvents).where(eq(schema.syncEvents.installationId, idA));
  aEventId = ev.id;
  const [a] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, idA));
  aLedger = (a.settings as { ledgers: { defaultLedgerId: string } }).ledgers.defaultLedgerId;
  const [b] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, idB));
  expect((b.settings as { ledgers: { defaultLedgerId: string } }).ledgers.defaultLedgerId).not.toBe(aLedger);
  unsubscribe = onEventsSent((e) => void sent.push(...e));
}, 120_000);
afterAll(async () => {
  unsubscribe?.();
  await world?.close();
});

// ── the inventory ────────────────────────────────────────────────────

const appDir = path.join(process.cwd(), "app");
const files = (fs.readdirSync(appDir, { recursive: true }) as string[]).map((f) => path.join("app", f).split(path.sep).join("/"));
const routes = files.filter((f) => /\/route\.tsx?$/.test(f)).sort();
const pages = files.filter((f) => /\/(page|layout|unauthorized|not-found|error)\.tsx?$/.test(f)).sort();
const actionFiles = files.filter((f) => /\.(ts|tsx)$/.test(f) && /^\s*["']use server["']/.test(fs.readFileSync(f, "utf8"))).sort();

const KNOWN_ROUTES = [
  "app/api/auth/[...nextauth]/route.ts",
  "app/api/host/manifest/route.ts",
  "app/api/host/oauth/callback/route.ts",
  "app/api/host/session/route.ts",
  "app/api/host/webhooks/route.ts",
  "app/api/inngest/route.ts",
];
const KNOWN_PAGES = [
  "app/(embedded)/[connector]/connect/page.tsx",
  "app/(embedded)/[connector]/page.tsx",
  "app/(embedded)/[connector]/settings/[tab]/page.tsx",
  "app/(embedded)/layout.tsx",
  "app/layout.tsx",
  "app/page.tsx",
  "app/unauthorized.tsx",
];
const KNOWN_ACTIONS = [
  "app/(embedded)/[connector]/actions.ts#connectAction",
  "app/(embedded)/[connector]/actions.ts#deactivateAction",
  "app/(embedded)/[connector]/actions.ts#pullNowAction",
  "app/(embedded)/[connector]/actions.ts#retryAction",
  "app/(embedded)/[connector]/actions.ts#saveSettingsAction",
];

describe("inventory: every route, page and server action has a cross-tenant check here", () => {
  it("knows every route handler", () => expect(routes, "a new route needs its cross-tenant test in this file").toEqual(KNOWN_ROUTES));
  it("knows every page and layout", () => expect(pages, "a new page needs its cross-tenant test in this file").toEqual(KNOWN_PAGES));
  it("knows every server action", async () => {
    const actions: string[] = [];
    for (const f of actionFiles) {
      const mod = await import(/* @vite-ignore */ path.join(process.cwd(), f));
      for (const [name, v] of Object.entries(mod)) if (typeof v === "function") actions.push(`${f}#${name}`);
    }
    expect(actions.sort(), "a new server action needs its cross-tenant test in this file").toEqual(KNOWN_ACTIONS);
  });
});

// ── server actions ───────────────────────────────────────────────────

describe("server actions with tenant B's session leave tenant A alone", () => {
  const actions = () => import("@/app/(embedded)/[connector]/actions");

  it("every action refuses to run without a session, and writes nothing", async () => {
    const a = await actions();
    const before = await tenantAState();
    auth.session = null;
    const calls: Array<() => Promise<unknown>> = [
      () => a.connectAction("snelstart", { ok: null }, form({ method: "password", username: KORENSCHOOF.username, password: "x" })),
      () => a.saveSettingsAction("snelstart", "ledgers", { ok: null }, form({ defaultLedgerId: aLedger })),
      () => a.deactivateAction("snelstart"),
      () => a.retryAction("snelstart", form({ syncEventId: String(aEventId) })),
      () => a.pullNowAction("snelstart", { ok: null }),
    ];
    expect(calls.length).toBe(KNOWN_ACTIONS.length);
    for (const call of calls) {
      await expect(call()).rejects.toMatchObject({ kind: "unauthorized" });
    }
    expect(await tenantAState()).toEqual(before);
  });

  it("connectAction: B's credentials go to B's installation, whatever ids the form carries", async () => {
    const a = await actions();
    const before = await tenantAState();
    const sentBefore = sent.length;
    const r = await asB(() =>
      a.connectAction("snelstart", { ok: null }, form({ method: VANDIJK.method, username: VANDIJK.username, password: VANDIJK.password, installationId: idA, tenantId: TENANT_A, tenant: TENANT_A })),
    );
    expect(r.error).toBeUndefined();
    expect(await tenantAState()).toEqual(before);
    expect(eventsTouchingA().length).toBe(0);
    expect(sent.slice(sentBefore).every((e) => (e.data as { installationId?: string }).installationId === idB)).toBe(true);
  });

  it("saveSettingsAction: B cannot change A's settings (not even naming A's ids in the form)", async () => {
    const a = await actions();
    const before = await tenantAState();
    const r = await asB(() => a.saveSettingsAction("snelstart", "debtors", { ok: null }, form({ exportRelationTypes: "Customer", installationId: idA, tenantId: TENANT_A })));
    expect(r.error).toBeUndefined();
    // A's ledger is not one of B's options: refused, and A untouched
    const r2 = await asB(() => a.saveSettingsAction("snelstart", "ledgers", { ok: null }, form({ defaultLedgerId: aLedger, installationId: idA })));
    expect(r2.value).toMatchObject({ ok: false });
    expect(await tenantAState()).toEqual(before);
    expect(JSON.stringify(r.value ?? null) + JSON.stringify(r2.value ?? null)).not.toContain(idA);
  });

  it("retryAction: B cannot retry (mark, or schedule) a record of A's sync log", async () => {
    const a = await actions();
    const before = await tenantAState();
    sent.length = 0;
    const r = await asB(() => a.retryAction("snelstart", form({ syncEventId: String(aEventId) })));
    expect(r.error).toBeUndefined();
    expect(await tenantAState()).toEqual(before);
    expect(sent, "no retry event for A's record").toEqual([]);
  });

  it("pullNowAction: only B's installation is pulled", async () => {
    const a = await actions();
    // B's earlier connect left B importing: "Sync now" is for an active installation
    await world.db.update(schema.installations).set({ status: "active" }).where(eq(schema.installations.id, idB));
    const before = await tenantAState();
    sent.length = 0;
    await asB(() => a.pullNowAction("snelstart", { ok: null }));
    expect(eventsTouchingA()).toEqual([]);
    expect(sent.map((e) => (e.data as { installationId?: string }).installationId)).toEqual([idB]);
    expect(await tenantAState()).toEqual(before);
  });

  it("deactivateAction: B deactivates B, never A", async () => {
    const a = await actions();
    const before = await tenantAState();
    sent.length = 0;
    await asB(() => a.deactivateAction("snelstart"));
    expect(await tenantAState()).toEqual(before);
    expect(eventsTouchingA()).toEqual([]);
    const [b] = await world.db.select().from(schema.installations).where(eq(schema.installations.id, idB));
    expect(b.status).toBe("inactive");
    // B active again for the page checks below
    await world.db.update(schema.installations).set({ status: "active" }).where(eq(schema.installations.id, idB));
    const { storeCredentials } = await import("@/lib/installations/credentials");
    await storeCredentials(world.db, idB, { ...VANDIJK });
  });
});

// ── pages ────────────────────────────────────────────────────────────

describe("pages rendered for tenant B show nothing of tenant A", () => {
  const params = (p: Record<string, string>) => Promise.resolve(p);
  const render = async (node: () => Promise<unknown>) => {
    const r = await asB(async () => {
      auth.session = SESSION_B;
      return renderToHtml(await node());
    });
    if (r.error) throw r.error;
    return r.value ?? `[${r.signal?.message}]`;
  };

  it("overview (status, runs, sync log), even with A's ids in the query", async () => {
    const { default: Overview } = await import("@/app/(embedded)/[connector]/page");
    for (const searchParams of [{}, { installationId: idA, tenant: TENANT_A, tenantId: TENANT_A, outcome: "failed" }]) {
      const html = await render(() => Overview({ params: params({ connector: "snelstart" }), searchParams: Promise.resolve(searchParams) } as never));
      expectNoneOfA(html, "overview");
      expect(html, "the overview shows B's own sync log (the page did render)").toContain(B_LOG);
    }
  });

  it("settings tabs", async () => {
    const { default: Settings } = await import("@/app/(embedded)/[connector]/settings/[tab]/page");
    const { getConnector } = await import("@/lib/connectors");
    for (const tab of getConnector("snelstart")!.settings.tabs) {
      const html = await render(() => Settings({ params: params({ connector: "snelstart", tab: tab.id }) } as never));
      expectNoneOfA(html, `settings tab ${tab.id}`);
    }
  });

  it("connect page, embedded layout, home and the unauthorized page", async () => {
    const { default: Connect } = await import("@/app/(embedded)/[connector]/connect/page");
    const { default: Layout } = await import("@/app/(embedded)/layout");
    const { default: Home } = await import("@/app/page");
    const { default: Unauthorized } = await import("@/app/unauthorized");
    const { default: Root } = await import("@/app/layout");
    const connect = await render(() => Connect({ params: params({ connector: "snelstart" }) } as never));
    expectNoneOfA(connect, "connect page");
    const layout = await render(() => Layout({ children: null }));
    expectNoneOfA(layout, "embedded layout");
    expect(layout).toContain("Fjordhandel AS");
    expect(layout).not.toContain("Sandbox BV");
    for (const [name, el] of [["home", () => Home()], ["unauthorized", () => Unauthorized()], ["root layout", () => Root({ children: null })]] as const) {
      expectNoneOfA(await render(el as () => Promise<unknown>), name);
    }
  });
});

// ── route handlers ───────────────────────────────────────────────────

describe("route handlers take the tenant from a verified credential only", () => {
  it("/api/host/manifest names no tenant's data", async () => {
    const { GET } = await import("@/app/api/host/manifest/route");
    const text = await (await GET()).text();
    expectNoneOfA(text, "manifest");
    for (const s of [secrets.LEDGERLINK_APP_SECRET, secrets.HOST_WEBHOOK_SECRET, secrets.HOST_CLIENT_SECRET, secrets.AUTH_SECRET]) expect(text).not.toContain(s);
  });

  it("/api/host/session: a token of B with A named in the query signs in B, and leaves A untouched", async () => {
    const { GET } = await import("@/app/api/host/session/route");
    const before = await tenantAState();
    const iat = Math.floor(Date.now() / 1000);
    const tok = await new SignJWT({ tenant_id: TENANT_B, tenant_name: "Fjordhandel AS", locale: "nl", jti: randomUUID() })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("user-ola")
      .setAudience(secrets.LEDGERLINK_APP_ID)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(new TextEncoder().encode(secrets.LEDGERLINK_APP_SECRET));
    stubs.request.reset();
    const out = await GET(new Request(`https://ledgerlink.test/api/host/session?connector=snelstart&tenant=${TENANT_A}&tenant_id=${TENANT_A}&token=${tok}`)).catch((e) => e);
    expect(out).toBeInstanceOf(stubs.NavigationSignal);
    expect(await tenantAState()).toEqual(before);
    const cookie = stubs.request.cookies.get("ledgerlink.session")?.value ?? "";
    const { decode } = await import("next-auth/jwt");
    const jwt = await decode({ token: cookie, secret: secrets.AUTH_SECRET, salt: "ledgerlink.session" });
    expect(jwt?.tenantId).toBe(TENANT_B);
  });

  it("/api/host/oauth/callback: a consent counts for the tenant its state was issued to, once; a state nobody issued changes nothing", async () => {
    const { GET } = await import("@/app/api/host/oauth/callback/route");
    const { beginHostConsent } = await import("@/lib/host");
    const before = await tenantAState();
    const forged = await GET(new Request(`https://ledgerlink.test/api/host/oauth/callback?state=${"x".repeat(32)}&code=c&tenant=${TENANT_A}`));
    expect(forged.status).toBe(400);
    // B's own consent, declined: consumed, and nothing of A's touched
    const stateOfB = new URL(await beginHostConsent(world.db, TENANT_B, "nl")).searchParams.get("state")!;
    const declined = await GET(new Request(`https://ledgerlink.test/api/host/oauth/callback?state=${stateOfB}&error=access_denied&tenant_id=${TENANT_A}`));
    expect(declined.status).toBe(403);
    const again = await GET(new Request(`https://ledgerlink.test/api/host/oauth/callback?state=${stateOfB}&code=c`));
    expect(again.status, "a state works once").toBe(400);
    expect(await tenantAState()).toEqual(before);
    expect(await world.db.select().from(schema.hostConnections)).toEqual([]);
  });

  it("/api/host/webhooks: the tenant is the one whose subscription the signed body names, never a query or header", async () => {
    const { POST } = await import("@/app/api/host/webhooks/route");
    const { signTribeWebhook } = await import("@/lib/host/tribe/webhook");
    await world.db.insert(schema.hostWebhooks).values({ id: "wh-tenant-b", tenantId: TENANT_B, entityType: "Product" }).onConflictDoNothing();
    sent.length = 0;
    const raw = JSON.stringify({ webhookId: "wh-tenant-b", payload: { entityId: randomUUID() } });
    const res = await POST(
      new Request(`https://ledgerlink.test/api/host/webhooks?tenant=${TENANT_A}&organizationId=${TENANT_A}`, {
        method: "POST",
        headers: { "x-tribe-signature": signTribeWebhook(secrets.HOST_WEBHOOK_SECRET, raw), "x-tenant-id": TENANT_A, "x-ledgerlink-tenant": TENANT_A },
        body: raw,
      }),
    );
    expect(res.status).toBe(202);
    expect(sent.map((e) => (e.data as { tenantId: string }).tenantId)).toEqual([TENANT_B]);
  });

  it("/api/auth/[...nextauth]: without a session cookie nothing of any tenant comes back", async () => {
    const { GET } = await import("@/app/api/auth/[...nextauth]/route");
    for (const p of ["session", "providers", "csrf"]) {
      const res = await GET(new Request(`https://ledgerlink.test/api/auth/${p}`) as never);
      const text = await res.text();
      expectNoneOfA(text, `/api/auth/${p}`);
      expect(text).not.toContain(TENANT_B);
    }
  });

  it("/api/inngest: in production, a call without Inngest's signature runs nothing", async () => {
    const env = process.env as Record<string, string | undefined>;
    const saved = { ...env };
    vi.resetModules();
    Object.assign(env, { NODE_ENV: "production", INNGEST_SIGNING_KEY: "signkey-prod-0123456789abcdef0123456789abcdef", LEDGERLINK_ALLOW_DEV_DEFAULTS: "1" });
    try {
      const { POST } = await import("@/app/api/inngest/route");
      const before = await tenantAState();
      sent.length = 0;
      const res = await POST(
        new Request("https://ledgerlink.test/api/inngest?fnId=ledgerlink-snelstart-pull-now&stepId=step", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ event: { name: "ledgerlink/pull.requested", data: { installationId: idA, connector: "snelstart" } }, events: [], steps: {}, ctx: { run_id: "r", attempt: 0 } }),
        }) as never,
        undefined as never,
      );
      expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(400);
      expect(await tenantAState()).toEqual(before);
      expect(sent).toEqual([]);
    } finally {
      for (const k of Object.keys(env)) if (!(k in saved)) delete env[k];
      Object.assign(env, saved);
      vi.resetModules();
    }
  });
});
