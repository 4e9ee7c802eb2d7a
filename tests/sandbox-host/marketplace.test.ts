import { jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HostSandbox } from "../../sandbox/host/server";
import { MANIFEST, startHost, startReceiver, T1, token } from "./helpers";

const APP_SECRET = "test-app-secret";
let host: HostSandbox;
let app: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  app = await startReceiver({ manifest: MANIFEST });
  host = await startHost({ appUrl: app.url, appSecret: APP_SECRET });
});
afterAll(async () => {
  await host.close();
  await app.close();
});

const html = async (path: string, init?: RequestInit) => {
  const r = await fetch(`${host.url}${path}`, { redirect: "manual", ...init });
  return { status: r.status, location: r.headers.get("location"), text: await r.text() };
};

describe("marketplace and iframe", () => {
  it("redirects / to the marketplace, whose Financial tab lists the manifest's listings", async () => {
    expect((await html("/")).location).toBe("/marketplace");
    const page = await html("/marketplace");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Sandbox CRM");
    expect(page.text).toMatch(/role="tab"[^>]*>Financieel \/ Financial</);
    expect(page.text).toContain("SnelStart koppeling");
    expect(page.text).toContain('href="/marketplace/ledgerlink/snelstart"');
  });

  it("shows a listing with an Activeren button, activates and opens the iframe with a fresh JWT (the app subscribes to webhooks itself)", async () => {
    const listing = await html("/marketplace/ledgerlink/snelstart");
    expect(listing.text).toMatch(/<button[^>]*>Activeren<\/button>/);
    expect(listing.text).not.toContain("Deïnstalleren");

    const act = await html("/marketplace/ledgerlink/snelstart/activate", { method: "POST" });
    expect(act.status).toBe(303);
    expect(act.location).toBe("/apps/ledgerlink/snelstart");

    const appPage = await html("/apps/ledgerlink/snelstart");
    expect(appPage.status).toBe(200);
    const m = /<iframe[^>]*title="Ledgerlink"[^>]*src="([^"]+)"/.exec(appPage.text);
    expect(m).not.toBeNull();
    const src = new URL(m![1]!.replace(/&amp;/g, "&"));
    expect(src.origin + src.pathname).toBe(`${app.url}/embedded/snelstart`);
    expect(src.searchParams.get("x")).toBe("1");
    const jwt = src.searchParams.get("token")!;
    const { payload, protectedHeader } = await jwtVerify(jwt, new TextEncoder().encode(APP_SECRET), { issuer: "sandbox-host", audience: "ledgerlink" });
    expect(protectedHeader.alg).toBe("HS256");
    expect(payload).toMatchObject({ tenant_id: T1, tenant_name: "Sandbox BV", user_name: "Sanne de Vries", locale: "nl", sub: expect.any(String) });
    expect(payload.exp! - payload.iat!).toBe(300);

    // fresh on every load
    await new Promise((r) => setTimeout(r, 1100));
    const again = /<iframe[^>]*src="([^"]+)"/.exec((await html("/apps/ledgerlink/snelstart")).text)![1]!;
    expect(new URL(again.replace(/&amp;/g, "&")).searchParams.get("token")).not.toBe(jwt);

    // Tribe has no manifest that subscribes an app: apps subscribe through /v1/webhooks themselves
    expect((await (await fetch(`${host.url}/__admin/webhooks`)).json()).subscriptions).toEqual([]);
    // the token endpoint now answers for this organization
    expect(await token(host)).toBeTruthy();

    const installed = await html("/marketplace/ledgerlink/snelstart");
    expect(installed.text).toContain("Deïnstalleren");
    expect(installed.text).toContain("Geactiveerd");
  });

  it("uses the user's locale and the tenant switch", async () => {
    await html("/settings", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "locale=fr" });
    const tok = await (await fetch(`${host.url}/__admin/token?tenant=${T1}`)).json();
    const { payload } = await jwtVerify(tok.token, new TextEncoder().encode(APP_SECRET));
    expect(payload.locale).toBe("fr");
    const en = await (await fetch(`${host.url}/__admin/token?tenant=2&locale=en`)).json();
    const p2 = (await jwtVerify(en.token, new TextEncoder().encode(APP_SECRET))).payload;
    expect(p2).toMatchObject({ tenant_name: "Fjordhandel AS", locale: "en", aud: "ledgerlink" });

    const sw = await html("/marketplace?tenant=2");
    expect(sw.status).toBe(303);
    const cookie = await fetch(`${host.url}/marketplace?tenant=2`, { redirect: "manual" }).then((r) => r.headers.get("set-cookie")!.split(";")[0]!);
    const page = await html("/marketplace", { headers: { cookie } });
    expect(page.text).toContain("Fjordhandel AS");
  });

  it("subscribes the manifest's webhooks on Activate only when configured to (subscribeOnActivate)", async () => {
    await fetch(`${host.url}/__admin/config`, { method: "POST", body: JSON.stringify({ subscribeOnActivate: true }) });
    await html("/marketplace/ledgerlink/snelstart/activate", { method: "POST" });
    const subs = (await (await fetch(`${host.url}/__admin/webhooks`)).json()).subscriptions;
    expect(subs.map((s: any) => [s.entityType, s.url])).toEqual([
      ["Relation.Organization", `${app.url}/api/host/webhooks`],
      ["Activity.Invoice", `${app.url}/api/host/webhooks`],
    ]);
  });

  it("uninstalls", async () => {
    const r = await html("/marketplace/ledgerlink/snelstart/uninstall", { method: "POST" });
    expect(r.status).toBe(303);
    expect((await html("/apps/ledgerlink/snelstart")).status).toBe(303);
    const t = await fetch(`${host.url}/oauth2/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: "ledgerlink", client_secret: "sandbox-client-secret", organization_id: T1 }),
    });
    expect(t.status).toBe(401);
  });

  it("shows a readable message when the app cannot be reached", async () => {
    const lonely = await startHost({ appUrl: "http://127.0.0.1:9" });
    try {
      const r = await fetch(`${lonely.url}/marketplace`);
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).toContain('role="alert"');
      expect(text).toContain("De apps konden niet worden geladen");
    } finally {
      await lonely.close();
    }
  });
});
