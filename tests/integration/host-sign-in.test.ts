/**
 * Signing in to the CRM as Tribe documents it for marketplace integrations: the organisation's
 * consent on Tribe's auth server (authorization code), its refresh token kept sealed and spent one
 * caller at a time, and who gave it shown.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb, schema } from "@/lib/db";
import { beginHostConsent, hostAdapterForTenant, hostConnectionOf, liveHostConnection } from "@/lib/host";
import { HostNotConnectedError, refreshingTokenSource } from "@/lib/host/tribe/connection";
import { upsertTenant } from "@/lib/tenancy";
import { activateInCrm, SANDBOX_TENANT, startWorld, type World } from "../helpers/world";

let world: World;

beforeAll(async () => {
  world = await startWorld({ signIn: "authorization_code" });
  await upsertTenant(world.db, { tenantId: SANDBOX_TENANT, tenantName: "Sandbox BV", locale: "nl" });
  await activateInCrm(world);
}, 120_000);
afterAll(() => world?.close());

/** What the administrator does on Tribe's consent page: Allow (or Deny); answers where the auth server sends the browser. */
async function consent(authorizeUrl: string, allow = true): Promise<URL> {
  const q = new URL(authorizeUrl).searchParams;
  const r = await fetch(`${world.host.url}/__admin/oauth/consent`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: q.get("client_id"), redirect_uri: q.get("redirect_uri"), state: q.get("state"), scope: q.get("scope"), tenant: SANDBOX_TENANT, allow }),
  });
  expect(r.status, await r.clone().text()).toBe(200);
  return new URL(((await r.json()) as { location: string }).location);
}

async function callback(location: URL) {
  const { GET } = await import("@/app/api/host/oauth/callback/route");
  const res = await GET(new Request(`https://ledgerlink.test/api/host/oauth/callback${location.search}`, { headers: { "accept-language": "nl" } }));
  return { status: res.status, html: await res.text() };
}

const tokenRequests = async () => ((await (await fetch(`${world.host.url}/__admin/tokens`)).json()) as { requests: Record<string, { issued: number; refused: number }> }).requests;

describe("the organisation's consent", () => {
  it("asks Tribe's auth server with a state of its own, and no consent means no connection", async () => {
    const url = new URL(await beginHostConsent(world.db, SANDBOX_TENANT, "nl"));
    expect(url.origin + url.pathname).toBe(`${world.host.url}/oauth2/auth`);
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("scope")).toBe("read write offline");
    expect(url.searchParams.get("state")!.length).toBeGreaterThanOrEqual(8);
    // the waiting page renders again every few seconds: it offers the same state, not a new one each time
    expect(await beginHostConsent(world.db, SANDBOX_TENANT, "nl")).toBe(url.toString());
    const denied = await callback(await consent(url.toString(), false));
    expect(denied.status).toBe(403);
    expect(denied.html).toContain("geen toegang gegeven");
    expect(await hostConnectionOf(world.db, SANDBOX_TENANT)).toBeNull();
  });

  it("keeps the refresh token sealed, names who connected, and reads the CRM with tokens it refreshes", async () => {
    const done = await callback(await consent(await beginHostConsent(world.db, SANDBOX_TENANT, "nl")));
    expect(done.status).toBe(200);
    expect(done.html).toContain("Ledgerlink heeft nu toegang tot Tribe CRM");
    const connection = await hostConnectionOf(world.db, SANDBOX_TENANT);
    expect(connection?.connectedBy, "GetCurrentEmployee(): the user who consented").toMatch(/Sanne de Vries/);
    const [row] = await world.db.select().from(schema.hostConnections).where(eq(schema.hostConnections.tenantId, SANDBOX_TENANT));
    expect(row!.sealed).not.toMatch(/refresh/i);

    await fetch(`${world.host.url}/__admin/tokens/reset`, { method: "POST" });
    const page = await hostAdapterForTenant(SANDBOX_TENANT).relations.page(null);
    expect(page.items.length).toBeGreaterThan(0);
    expect((await tokenRequests()).refresh_token).toMatchObject({ issued: 1, refused: 0 });
  });

  it("spends the refresh token one caller at a time, across processes: none is refused for a token another already spent", async () => {
    await fetch(`${world.host.url}/__admin/tokens/reset`, { method: "POST" });
    // three processes, each with its own client, wanting a token at the same moment
    const tokens = await Promise.all([1, 2, 3].map(() => refreshingTokenSource(getDb, SANDBOX_TENANT)()));
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(3);
    expect((await tokenRequests()).refresh_token).toMatchObject({ issued: 3, refused: 0 });
  });

  it("asks for the consent again once the organisation withdraws it", async () => {
    await fetch(`${world.host.url}/__admin/uninstall`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tenant: SANDBOX_TENANT }) });
    const err = await refreshingTokenSource(getDb, SANDBOX_TENANT)().catch((e) => e);
    expect(err).toBeInstanceOf(HostNotConnectedError);
    expect(err.logMessage).toEqual({ key: "host.errors.notConnected" });
    expect(await hostConnectionOf(world.db, SANDBOX_TENANT)).toBeNull();
  });

  it("takes a state once, and refuses one it never issued", async () => {
    await activateInCrm(world);
    const url = await beginHostConsent(world.db, SANDBOX_TENANT, "nl");
    const location = await consent(url);
    expect((await callback(location)).status).toBe(200);
    expect((await callback(location)).status, "the same callback again").toBe(400);
    const forged = new URL(location);
    forged.searchParams.set("state", "not-a-state-we-issued");
    expect((await callback(forged)).status).toBe(400);
  });

  it("the page that asks for the consent keeps one the CRM accepts, and asks again for one it no longer does", async () => {
    expect(await liveHostConnection(world.db, SANDBOX_TENANT)).toMatchObject({ connectedBy: expect.stringMatching(/Sanne de Vries/) });
    // uninstalled in the CRM: the stored consent is not used until the page tries it
    await fetch(`${world.host.url}/__admin/uninstall`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ tenant: SANDBOX_TENANT }) });
    expect(await hostConnectionOf(world.db, SANDBOX_TENANT)).not.toBeNull();
    expect(await liveHostConnection(world.db, SANDBOX_TENANT)).toBeNull();
    expect(await hostConnectionOf(world.db, SANDBOX_TENANT)).toBeNull();
  });
});
