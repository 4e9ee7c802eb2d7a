/**
 * Issue 4, item 3 (first part): forged, expired, wrong-audience and replayed session tokens, and
 * forged or unsigned webhooks, are refused with 401 and leave nothing in the database; a webhook
 * redelivered is answered 2xx and handled once (issue 9). Runs the real route handlers
 * (app/api/host/session, app/api/host/webhooks) and the real next-auth configuration in-process.
 */
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signTribeWebhook } from "@/lib/host/tribe/webhook";
import { onEventsSent, type SentEvent } from "@/inngest/runner/transport";
import { changedTables, dbFingerprint, secrets, startFaultWorld, TENANT_A, type FaultWorld } from "./harness";
import * as stubs from "./next-stubs";

vi.mock("next/headers.js", async () => (await import("./next-stubs")).headersModule);
vi.mock("next/navigation.js", async () => ({ ...(await vi.importActual<object>("next/navigation.js")), ...(await import("./next-stubs")).navigationModule }));
vi.mock("next/cache.js", async () => (await import("./next-stubs")).cacheModule);

let world: FaultWorld;
let sessionRoute: { GET(req: Request): Promise<Response | undefined> };
let webhookRoute: { POST(req: Request): Promise<Response> };
const sent: SentEvent[] = [];
let unsubscribe: () => void;

beforeAll(async () => {
  world = await startFaultWorld();
  sessionRoute = (await import("@/app/api/host/session/route")) as never;
  webhookRoute = (await import("@/app/api/host/webhooks/route")) as never;
  unsubscribe = onEventsSent((e) => void sent.push(...e));
}, 120_000);
afterAll(async () => {
  unsubscribe?.();
  await world?.close();
});

const now = () => Math.floor(Date.now() / 1000);

async function token(
  o: { secret?: string; aud?: string; iat?: number; exp?: number; jti?: string | null; tenant?: string; alg?: string } = {},
): Promise<string> {
  const iat = o.iat ?? now();
  const claims: Record<string, unknown> = { tenant_id: o.tenant ?? TENANT_A, tenant_name: "Sandbox BV", user_name: "Sanne", locale: "nl" };
  if (o.jti !== null) claims.jti = o.jti ?? randomUUID();
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject("user-sanne")
    .setAudience(o.aud ?? secrets.LEDGERLINK_APP_ID)
    .setIssuedAt(iat)
    .setExpirationTime(o.exp ?? iat + 120)
    .sign(new TextEncoder().encode(o.secret ?? secrets.LEDGERLINK_APP_SECRET));
}

/** Opens the iframe entry point with this token; a redirect (with a session cookie) means it was accepted. */
async function openSession(tok: string): Promise<{ status: number; cookie: boolean; reason: string | null }> {
  stubs.request.reset();
  let res: Response | undefined;
  try {
    res = await sessionRoute.GET(new Request(`https://ledgerlink.test/api/host/session?connector=snelstart&token=${encodeURIComponent(tok)}`));
  } catch (err) {
    if (err instanceof stubs.NavigationSignal && err.kind === "redirect") {
      return { status: 303, cookie: stubs.request.cookies.has("ledgerlink.session"), reason: null };
    }
    throw err;
  }
  const html = res ? await res.text() : "";
  return { status: res?.status ?? 0, cookie: stubs.request.cookies.has("ledgerlink.session"), reason: /data-reason="([^"]+)"/.exec(html)?.[1] ?? null };
}

describe("session tokens", () => {
  it("accepts a valid token once (the control case): a session cookie and a redirect into the app", async () => {
    const r = await openSession(await token());
    expect(r).toEqual({ status: 303, cookie: true, reason: null });
  });

  const refused: Array<[string, () => Promise<string>]> = [
    ["forged (signed with another secret)", () => token({ secret: "not-the-app-secret-0123456789abcdef" })],
    [
      "forged (payload changed after signing: another tenant)",
      async () => {
        const [h, , s] = (await token()).split(".");
        const body = Buffer.from(JSON.stringify({ sub: "user-sanne", tenant_id: "11330df0-a15e-595f-85f9-7c9a298287a1", aud: "ledgerlink", iat: now(), exp: now() + 60, jti: randomUUID() })).toString("base64url");
        return `${h}.${body}.${s}`;
      },
    ],
    [
      "forged (alg none)",
      async () => {
        const h = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
        const body = Buffer.from(JSON.stringify({ sub: "u", tenant_id: TENANT_A, aud: "ledgerlink", iat: now(), exp: now() + 60, jti: randomUUID() })).toString("base64url");
        return `${h}.${body}.`;
      },
    ],
    ["expired", () => token({ iat: now() - 400, exp: now() - 100 })],
    ["wrong audience", () => token({ aud: "another-app" })],
    ["living longer than five minutes", () => token({ exp: now() + 3600 })],
    ["without a token id (so it could not be told from a replay)", () => token({ jti: null })],
  ];
  for (const [name, make] of refused) {
    it(`refuses a ${name} token with 401 and writes nothing`, async () => {
      const tok = await make();
      const before = await dbFingerprint(world.db);
      const r = await openSession(tok);
      expect(r.status).toBe(401);
      expect(r.cookie).toBe(false);
      expect(changedTables(before, await dbFingerprint(world.db))).toEqual([]);
    });
  }

  it("refuses a replayed token (its jti was already used) with 401, no session and nothing written", async () => {
    const tok = await token();
    expect((await openSession(tok)).status).toBe(303);
    const before = await dbFingerprint(world.db);
    const again = await openSession(tok);
    expect(again.status).toBe(401);
    expect(again.cookie).toBe(false);
    expect(again.reason).toBe("replayed");
    expect(changedTables(before, await dbFingerprint(world.db)), "a replayed token must not write (e.g. the tenant row)").toEqual([]);
  });

  it("refuses tokens at next-auth's own callback too (the route the session cookie really comes from)", async () => {
    const { signIn } = await import("@/lib/auth");
    for (const tok of [await token({ secret: "not-the-app-secret-0123456789abcdef" }), await token({ iat: now() - 400, exp: now() - 100 }), await token({ aud: "x" })]) {
      stubs.request.reset();
      const before = await dbFingerprint(world.db);
      await expect(signIn("host-token", { token: tok, redirectTo: "/snelstart" })).rejects.toThrow();
      expect(stubs.request.cookies.has("ledgerlink.session")).toBe(false);
      expect(changedTables(before, await dbFingerprint(world.db))).toEqual([]);
    }
    const tok = await token();
    stubs.request.reset();
    await expect(signIn("host-token", { token: tok, redirectTo: "/snelstart" })).rejects.toBeInstanceOf(stubs.NavigationSignal);
    expect(stubs.request.cookies.has("ledgerlink.session")).toBe(true);
    stubs.request.reset();
    await expect(signIn("host-token", { token: tok, redirectTo: "/snelstart" })).rejects.toThrow();
    expect(stubs.request.cookies.has("ledgerlink.session"), "a replayed token gets no session").toBe(false);
  });
});

describe("webhooks", () => {
  // the subscription Ledgerlink made at activation: a delivery names it by its webhookId
  beforeAll(async () => {
    const { schema } = await import("@/lib/db");
    await world.db.insert(schema.tenants).values({ id: TENANT_A, name: "Sandbox BV" }).onConflictDoNothing();
    await world.db.insert(schema.hostWebhooks).values({ id: "wh-1", tenantId: TENANT_A, entityType: "Activity.Invoice" }).onConflictDoNothing();
  });
  const body = (entityId = randomUUID()) => JSON.stringify({ webhookId: "wh-1", payload: { entityId } });
  const deliver = async (raw: string, o: { secret?: string; signature?: string } = {}) => {
    const res = await webhookRoute.POST(
      new Request("https://ledgerlink.test/api/host/webhooks", {
        method: "POST",
        headers: { "content-type": "application/json", "x-tribe-signature": o.signature ?? signTribeWebhook(o.secret ?? secrets.HOST_WEBHOOK_SECRET, raw) },
        body: raw,
      }),
    );
    return { status: res.status, body: await res.json() };
  };

  it("hands on a valid delivery (the control case)", async () => {
    sent.length = 0;
    const r = await deliver(body());
    expect(r.status).toBe(202);
    expect(sent.map((e) => e.name)).toEqual(["ledgerlink/host.changed"]);
  });

  const refused: Array<[string, () => Promise<{ status: number; body: unknown }>]> = [
    ["forged (signed with another secret)", () => deliver(body(), { secret: "another-webhook-secret" })],
    ["forged (body changed after signing)", async () => {
      const raw = body();
      return deliver(raw.replace(/"entityId":"[^"]+"/, `"entityId":"${randomUUID()}"`), { signature: signTribeWebhook(secrets.HOST_WEBHOOK_SECRET, raw) });
    }],
    ["unsigned", () => deliver(body(), { signature: "" })],
  ];
  for (const [name, send] of refused) {
    it(`refuses a ${name} delivery with 401, hands nothing on and writes nothing`, async () => {
      sent.length = 0;
      const before = await dbFingerprint(world.db);
      const r = await send();
      expect(r.status).toBe(401);
      expect(sent).toEqual([]);
      expect(changedTables(before, await dbFingerprint(world.db))).toEqual([]);
    });
  }

  it("answers a redelivery (the same signed body again) with 2xx, hands nothing on and writes nothing", async () => {
    const raw = body();
    expect((await deliver(raw)).status).toBe(202);
    sent.length = 0;
    const before = await dbFingerprint(world.db);
    const r = await deliver(raw);
    expect(sent, "a redelivery hands nothing on").toEqual([]);
    expect(changedTables(before, await dbFingerprint(world.db))).toEqual([]);
    expect(r.status, `a redelivery is answered 2xx, or the CRM takes the endpoint for broken (it answered ${r.status} ${JSON.stringify(r.body)})`).toBeLessThan(300);
  });
});
